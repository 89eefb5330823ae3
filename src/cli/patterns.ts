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
 */
export class PatternVerifier {
  private ref: Buffer = Buffer.alloc(0);
  private refSize = -1;

  constructor(readonly pattern: Pattern) {}

  /** Returns -1 when `data` equals frame `k` of the pattern, else the first mismatching offset. */
  firstMismatch(data: Uint8Array, k: number): number {
    const n = data.byteLength;
    if (this.refSize < n) {
      this.ref = Buffer.allocUnsafe(n + 256);
      fillPattern(this.ref, this.pattern, 0);
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
    switch (this.pattern) {
      case 'zero':
        return 0;
      case 'ones':
        return 0xff;
      case 'sequential':
        return (k + offset) & 0xff;
    }
  }
}
