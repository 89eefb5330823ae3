// Typed step arguments on the wire (executeStep.Parameters.Args). The host has already matched the
// step text, so it sends the values its parameter types produced; JSON alone would lose what
// JSON cannot express, so those values travel as one-key tagged objects:
//
//   bigint 123n            → {"$bigint": "123"}
//   NaN, ±Infinity, -0     → {"$number": "NaN" | "Infinity" | "-Infinity" | "-0"}
//   undefined              → {"$undefined": true}
//   an object with a key starting with "$" → {"$object": {…}} (so no plain object is ever
//                            mistaken for a tag)
//
// Strings, booleans, null, finite numbers, arrays and plain objects are JSON as they are. Anything
// else (functions, symbols, class instances such as Buffer or Date) is refused when encoding: a
// parameter type that produces such a value needs a tag here first.

export type WireValue = null | boolean | number | string | WireValue[] | { [key: string]: WireValue };

const SPECIAL_NUMBERS = new Map<string, number>([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
]);

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function encodeArg(v: unknown, where = 'argument'): WireValue {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      return { $number: Object.is(v, -0) ? '-0' : String(v) };
    case 'bigint':
      return { $bigint: v.toString() };
    case 'undefined':
      return { $undefined: true };
    case 'object': {
      if (v === null) return null;
      if (Array.isArray(v)) return v.map((x, i) => encodeArg(x, `${where}[${i}]`));
      if (!isPlainObject(v)) throw new TypeError(`${where}: cannot encode a ${v.constructor?.name ?? 'non-plain'} object as a step argument`);
      // fromEntries defines own properties, so a key such as "__proto__" stays data
      const out = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeArg(x, `${where}.${k}`)])) as { [key: string]: WireValue };
      return Object.keys(out).some((k) => k.startsWith('$')) ? { $object: out } : out;
    }
    default:
      throw new TypeError(`${where}: cannot encode a ${typeof v} as a step argument`);
  }
}

export function decodeArg(w: unknown, where = 'argument'): unknown {
  if (w === null || typeof w !== 'object') {
    if (w === undefined || typeof w === 'string' || typeof w === 'boolean' || typeof w === 'number' || w === null) return w;
    throw new TypeError(`${where}: not a JSON value (${typeof w})`);
  }
  if (Array.isArray(w)) return w.map((x, i) => decodeArg(x, `${where}[${i}]`));
  const o = w as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0]!.startsWith('$')) {
    const tag = keys[0]!;
    const body = o[tag];
    if (tag === '$bigint' && typeof body === 'string' && /^-?\d+$/.test(body)) return BigInt(body);
    if (tag === '$number' && typeof body === 'string' && SPECIAL_NUMBERS.has(body)) return SPECIAL_NUMBERS.get(body);
    if (tag === '$undefined' && body === true) return undefined;
    if (tag === '$object' && body !== null && typeof body === 'object' && !Array.isArray(body)) return decodeFields(body as Record<string, unknown>, where);
    throw new TypeError(`${where}: malformed or unknown tag ${JSON.stringify(o)}`);
  }
  return decodeFields(o, where);
}

function decodeFields(o: Record<string, unknown>, where: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeArg(x, `${where}.${k}`)]));
}

export function encodeArgs(args: readonly unknown[]): WireValue[] {
  return args.map((a, i) => encodeArg(a, `argument ${i + 1}`));
}

export function decodeArgs(w: unknown): unknown[] {
  if (!Array.isArray(w)) throw new TypeError(`step arguments must be an array, got ${JSON.stringify(w)}`);
  return w.map((x, i) => decodeArg(x, `argument ${i + 1}`));
}
