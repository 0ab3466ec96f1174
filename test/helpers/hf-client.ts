/**
 * Runs the real Hugging Face client (huggingface_hub 1.23, ../shared/clients/huggingface_hub/hf-python) against a
 * Paperboy server on 127.0.0.1. The client is Python: tests that need it check `probeHfClient()` first.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './app.js';

export const HF_PYTHON = path.resolve(import.meta.dirname, '../../../shared/clients/huggingface_hub/hf-python');

/** True when a missing client must fail the run instead of skipping (CI, or asked for explicitly). */
export function hfClientRequired(): boolean {
  const ci = process.env.CI;
  return process.env.PAPERBOY_REQUIRE_HF_CLIENT === '1' || (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false');
}

export type HfClientProbe = { available: true; version: string } | { available: false; reason: string };

/** Whether python3 and the client are here and importable (the first run unpacks the client, a few seconds). */
export function probeHfClient(): HfClientProbe {
  if (!fs.existsSync(HF_PYTHON)) return { available: false, reason: `the Hugging Face client is missing (${HF_PYTHON})` };
  const py = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (py.error || py.status !== 0) return { available: false, reason: `python3 is not available (${py.error?.message ?? py.stderr.trim()})` };
  const r = spawnSync(HF_PYTHON, ['-c', 'import huggingface_hub; print(huggingface_hub.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error || r.status !== 0) {
    return { available: false, reason: `the Hugging Face client does not import (${r.error?.message ?? r.stderr.trim().split('\n').pop()})` };
  }
  return { available: true, version: r.stdout.trim() };
}

/**
 * The environment for the client: only our server as the endpoint, no token (a temp HF_HOME, HF_TOKEN dropped),
 * no telemetry, and no proxy for 127.0.0.1.
 */
function clientEnv(endpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(https?_proxy|all_proxy|HF_TOKEN|HUGGING_FACE_HUB_TOKEN|HF_HOME|HF_ENDPOINT)$/i.test(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    HF_ENDPOINT: endpoint,
    HF_HOME: tempDir('paperboy-hf-home-'),
    HF_HUB_DISABLE_TELEMETRY: '1',
    HF_HUB_DISABLE_UPDATE_CHECK: '1',
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    PYTHONIOENCODING: 'utf-8',
  };
}

export interface HfRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `hf-python ...args` with HF_ENDPOINT pointing at `endpoint`. Asynchronous: the server answering runs in this process. */
export function runHfPython(endpoint: string, args: string[], timeoutMs = 60_000): Promise<HfRun> {
  return new Promise((resolve) => {
    execFile(HF_PYTHON, args, { env: clientEnv(endpoint), timeout: timeoutMs, maxBuffer: 16 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr: err && code === -1 ? `${stderr}\n${err.message}` : stderr });
    });
  });
}

/** Runs a Python script that prints one JSON document, and parses it. */
export async function runHfScript<T>(endpoint: string, script: string): Promise<T> {
  const r = await runHfPython(endpoint, ['-c', script]);
  if (r.code !== 0) throw new Error(`hf-python exited with ${r.code}:\n${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout) as T;
}
