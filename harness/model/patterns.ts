// TestDataPatterns — byte-identical with the other ZeroBuffer implementations (steps.md §3.3).
//
//   F(size, seq)  byte i = (i + seq) mod 256     (frames whose sequence matters)
//   S(size)       byte i = i mod 256             (simple frames)
//   Mpat(size)    byte i = i mod 256             (metadata)
//   Mrev(size)    byte i = 255 − (i mod 256)     (the rejected second metadata write)
//   text          UTF-8 bytes, no terminator
//
// Large buffers are produced with Buffer.fill of a 256-byte cycle; verification compares every
// byte and reports the first mismatching offset.

/** bytes 0,1,…,255,0,1,…,255 — any 256-byte window is one rotation of the cycle. */
const CYCLE = Buffer.alloc(512);
const REV_CYCLE = Buffer.alloc(256);
for (let i = 0; i < 512; i++) CYCLE[i] = i & 0xff;
for (let i = 0; i < 256; i++) REV_CYCLE[i] = 255 - i;

/** Frames up to this size are cached per (size, seq mod 256) — the bulk writers reuse them. */
const CACHE_MAX_SIZE = 65536;
const fCache = new Map<number, (Buffer | undefined)[]>();

function rotation(seq: bigint | number): number {
  if (typeof seq === 'bigint') return Number(((seq % 256n) + 256n) % 256n);
  return ((seq % 256) + 256) % 256;
}

function build(size: number, rot: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  if (size > 0) buf.fill(CYCLE.subarray(rot, rot + 256));
  return buf;
}

/** F(size, seq): byte i = (i + seq) mod 256. The result must not be modified when size ≤ 64 KiB (it is cached). */
export function framePattern(size: number, seq: bigint | number): Buffer {
  checkSize(size);
  const rot = rotation(seq);
  if (size > CACHE_MAX_SIZE) return build(size, rot);
  let row = fCache.get(size);
  if (row === undefined) {
    row = new Array<Buffer | undefined>(256);
    fCache.set(size, row);
  }
  let buf = row[rot];
  if (buf === undefined) {
    buf = build(size, rot);
    row[rot] = buf;
  }
  return buf;
}

/** F(size, seq) as a fresh, writable buffer. */
export function framePatternCopy(size: number, seq: bigint | number): Buffer {
  checkSize(size);
  return build(size, rotation(seq));
}

/** Fill `target` in place with F(target.length, seq). */
export function fillFramePattern(target: Uint8Array, seq: bigint | number): void {
  const rot = rotation(seq);
  if (target.length === 0) return;
  Buffer.from(target.buffer, target.byteOffset, target.length).fill(CYCLE.subarray(rot, rot + 256));
}

/** S(size): byte i = i mod 256. */
export function simplePattern(size: number): Buffer {
  return framePattern(size, 0);
}

/** Mpat(size): byte i = i mod 256. */
export function metadataPattern(size: number): Buffer {
  return framePatternCopy(size, 0);
}

/** Mrev(size): byte i = 255 − (i mod 256). */
export function metadataReversePattern(size: number): Buffer {
  checkSize(size);
  const buf = Buffer.allocUnsafe(size);
  if (size > 0) buf.fill(REV_CYCLE);
  return buf;
}

/** UTF-8 bytes of text, no terminator. */
export function textPattern(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

export interface PatternMismatch {
  /** First offset that differs (or the shorter length when the lengths differ). */
  offset: number;
  expected: number | undefined;
  actual: number | undefined;
  expectedLength: number;
  actualLength: number;
}

/** Compares every byte; null when identical. */
export function firstMismatch(actual: Uint8Array, expected: Uint8Array): PatternMismatch | null {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.length);
  const e = Buffer.from(expected.buffer, expected.byteOffset, expected.length);
  if (a.length === e.length && a.equals(e)) return null;
  const n = Math.min(a.length, e.length);
  let i = 0;
  // Find the first differing byte: coarse 4 KiB blocks first, then bytes.
  const BLOCK = 4096;
  while (i + BLOCK <= n && a.subarray(i, i + BLOCK).equals(e.subarray(i, i + BLOCK))) i += BLOCK;
  while (i < n && a[i] === e[i]) i++;
  return { offset: i, expected: e[i], actual: a[i], expectedLength: e.length, actualLength: a.length };
}

/** Human-readable description of a mismatch, naming the pattern. */
export function describeMismatch(what: string, m: PatternMismatch): string {
  if (m.actualLength !== m.expectedLength && m.offset === Math.min(m.actualLength, m.expectedLength)) {
    return `${what}: length mismatch — expected ${m.expectedLength} bytes, observed ${m.actualLength} bytes`;
  }
  const hex = (v: number | undefined) => (v === undefined ? 'none' : `0x${v.toString(16).padStart(2, '0')}`);
  return `${what}: first mismatch at offset ${m.offset} — expected ${hex(m.expected)}, observed ${hex(m.actual)} (length ${m.actualLength})`;
}

/** Does data equal F(size, seq) in full? */
export function checkFramePattern(data: Uint8Array, seq: bigint | number): PatternMismatch | null {
  return firstMismatch(data, data.length <= CACHE_MAX_SIZE ? framePattern(data.length, seq) : framePatternCopy(data.length, seq));
}

/** PATTERN-OK(frame): the data equals F(size, frame.sequence) or S(size) in full. */
export function patternOk(data: Uint8Array, seq: bigint): { ok: true; pattern: 'F' | 'S' } | { ok: false; f: PatternMismatch; s: PatternMismatch } {
  const f = checkFramePattern(data, seq);
  if (f === null) return { ok: true, pattern: 'F' };
  const s = checkFramePattern(data, 0);
  if (s === null) return { ok: true, pattern: 'S' };
  return { ok: false, f, s };
}

function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`pattern size must be a non-negative integer, got ${size}`);
}
