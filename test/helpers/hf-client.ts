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

/** Runs a Python script that prints one JSON document, and parses it. `args` reach the script as sys.argv[1:]. */
export async function runHfScript<T>(endpoint: string, script: string, args: string[] = []): Promise<T> {
  const r = await runHfPython(endpoint, ['-c', script, ...args]);
  if (r.code !== 0) throw new Error(`hf-python exited with ${r.code}:\n${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * Forks one process per invocation from a parent that has already imported the CLI, each running what
 * `python -m huggingface_hub.cli.hf` runs (`main()`) with its own argv, stdout, stderr and exit code: separate `hf`
 * processes, without paying the client's import (over a second of CPU) for each one.
 */
const CLI_RUNNER = String.raw`
import json, os, sys, tempfile, traceback
import huggingface_hub.cli.hf as hf  # the expensive imports, once

def child(args, out_path, err_path):
    for fd, path in ((1, out_path), (2, err_path)):
        f = os.open(path, os.O_WRONLY | os.O_TRUNC)
        os.dup2(f, fd)
        os.close(f)
    sys.argv = [hf.__file__, *args]  # as under python -m
    code = 0
    try:
        hf.main()  # what the module runs as __main__
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)

invocations = json.loads(sys.argv[1])
folder = tempfile.mkdtemp(prefix="paperboy-hf-cli-")
children = []
for i, args in enumerate(invocations):
    paths = [os.path.join(folder, f"{i}.{n}") for n in ("out", "err")]
    for p in paths:
        open(p, "w").close()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        child(args, *paths)
    children.append((pid, paths))
results = []
for pid, (out_path, err_path) in children:
    _, status = os.waitpid(pid, 0)
    with open(out_path, encoding="utf-8") as o, open(err_path, encoding="utf-8") as e:
        results.append({"code": os.waitstatus_to_exitcode(status), "stdout": o.read(), "stderr": e.read()})
print(json.dumps(results))
`;

/** Runs `hf ...args` for each of `invocations` (see CLI_RUNNER), concurrently; the results in the same order. */
export function runHfCli(endpoint: string, invocations: string[][]): Promise<HfRun[]> {
  return runHfScript<HfRun[]>(endpoint, CLI_RUNNER, [JSON.stringify(invocations)]);
}
