// The scale knob of steps.md §3.6: ZEROBUFFER_TEST_SCALE in [0, 1], default 0 (smoke scale).
// SCALE(full; smoke) = round(smoke + (full − smoke) × s). A value outside [0, 1] (or not a number)
// makes the harness refuse to start (checked by the host's environment check).

export const SCALE_ENV = 'ZEROBUFFER_TEST_SCALE';

/** The scale factor s, or an Error describing an invalid setting. */
export function parseScale(raw: string | undefined): number | Error {
  if (raw === undefined || raw.trim() === '') return 0;
  const s = Number(raw);
  if (!Number.isFinite(s) || s < 0 || s > 1 || !/^\s*\d*(\.\d+)?\s*$/.test(raw)) {
    return new Error(`${SCALE_ENV} must be a decimal number in [0, 1], got ${JSON.stringify(raw)}`);
  }
  return s;
}

/** The scale factor of this process; throws on an invalid setting. */
export function scaleFactor(env: NodeJS.ProcessEnv = process.env): number {
  const s = parseScale(env[SCALE_ENV]);
  if (s instanceof Error) throw s;
  return s;
}

/** SCALE(full; smoke) at scale factor `s` (default: this process's setting). */
export function scaled(full: number, smoke: number, s: number = scaleFactor()): number {
  return Math.round(smoke + (full - smoke) * s);
}
