// Time constants of steps.md §3.5 (ms). Never scaled.
export const T_READ = 5000;
export const T_WRITE = 5000;
export const T_ATTEMPT = 1000;
export const T_PROBE = 100;
export const T_SETTLE = 200;
export const T_BLOCK = 500;
export const T_IMMEDIATE = 250;
export const T_QUIET = 200;
export const T_IDLE = 5000;
export const LOOP_READ_SLICE = 1000;
/** Reader-loop cap (B25). */
export const LOOP_CAP = 120_000;
/** Readiness handshake limit (steps.md §1.1). */
export const T_HANDSHAKE = 10_000;
/** Kill: wait for exit and reaping (steps.md §1.3). */
export const T_REAP = 5000;
/** Teardown: graceful exit limit before SIGKILL (steps.md §1.1). */
export const T_SHUTDOWN = 5000;
/** `a new '<role>' process`: grace after closing stdin before SIGKILL (steps.md §1.2 rule 3). */
export const T_REPLACE_GRACE = 2000;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Sleeps at least `ms` on the monotonic clock (setTimeout may fire a fraction of a millisecond
 * early relative to performance.now()); returns the elapsed time.
 */
export async function sleepAtLeast(ms: number): Promise<number> {
  const t0 = now();
  await sleep(ms);
  while (now() - t0 < ms) await sleep(1);
  return now() - t0;
}

export function now(): number {
  return performance.now();
}

/** Resolves with the promise's value, or with `onTimeout` after `ms` — the timer never outlives the race. */
export async function within<T, U>(p: Promise<T>, ms: number, onTimeout: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout), Math.max(0, ms));
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks `condition` every `periodMs` until it holds or `limitMs` have passed (a last check at the
 * deadline); true when it held. For states that announce no event (a library's loop phase, OIEB
 * counters written by another process); the caller fails with its own message.
 */
export async function pollUntil(condition: () => boolean, limitMs: number, periodMs = 5): Promise<boolean> {
  const deadline = now() + limitMs;
  while (!condition()) {
    const left = deadline - now();
    if (left <= 0) return condition();
    await sleep(Math.min(periodMs, left));
  }
  return true;
}
