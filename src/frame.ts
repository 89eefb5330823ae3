// Frame: one frame read from the ring (protocol.md §6.7, §10.2, §10.3), and the safety net for
// frames that are never released.
import './dispose';
import type { NativeFrame, NativeReader } from './native';
import type { Reader } from './reader';

interface FrameHandle {
  reader: NativeReader;
  token: number;
}

/**
 * Safety net only (§10.3): a Frame that becomes unreachable without release() is released when
 * the garbage collector notices. Applications MUST release explicitly, because the Writer stalls
 * until the bytes come back and GC timing is unpredictable.
 */
const unreleasedFrames = new FinalizationRegistry<FrameHandle>((h) => {
  try {
    if (!h.reader.closed) h.reader.release(h.token);
  } catch {
    // Never throw from a finaliser.
  }
});

/**
 * One frame read from the ring. `data` is a zero-copy view of the payload in shared memory; it
 * becomes length 0 (detached) when the frame is released or the Reader closes. Copy what you need
 * to keep. A Frame keeps its Reader reachable.
 */
export class Frame implements Disposable {
  /** Sequence number from the frame header (1n for the Writer's first frame). */
  readonly sequence: bigint;
  /** Payload size in bytes. */
  readonly size: number;
  /** Zero-copy view of the payload; length 0 after release. */
  readonly data: Uint8Array;
  /** False only when the runtime refused external buffers and the payload was copied (§10.3). */
  readonly isZeroCopy: boolean;
  /** The Reader this frame came from (kept reachable by the frame). */
  readonly reader: Reader;
  readonly #token: number;
  #released = false;

  /** @internal Created by Reader.read/readSync only. */
  constructor(reader: Reader, nf: NativeFrame) {
    this.reader = reader;
    this.#token = nf.token;
    this.sequence = nf.sequence;
    this.size = nf.size;
    this.data = nf.data;
    this.isZeroCopy = nf.isZeroCopy;
  }

  /** True after release() or once the Reader is closed. */
  get released(): boolean {
    return this.#released || this.reader.closed;
  }

  /**
   * Returns the frame's bytes to the Writer (idempotent). Releases are applied in read order
   * (§6.7): releasing a later frame first is deferred until every earlier frame is released.
   * A release after the Reader closed is a no-op.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    unreleasedFrames.unregister(this);
    this.reader._releaseToken(this.#token);
  }

  /** Same as release(). */
  [Symbol.dispose](): void {
    this.release();
  }

  /** @internal */
  _track(handle: FrameHandle): void {
    unreleasedFrames.register(this, handle, this);
  }
}
