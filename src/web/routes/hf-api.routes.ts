/** Hugging Face-compatible JSON API. (Being built.) */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.js';

export async function hfApiRoutes(_app: FastifyInstance, _deps: AppDeps): Promise<void> {}
