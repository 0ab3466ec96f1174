#!/usr/bin/env node
// Entry point of the `paperboy` command. The sources are TypeScript; tsx compiles them on the fly so that
// `npm install && npm start` needs no build step (see docs/decisions/001-run-typescript-with-tsx.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
