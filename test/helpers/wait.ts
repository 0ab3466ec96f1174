/** Waiting in tests that drive real processes. */
export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `f` every 100 ms until it gives something truthy (returned), failing with `what` after `timeoutMs`. */
export async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await wait(100);
  }
}
