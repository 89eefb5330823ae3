// Frame: one frame read from the ring (protocol.md §6.7, §10.2, §10.3), and the safety net for
// zero-copy frames that are never released.
import './dispose';
import type { NativeReader } from './native';
import type { Reader } from './reader';
import type { Slab } from './read-batch';

const EMPTY = new Uint8Array(0);

interface FrameHandle {
  reader: NativeReader;
  token: number;
}

/**
 * Safety net only (§10.3): a zero-copy Frame that becomes unreachable without release() is
 * released when the garbage collector notices. Applications MUST release explicitly, because the
 * Writer stalls until the bytes come back and GC timing is unpredictable.
 */
const unreleasedFrames = new FinalizationRegistry<FrameHandle>((h) => {
  try {
    if (!h.reader.closed) h.reader.release(h.token);
  } catch {
    // Never throw from a finaliser.
  }
});

/**
 * One frame read from the ring. A zero-copy frame's `data` is a view of the payload in shared
 * memory; it becomes length 0 (detached) when the frame is released or the Reader closes. A copied
 * frame (`isZeroCopy` false, from `readMany`/`frames` for small frames) holds a private copy whose
 * ring bytes went back to the Writer when it was read; its `data` reads as empty after release.
 * Copy what you need to keep. A Frame keeps its Reader reachable.
 */
export class Frame implements Disposable {
  /** Payload size in bytes. */
  readonly size: number;
  /** True for a view of the ring; false for a copy (small frames of a batch, or a runtime that refuses external buffers). */
  readonly isZeroCopy: boolean;
  /** The Reader this frame came from (kept reachable by the frame). */
  readonly reader: Reader;
  readonly #data: Uint8Array;
  /** Release-queue token; 0 for a copy whose ring bytes were released when it was read. */
  readonly #token: number;
  /** Exact as a number: sequences count frames from 1. The bigint is made when asked for. */
  readonly #sequence: number;
  /** Where a copy lives. */
  readonly #slab: Slab | null;
  #released = false;

  /**
   * @internal Created by the Reader only: a view holds ring bytes (token ≠ 0, `native` given), a
   * copy lives in `slab`.
   */
  constructor(reader: Reader, native: NativeReader | null, token: number, sequence: number, data: Uint8Array, size: number, isZeroCopy: boolean, slab: Slab | null) {
    this.reader = reader;
    this.#token = token;
    this.#sequence = sequence;
    this.size = size;
    this.#data = data;
    this.isZeroCopy = isZeroCopy;
    this.#slab = slab;
    if (native !== null) unreleasedFrames.register(this, { reader: native, token }, this);
  }

  /** Sequence number from the frame header (1n for the Writer's first frame). */
  get sequence(): bigint {
    return BigInt(this.#sequence);
  }

  /**
   * The payload: a zero-copy view has length 0 (detached) after release or once the Reader is
   * closed; a copy reads as empty after release (it is private memory, which closing the Reader
   * leaves alone; its slab is detached once every copy in it is released).
   */
  get data(): Uint8Array {
    // A view is detached natively; a copy cannot be, so it is hidden instead.
    return this.#token === 0 && this.#released ? EMPTY : this.#data;
  }

  /** True after release() or once the Reader is closed. */
  get released(): boolean {
    return this.#released || this.reader.closed;
  }

  /**
   * Returns the frame's bytes to the Writer (idempotent). Releases are applied in read order
   * (§6.7): releasing a later frame first is deferred until every earlier frame is released.
   * A release after the Reader closed is a no-op; releasing a copy touches no shared memory.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    if (this.#token === 0) return this.#slab?.drop();
    unreleasedFrames.unregister(this);
    this.reader._releaseToken(this.#token);
  }

  /** Same as release(). */
  [Symbol.dispose](): void {
    this.release();
  }
}
