// Retrying an operation while the peer's Reader is not ready yet (protocol.md §11.3 step 3).
//
// A Writer that connects before its Reader has published the buffer sees one of three transient
// errors: the shared memory or a semaphore is missing (ZB_BUFFER_NOT_FOUND), the OIEB is not
// published yet (ZB_INVALID_OIEB, §14.5), or no live Reader is recorded (ZB_NO_READER). The duplex
// server's lazy response connection and the CLI's `write` and `request` retry exactly these.
import { performance } from 'node:perf_hooks';
import { ZeroBufferError, type ErrorCode } from '../errors';

/** Retry interval of the duplex response connection (§8.4). */
export const RETRY_INTERVAL_MS = 100;

const NOT_READY_CODES: ReadonlySet<ErrorCode> = new Set(['ZB_BUFFER_NOT_FOUND', 'ZB_INVALID_OIEB', 'ZB_NO_READER']);

/** True for the errors that mean "the Reader is not ready (yet)". */
export function isNotReadyError(err: unknown): boolean {
  return err instanceof ZeroBufferError && NOT_READY_CODES.has(err.code);
}

/**
 * Runs `attempt` and retries it every 100 ms while it fails with a not-ready error, for up to
 * `windowMs`. Throws the first other error, or the last not-ready error once the window has passed
 * or `cancelled()` returns true.
 */
export async function retryWhileNotReady<T>(attempt: () => Promise<T>, windowMs: number, cancelled: () => boolean): Promise<T> {
  const deadline = performance.now() + windowMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!isNotReadyError(err) || performance.now() >= deadline || cancelled()) throw err;
    }
    await new Promise((r) => setTimeout(r, RETRY_INTERVAL_MS));
  }
}
