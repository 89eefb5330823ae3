// Reader and Frame (protocol.md §2.7, §2.8, §6, §10.2, §15).
//
// The Reader owns the buffer: it creates the shared memory, the semaphores and the lock file and
// unlinks them on close(). All protocol logic lives in the native addon; this layer validates
// arguments, maps error codes to classes, serialises async calls (§15.3) and wraps frames.
import './dispose';
import { native, type NativeFrame, type NativeReader } from './native';
import { awaitNative, callNative, ClosedError } from './errors';
import { resolveReaderOptions, validateName, validateTimeout, type ReaderOptions } from './config';
import { BufferEndpoint } from './endpoint';

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

/** The owning side of a buffer. Create with `Reader.create(name, options)`. */
export class Reader extends BufferEndpoint<NativeReader> {
  /**
   * Creates the buffer `name` (§2.7) on a worker thread and returns its Reader.
   * Rejects with InvalidArgumentError (name/config), ReaderAlreadyConnectedError or ResourceError.
   */
  static async create(name: string, options?: ReaderOptions): Promise<Reader> {
    validateName(name);
    const o = resolveReaderOptions(options);
    const n = await awaitNative(native().createReader(name, o.metadataSize, o.payloadSize, o.permissions));
    return new Reader(n);
  }

  /** Synchronous form of {@link Reader.create} (blocks while a large ring is allocated). */
  static createSync(name: string, options?: ReaderOptions): Reader {
    validateName(name);
    const o = resolveReaderOptions(options);
    return new Reader(callNative(() => native().createReaderSync(name, o.metadataSize, o.payloadSize, o.permissions)));
  }

  private constructor(n: NativeReader) {
    super(n, 'Reader');
  }

  /**
   * Reads the next frame, waiting up to `timeoutMs` (default 5000; `Infinity` allowed) on a
   * worker thread. Resolves `null` on timeout. Rejects with WriterDeadError once the Writer is gone
   * and every frame it wrote was read, SequenceError/CorruptFrameError on a bad header (the Reader
   * is then poisoned), ClosedError when close() ends the wait.
   */
  async read(timeoutMs?: number): Promise<Frame | null> {
    const t = validateTimeout(timeoutMs, { sync: false });
    return this.queue.run('read', async () => {
      // Fast path: try a non-blocking readSync(0) (one sem_trywait) on the JS thread first.
      // When the Writer is ahead, frames are already published and this avoids a native async
      // round trip (a thread hop, tens of µs) per frame; only when nothing is ready do we go to
      // the native async read, which waits on its own thread in bounded slices.
      const ready = callNative(() => this.handle.readSync(0));
      if (ready !== null) return this.#wrap(ready);
      if (t === 0) return null;
      const nf = await awaitNative(this.handle.read(t));
      return nf === null ? null : this.#wrap(nf);
    });
  }

  /**
   * Synchronous read: blocks the JS thread for at most `timeoutMs` (finite, default 5000).
   * Throws InvalidStateError while an async call of this Reader is queued or in flight.
   */
  readSync(timeoutMs?: number): Frame | null {
    const t = validateTimeout(timeoutMs, { sync: true });
    this.#assertOpen('readSync');
    this.queue.assertIdle('readSync');
    const nf = callNative(() => this.handle.readSync(t));
    return nf === null ? null : this.#wrap(nf);
  }

  /** Copy of the metadata content written by the Writer; an empty array when none (§4.4). */
  getMetadata(): Uint8Array {
    return callNative(() => this.handle.getMetadata());
  }

  /** `writer_pid ≠ 0` and alive (§6.6). */
  isWriterConnected(): boolean;
  /** Polls every 100 ms until a Writer is connected (true) or `timeoutMs` passed (false). */
  isWriterConnected(timeoutMs: number): Promise<boolean>;
  isWriterConnected(timeoutMs?: number): boolean | Promise<boolean> {
    return this.peerConnected(() => this.handle.isWriterConnected(), timeoutMs, 'isWriterConnected');
  }

  /** @internal Used by Frame.release(). */
  _releaseToken(token: number): void {
    if (this.handle.closed) return;
    callNative(() => this.handle.release(token));
  }

  #wrap(nf: NativeFrame): Frame {
    const f = new Frame(this, nf);
    f._track({ reader: this.handle, token: nf.token });
    return f;
  }

  #assertOpen(op: string): void {
    if (this.handle.closed) throw new ClosedError(`${op}: Reader ${JSON.stringify(this.handle.name)} is closed`);
  }
}
