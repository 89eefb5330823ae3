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

/** Largest frame whose 256-frame table firstMismatchInRun builds (a 4 MiB table at most). */
export const RUN_TABLE_MAX_FRAME = 16 * 1024;

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
  private run: Buffer | undefined;

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

  /**
   * Verifies `count` frames of `size` bytes each that lie back to back in `bytes` (a batch's copies
   * in one slab): frame `k + i` of the pattern at `i * size`. Returns -1 when every byte matches,
   * else the index i of the first frame with a mismatch. Consecutive frames are compared against a
   * table of 256 consecutive frames laid out the same way, so a batch costs one or two memcmp
   * instead of one per frame (the table is built for frames up to {@link RUN_TABLE_MAX_FRAME} bytes;
   * larger ones are compared one by one).
   */
  firstMismatchInRun(bytes: Uint8Array, k: number, count: number, size: number): number {
    if (bytes.byteLength !== count * size) throw new RangeError(`a run of ${count} frames of ${size} bytes is ${count * size} bytes, not ${bytes.byteLength}`);
    const table = size <= RUN_TABLE_MAX_FRAME ? this.runTable(size) : null;
    const b = asBuffer(bytes);
    for (let i = 0; i < count; ) {
      const slot = (k + i) & 0xff;
      const n = table === null ? 1 : Math.min(count - i, 256 - slot);
      const same = table === null ? this.window(k + i, size).equals(b.subarray(i * size, (i + 1) * size)) : table.compare(b, i * size, (i + n) * size, slot * size, (slot + n) * size) === 0;
      if (!same) {
        for (let j = i; j < i + n; j++) if (this.firstMismatch(b.subarray(j * size, (j + 1) * size), k + j) >= 0) return j;
      }
      i += n;
    }
    return -1;
  }

  /** Frames 0…255 of `size` bytes back to back (frame k + 256 equals frame k in every pattern). */
  private runTable(size: number): Buffer {
    if (this.run?.length !== 256 * size) {
      const t = Buffer.allocUnsafe(256 * size);
      for (let j = 0; j < 256; j++) this.window(j, size).copy(t, j * size);
      this.run = t;
    }
    return this.run;
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
