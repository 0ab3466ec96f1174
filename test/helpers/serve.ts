/** Running `paperboy serve` as a user does: a real child process. */
import type { spawn } from 'node:child_process';
import path from 'node:path';

export const BIN = path.resolve(import.meta.dirname, '../../bin/paperboy.mjs');

/** Waits for `paperboy serve` to say where it listens; fails with its output when it exits or takes over 45 s. */
export function serverUrl(child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving .* at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 45_000);
  });
}
