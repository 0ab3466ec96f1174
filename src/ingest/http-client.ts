/**
 * A polite HTTP client for harvesting public services (arXiv API, arXiv OAI-PMH): it spaces requests out, names itself,
 * gives up on a hung request, and retries transient failures with exponential backoff. Uses Node's global fetch.
 *
 * arXiv's terms of use ask for "no more than one request every three seconds" and a single connection at a time:
 * https://info.arxiv.org/help/api/tou.html — hence the 3,000 ms default interval and the strictly serial request queue.
 */
import pRetry, { AbortError } from 'p-retry';

export const DEFAULT_USER_AGENT = 'Paperboy/0.1 (+https://github.com/paperboy)';
/** arXiv API terms of use: one request every 3 seconds (https://info.arxiv.org/help/api/tou.html). */
export const ARXIV_MIN_INTERVAL_MS = 3_000;
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_RETRIES = 4;
export const DEFAULT_BACKOFF_BASE_MS = 5_000;
export const DEFAULT_MAX_BACKOFF_MS = 120_000;
/** A Retry-After longer than this is not worth waiting for inside one import run. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 10 * 60_000;

export interface PoliteHttpClientOptions {
  /** Minimum time between the end of one request and the start of the next. Default 3,000 ms (arXiv's rule). */
  minIntervalMs?: number;
  /** Per-attempt timeout. Default 60,000 ms: large arXiv API pages can take tens of seconds. */
  timeoutMs?: number;
  /** Retries after the first attempt for transient failures (network errors, timeouts, 429, 5xx). Default 4. */
  retries?: number;
  /** First backoff delay; doubles on each retry (p-retry's factor 2). Default 5,000 ms. */
  backoffBaseMs?: number;
  /** Upper bound of one backoff delay. Default 120,000 ms. */
  maxBackoffMs?: number;
  /** Give up instead of waiting when a server asks (Retry-After) for a longer pause than this. Default 10 minutes. */
  maxRetryAfterMs?: number;
  /** Default `Paperboy/0.1 (+https://github.com/paperboy)`. */
  userAgent?: string;
  /** Largest response body read. Default 64 MB. */
  maxBodyBytes?: number;
}

/** A response larger than this is not an arXiv page (2,000 Atom entries are ~10 MB): stop reading instead of buffering it. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

class BodyTooLargeError extends Error {}

/** Reads a body as UTF-8 text, giving up past `maxBytes` (memory stays bounded whatever a server sends). */
async function readBody(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await res.body.cancel().catch(() => {});
      throw new BodyTooLargeError(`response larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface HttpResponse {
  /** The URL requested. */
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

/** A request that failed for good: after the retries (transient failures) or at once (other 4xx). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    message: string,
    readonly url: string,
    /** HTTP status, or null when no response arrived (network error, timeout). */
    readonly status: number | null,
    /** The response body when there was one, so callers can read an error document (arXiv's error feed). */
    readonly body: string | null,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One failed attempt; `transient` decides whether p-retry tries again. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly body: string | null,
    readonly transient: boolean,
    readonly retryAfterMs: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Parses a Retry-After header (RFC 9110 §10.2.3): either delay-seconds or an HTTP date. Returns milliseconds, or null.
 */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function isTransientStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** What to tell the operator, by failure kind. */
function adviceFor(status: number | null): string {
  if (status === null) return 'Check the network connection and the base URL, then run the import again.';
  if (status === 429) return 'The server is rate-limiting this machine; wait a few minutes (or raise the request interval) and run the import again.';
  if (status >= 500) return 'The server is failing or overloaded; try again later (arXiv is often busy around 20:00 US Eastern).';
  if (status === 404) return 'Check the base URL configured for this source.';
  return 'Check the request parameters (ids, query, dates); retrying will not help.';
}

/**
 * A fetch wrapper that is polite to one host. Requests made through one instance are serialized: each waits for the
 * previous one to finish plus `minIntervalMs`, so share one instance between sources that talk to the same service.
 */
export class PoliteHttpClient {
  readonly minIntervalMs: number;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly retries: number;
  readonly backoffBaseMs: number;
  readonly maxBackoffMs: number;
  readonly maxRetryAfterMs: number;
  readonly userAgent: string;
  /** performance.now() before which no request may start (interval after the last request, or a Retry-After). */
  private notBefore = 0;
  /** Tail of the queue: requests run one at a time (arXiv asks for a single connection). */
  private queue: Promise<void> = Promise.resolve();

  constructor(options: PoliteHttpClientOptions = {}) {
    this.minIntervalMs = options.minIntervalMs ?? ARXIV_MIN_INTERVAL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.retries = options.retries ?? DEFAULT_RETRIES;
    this.backoffBaseMs = options.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.maxBackoffMs = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    for (const [name, v] of Object.entries({ minIntervalMs: this.minIntervalMs, timeoutMs: this.timeoutMs, retries: this.retries })) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`PoliteHttpClient: ${name} must be a number >= 0 (got ${v})`);
    }
  }

  /**
   * GETs `url` and returns the body as text for any 2xx answer. Throws HttpError when the request fails for good:
   * immediately for non-transient answers (4xx other than 408/429), after `retries` retries for transient ones.
   */
  async getText(url: string | URL): Promise<HttpResponse> {
    const href = String(url);
    let attempts = 0;
    // p-retry reports the most frequent error when retries run out; the last one is the one worth telling.
    let lastError: unknown = null;
    try {
      return await pRetry(
        async () => {
          attempts += 1;
          try {
            return await this.attempt(href);
          } catch (err) {
            lastError = err;
            // AbortError tells p-retry not to retry; it rethrows the wrapped error unchanged.
            if (err instanceof AttemptError && !err.transient) throw new AbortError(err);
            throw err;
          }
        },
        {
          retries: this.retries,
          factor: 2,
          minTimeout: this.backoffBaseMs,
          maxTimeout: this.maxBackoffMs,
          randomize: true,
          onFailedAttempt: (error: unknown) => {
            if (!(error instanceof AttemptError) || error.retryAfterMs === null) return;
            const retryAfterMs = error.retryAfterMs;
            if (retryAfterMs > this.maxRetryAfterMs) {
              // Not worth blocking an import for; surface it now with the server's wish in the message.
              throw new AttemptError(
                `${error.message}; the server asks to wait ${Math.ceil(retryAfterMs / 1000)} s (Retry-After), longer than the ${Math.ceil(this.maxRetryAfterMs / 1000)} s limit`,
                error.status, error.body, false, retryAfterMs,
              );
            }
            // Applies to every request of this client, not only this one: the server asked this client to pause.
            this.notBefore = Math.max(this.notBefore, performance.now() + retryAfterMs);
          },
        },
      );
    } catch (err) {
      // An error thrown by onFailedAttempt (Retry-After too long) is newer than lastError.
      const final = err instanceof AttemptError && !err.transient ? err : (lastError ?? err);
      throw this.finalError(href, final, attempts);
    }
  }

  /** One attempt: wait for our turn, fetch with a timeout, read the body, classify failures. */
  private async attempt(url: string): Promise<HttpResponse> {
    const release = await this.acquire();
    try {
      let res: Response;
      try {
        res = await fetch(url, {
          headers: { 'User-Agent': this.userAgent, Accept: 'application/atom+xml, application/xml, text/xml;q=0.9, */*;q=0.5' },
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'follow',
        });
      } catch (err) {
        const what = err instanceof Error && err.name === 'TimeoutError' ? `timed out after ${this.timeoutMs} ms` : `network error (${describe(err)})`;
        throw new AttemptError(what, null, null, true, null, { cause: err });
      }
      let body: string;
      try {
        body = await readBody(res, this.maxBodyBytes);
      } catch (err) {
        if (err instanceof BodyTooLargeError) throw new AttemptError(err.message, res.status, null, false, null);
        // A connection cut mid-body is as transient as one that never opened.
        throw new AttemptError(`response body cut off (${describe(err)})`, res.status, null, true, null, { cause: err });
      }
      if (res.ok) return { url, status: res.status, headers: res.headers, body };
      const transient = isTransientStatus(res.status);
      const retryAfterMs = transient ? parseRetryAfter(res.headers.get('retry-after')) : null;
      throw new AttemptError(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, res.status, body, transient, retryAfterMs);
    } finally {
      release();
    }
  }

  /**
   * Waits until no other request of this client is running and the interval since the last one has passed.
   * Returns the function that marks this request finished.
   */
  private async acquire(): Promise<() => void> {
    const previous = this.queue;
    let done!: () => void;
    this.queue = new Promise<void>((resolve) => (done = resolve));
    await previous;
    // Loop because timers may fire a millisecond early, and a Retry-After may arrive while we sleep.
    for (let wait = this.notBefore - performance.now(); wait > 0; wait = this.notBefore - performance.now()) await sleep(wait);
    return () => {
      // Spacing counts from the end of a request: stricter than arXiv's rule, and robust to slow responses.
      this.notBefore = Math.max(this.notBefore, performance.now() + this.minIntervalMs);
      done();
    };
  }

  private finalError(url: string, err: unknown, attempts: number): HttpError {
    if (err instanceof AttemptError) {
      const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
      const advice = err.retryAfterMs !== null && !err.transient ? 'Wait as long as the server asks, then run the import again.' : adviceFor(err.status);
      return new HttpError(`GET ${url} failed${tries}: ${err.message}. ${advice}`, url, err.status, err.body, attempts, { cause: err });
    }
    return new HttpError(`GET ${url} failed: ${describe(err)}`, url, null, null, attempts, { cause: err });
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}
