// Letting the event loop turn during a stream that never waits.
//
// An async read that finds its frames ready, or a write that finds space, settles without a turn of
// the event loop: no wait thread, no I/O, only microtasks. A stream that is never short of frames
// (a Reader behind its Writer) or of space (a Writer ahead of its Reader) would then never let the
// loop turn. Timers and I/O would starve, and so would the freeing of zero-copy views: Node frees
// what an external ArrayBuffer needs (about 270 bytes) from an immediate, so 400,000 views read by
// `await readMany()` from a ring that always had frames held 152 MB. So an operation that settles
// ready goes through one immediate once ready operations have run for TURN_AFTER_MS without a turn.
import { performance } from 'node:perf_hooks';

/** Longest a stream of ready operations keeps the event loop from turning. */
export const TURN_AFTER_MS = 5;

/** When the current run of ready operations began (performance.now()); -1: none since the last hop. */
let runStart = -1;
/** The loop's idle time when it began: it grows only when the loop turns (and waits for events). */
let idleAtStart = 0;

/**
 * The settled result of an operation that did not wait: `value` itself, or — once ready operations
 * have run for TURN_AFTER_MS without the loop turning — a promise of it that settles after one
 * immediate. Nothing is scheduled per operation: a stream whose loop turns between operations (it
 * waits, or sleeps on a timer) pays a clock read per operation and never takes the hop.
 */
export function readyResult<T>(value: T): T | Promise<T> {
  const now = performance.now();
  if (runStart >= 0 && now - runStart < TURN_AFTER_MS) return value;
  const idle = performance.nodeTiming.idleTime;
  if (runStart < 0 || idle !== idleAtStart) {
    runStart = now; // a new run: the first, or the loop turned during the last one
    idleAtStart = idle;
    return value;
  }
  runStart = -1;
  return new Promise((resolve) => setImmediate(resolve, value));
}
