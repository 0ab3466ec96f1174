/** HTML pages: daily/weekly/monthly feed and paper pages. (Being built.) */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../app.js';

export async function pageRoutes(_app: FastifyInstance, _deps: AppDeps): Promise<void> {}
