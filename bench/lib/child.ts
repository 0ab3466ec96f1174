/**
 * Benchmarks measure each step in a child process of its own, so peak RSS belongs to that step alone: under GNU time
 * (`/usr/bin/time -v`) when present, else the child's own getrusage. The child prints one result line.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';
const RESULT_PREFIX = 'BENCH_RESULT ';

/** Whether peak RSS comes from GNU time (else from getrusage in the child). */
export const hasGnuTime = (): boolean => fs.existsSync(GNU_TIME);

/** In the child: prints its result with its own peak RSS (on Linux maxRSS is in kilobytes). */
export function reportResult(result: object): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ ...result, selfMaxRssKb: process.resourceUsage().maxRSS })}\n`);
}

/**
 * In the parent: runs `node [nodeArgs]` in `cwd` (stderr passes through, for progress bars) and returns the child's
 * result with its peak RSS. `label` names the step in errors and temp files.
 */
export function runMeasured<T extends object>(
  label: string,
  nodeArgs: readonly string[],
  cwd: string,
): Promise<T & { selfMaxRssKb: number; peakRssKb: number; rssFrom: 'time -v' | 'getrusage' }> {
  const useTime = hasGnuTime();
  const timeOut = path.join(os.tmpdir(), `paperboy-bench-time-${process.pid}-${label}.txt`);
  const [cmd, args] = useTime ? [GNU_TIME, ['-v', '-o', timeOut, process.execPath, ...nodeArgs]] : [process.execPath, [...nodeArgs]];
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) return reject(new Error(`${label} child failed (exit ${code}): ${stdout.slice(-2000)}`));
      const r = JSON.parse(line.slice(RESULT_PREFIX.length)) as T & { selfMaxRssKb: number };
      let peak = r.selfMaxRssKb;
      let from: 'time -v' | 'getrusage' = 'getrusage';
      if (useTime) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(fs.existsSync(timeOut) ? fs.readFileSync(timeOut, 'utf8') : '');
        fs.rmSync(timeOut, { force: true });
        if (m) {
          peak = Number(m[1]);
          from = 'time -v';
        }
      }
      resolve({ ...r, peakRssKb: peak, rssFrom: from });
    });
  });
}
