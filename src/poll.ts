// Timer-based polling for isWriterConnected(timeout) / isReaderConnected(timeout)
// (protocol.md §6.6, §7.3): checks every 100 ms and never blocks the JS thread.
import { performance } from 'node:perf_hooks';
import { ClosedError } from './errors';
import { fromNative } from './error-factory';

/** Poll interval of the is*Connected(timeout) overloads (§8.4). */
export const POLL_INTERVAL_MS = 100;

/**
 * Resolves `true` as soon as `check()` returns true, `false` once `timeoutMs` has passed
 * (`Infinity` polls forever), and rejects with ClosedError when `isClosed()` becomes true.
 */
export function pollUntil(
  check: () => boolean,
  timeoutMs: number,
  isClosed: () => boolean,
  what: string,
): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const deadline = performance.now() + timeoutMs;
    const tick = (): void => {
      if (isClosed()) {
        reject(new ClosedError(`${what}: closed while polling`));
        return;
      }
      let ok: boolean;
      try {
        ok = check();
      } catch (err) {
        reject(fromNative(err));
        return;
      }
      if (ok) {
        resolve(true);
        return;
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        resolve(false);
        return;
      }
      setTimeout(tick, Math.min(POLL_INTERVAL_MS, left));
    };
    tick();
  });
}
