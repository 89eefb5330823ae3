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
 * Verifies frames against a pattern with one memcmp per frame: keeps a reference buffer of at
 * least `size + 256` bytes whose byte j is the pattern at j (frame k of `sequential` is its window
 * starting at k mod 256) and compares against a window of it. The windows of whole frames are kept
 * (256 at most per size), so a stream of equal-sized frames allocates nothing per frame.
 * With `xorMask`, every expected byte is the pattern's XOR the mask (a duplex `xor` response).
 */
export class PatternVerifier {
  private ref: Buffer = Buffer.alloc(0);
  private windows: (Buffer | undefined)[] = [];

  constructor(
    readonly pattern: Pattern,
    readonly xorMask = 0,
  ) {}

  /**
   * Returns -1 when bytes [from, length) of `data` equal those of frame `k` of the pattern, else
   * the first mismatching offset. `from` skips a prefix the caller owns (e.g. a timestamp).
   */
  firstMismatch(data: Uint8Array, k: number, from = 0): number {
    const n = data.byteLength;
    if (from === 0 ? this.window(k, n).equals(data) : from >= n || this.matchesAt(data.subarray(from), k, from)) return -1;
    for (let i = from; i < n; i++) if (data[i] !== this.expectedByte(i, k)) return i;
    return -1;
  }

  /** True when `bytes` equal bytes [offset, offset + bytes.length) of frame `k` (a frame in pieces). */
  matchesAt(bytes: Uint8Array, k: number, offset: number): boolean {
    const n = bytes.byteLength;
    const start = this.start(k) + offset;
    this.reserve(start + n);
    return this.ref.compare(bytes, 0, n, start, start + n) === 0;
  }

  /** Frame `k` of `size` bytes as a window of the reference. */
  private window(k: number, size: number): Buffer {
    const start = this.start(k);
    this.reserve(start + size);
    let w = this.windows[start];
    if (w === undefined || w.length !== size) {
      w = this.ref.subarray(start, start + size);
      this.windows[start] = w;
    }
    return w;
  }

  private start(k: number): number {
    return this.pattern === 'sequential' ? k & 0xff : 0;
  }

  /** Makes the reference at least `end` bytes long. */
  private reserve(end: number): void {
    if (this.ref.length >= end) return;
    this.ref = Buffer.allocUnsafe(end + 256);
    fillPattern(this.ref, this.pattern, 0);
    if (this.xorMask !== 0) xorInPlace(this.ref, this.xorMask);
    this.windows = [];
  }

  /** The byte expected at `offset` of frame `k`. */
  expectedByte(offset: number, k: number): number {
    return (this.patternByte(offset, k) ^ this.xorMask) & 0xff;
  }

  private patternByte(offset: number, k: number): number {
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
