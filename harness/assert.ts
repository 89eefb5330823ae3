// Strict step assertions: every failure names the violated condition, the expected and the
// observed value (steps.md ground rules).

export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepFailure';
  }
}

export function fmt(v: unknown): string {
  if (typeof v === 'bigint') return `${v}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Error) return describeError(v);
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
  } catch {
    return String(v);
  }
}

export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${e.constructor.name}${code !== undefined ? ` (code ${String(code)})` : ''}: ${e.message}`;
  }
  return `non-Error thrown: ${String(e)}`;
}

/** Fails with `<condition>: expected <e>, observed <o>` unless Object.is-equal (bigint/number compared by value). */
export function expectEqual(condition: string, expected: unknown, observed: unknown): void {
  const same =
    (typeof expected === 'bigint' || typeof expected === 'number') && (typeof observed === 'bigint' || typeof observed === 'number')
      ? BigInt(expected) === BigInt(observed)
      : Object.is(expected, observed);
  if (!same) throw new StepFailure(`${condition}: expected ${fmt(expected)}, observed ${fmt(observed)}`);
}

export function expectTrue(condition: string, ok: boolean, observed?: unknown): void {
  if (!ok) throw new StepFailure(observed === undefined ? `${condition}: violated` : `${condition}: violated, observed ${fmt(observed)}`);
}

/** Requires `err instanceof cls` AND `err.code === code` (never the message wording). */
export function expectErrorClassCode(
  condition: string,
  err: unknown,
  cls: abstract new (...args: never[]) => Error,
  code: string,
): void {
  if (err === undefined || err === null) {
    throw new StepFailure(`${condition}: expected ${cls.name} with code ${code}, observed success (no error)`);
  }
  const observedCode = (err as { code?: unknown }).code;
  if (!(err instanceof cls) || observedCode !== code) {
    throw new StepFailure(`${condition}: expected ${cls.name} with code ${code}, observed ${describeError(err)}`);
  }
}

export function fail(message: string): never {
  throw new StepFailure(message);
}
