// Custom parameter types — defined ONCE and shared by the host (registered with cucumber) and the
// servos (registered with their own ParameterTypeRegistry). steps.md §2: a placeholder written
// inside quotes matches `'([^']*)'` (the quotes are literal in the phrases); an unquoted count
// matches `(\d+)`.
import { registry } from '../harness/registry';

function safeInt(what: string) {
  return (s: string): number => {
    const n = Number(s);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`{${what}} must be a decimal integer ≥ 0 within 2^53, got ${JSON.stringify(s)}`);
    return n;
  };
}

registry.defineParameterType({
  name: 'role',
  regexp: /[^']*/,
  transform: (s) => s,
  description: "role name ('reader', 'writer', 'server', 'client', …)",
});
registry.defineParameterType({
  name: 'name',
  regexp: /[^']*/,
  transform: (s) => s,
  description: 'buffer or channel base name (resolved per steps.md §3.1 before use)',
});
registry.defineParameterType({
  name: 'text',
  regexp: /[^']*/,
  transform: (s) => s,
  description: 'any text',
});
registry.defineParameterType({
  name: 'uint',
  regexp: /\d+/,
  transform: safeInt('uint'),
  description: 'decimal integer ≥ 0 (bytes unless stated)',
});
registry.defineParameterType({
  name: 'count',
  regexp: /\d+/,
  transform: safeInt('count'),
  description: 'unquoted decimal count',
});
registry.defineParameterType({
  name: 'u64',
  regexp: /\d+/,
  transform: (s) => {
    const v = BigInt(s);
    if (v > 0xffff_ffff_ffff_ffffn) throw new Error(`{u64} exceeds 2^64 − 1: ${s}`);
    return v;
  },
  description: 'decimal integer up to 2^64 − 1, as bigint',
});
registry.defineParameterType({
  name: 'seconds',
  regexp: /\d+(?:\.\d+)?/,
  transform: (s) => Number(s),
  description: 'seconds, integer or decimal',
});
registry.defineParameterType({
  name: 'sizes',
  regexp: /\d+(?:,\d+)*/,
  transform: (s) => s.split(',').map(safeInt('sizes')),
  description: 'comma-separated integers',
});
registry.defineParameterType({
  name: 'pct',
  regexp: /\d+(?:\.\d+)?%/,
  transform: (s) => Number(s.slice(0, -1)),
  description: 'a percentage such as 90% (the number, without the sign)',
});
