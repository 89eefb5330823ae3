// Data patterns of the `zerobuffer` CLI, shared with the C++/Python test programs.
//
//   sequential  byte i of the k-th frame (k from 0) is (k + i) mod 256
//   zero        every byte 0x00
//   ones        every byte 0xFF
//
// Large buffers are built with Buffer.fill over a 256-byte cycle (memset/memcpy speed), never
// with per-byte loops.

export type Pattern = 'sequential' | 'zero' | 'ones';
export const PATTERNS: readonly Pattern[] = ['sequential', 'zero', 'ones'];

/** 512 bytes 0,1,…,255,0,1,…,255: any 256-byte window is one sequential cycle. */
const CYCLE = (() => {
  const b = Buffer.alloc(512);
  for (let i = 0; i < 512; i++) b[i] = i & 0xff;
  return b;
})();

function asBuffer(target: Uint8Array): Buffer {
  return Buffer.isBuffer(target) ? target : Buffer.from(target.buffer, target.byteOffset, target.byteLength);
}

/** Fills `target` with frame `k` of `pattern`. */
export function fillPattern(target: Uint8Array, pattern: Pattern, k: number): void {
  if (target.byteLength === 0) return;
  const b = asBuffer(target);
  switch (pattern) {
    case 'zero':
      b.fill(0);
      return;
    case 'ones':
      b.fill(0xff);
      return;
    case 'sequential': {
      const s = k & 0xff;
      b.fill(CYCLE.subarray(s, s + 256));
      return;
    }
  }
}

/** Returns a new Buffer holding frame `k` of `pattern`. */
export function makePattern(size: number, pattern: Pattern, k: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  fillPattern(b, pattern, k);
  return b;
}

/**
 * Verifies frames against a pattern with one memcmp per frame: keeps a reference buffer of
 * `size + 256` bytes whose byte j is the pattern at j, and compares against a window of it.
 * With `xorMask`, every expected byte is the pattern's XOR the mask (a duplex `xor` response).
 */
export class PatternVerifier {
  private ref: Buffer = Buffer.alloc(0);
  private refSize = -1;

  constructor(
    readonly pattern: Pattern,
    readonly xorMask = 0,
  ) {}

  /** Returns -1 when `data` equals frame `k` of the pattern, else the first mismatching offset. */
  firstMismatch(data: Uint8Array, k: number): number {
    const n = data.byteLength;
    if (this.refSize < n) {
      this.ref = Buffer.allocUnsafe(n + 256);
      fillPattern(this.ref, this.pattern, 0);
      if (this.xorMask !== 0) xorInPlace(this.ref, this.xorMask);
      this.refSize = n;
    }
    const start = this.pattern === 'sequential' ? k & 0xff : 0;
    const expected = this.ref.subarray(start, start + n);
    const actual = asBuffer(data);
    if (actual.equals(expected)) return -1;
    for (let i = 0; i < n; i++) if (actual[i] !== expected[i]) return i;
    return -1;
  }

  /** The byte expected at `offset` of frame `k`. */
  expectedByte(offset: number, k: number): number {
    const byte = this.pattern === 'zero' ? 0 : this.pattern === 'ones' ? 0xff : (k + offset) & 0xff;
    return byte ^ this.xorMask;
  }
}

/**
 * `b[i] ^= mask` for every byte, four bytes at a time where `b` is 4-byte aligned (a 3 MB
 * response in about a millisecond instead of a byte loop's several).
 */
export function xorInPlace(b: Uint8Array, mask: number): void {
  const head = Math.min(b.byteLength, (4 - (b.byteOffset & 3)) & 3);
  for (let i = 0; i < head; i++) b[i]! ^= mask;
  const words = new Int32Array(b.buffer, b.byteOffset + head, (b.byteLength - head) >>> 2);
  const m = Math.imul(mask & 0xff, 0x01010101);
  for (let i = 0; i < words.length; i++) words[i]! ^= m;
  for (let i = head + words.length * 4; i < b.byteLength; i++) b[i]! ^= mask;
}
