// Reader (protocol.md §2.7, §2.8, §6, §15); Frame is in frame.ts, batches in read-batch.ts.
//
// The Reader owns the buffer: it creates the shared memory, the semaphores and the lock file and
// unlinks them on close(). All protocol logic lives in the native addon; this layer validates
// arguments, maps error codes to classes, serialises async calls (§15.3) and wraps frames.
import './dispose';
import { native, type NativeReader } from './native';
import { ClosedError, WriterDeadError } from './errors';
import { awaitNative, callNative, fromNative } from './error-factory';
import { resolveReaderOptions, validateName, validateTimeout, type ReaderOptions } from './config';
import { BufferEndpoint } from './endpoint';
import { readyResult } from './event-loop';
import { Frame } from './frame';
import { BatchBuffers, FrameIterator, resolveReadManyOptions, type ReadManyOptions, type ResolvedReadMany, type Slab } from './read-batch';

export { Frame } from './frame';

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

  readonly #batch = new BatchBuffers();
  readonly #ringBytes: number;
  /** Frames a batch consumed that an iteration (frames()) left undelivered: every read returns them first. */
  #ahead: Frame[] = [];

  private constructor(n: NativeReader) {
    super(n, 'Reader');
    this.#ringBytes = n.payloadSize;
  }

  /**
   * Reads the next frame, waiting up to `timeoutMs` (default 5000; `Infinity` allowed) on a
   * worker thread. Resolves `null` on timeout. Rejects with WriterDeadError once the Writer is gone
   * and every frame it wrote was read, SequenceError/CorruptFrameError on a bad header (the Reader
   * is then poisoned), ClosedError when close() ends the wait. The frame is a zero-copy view.
   */
  read(timeoutMs?: number): Promise<Frame | null> {
    const t = validateTimeout(timeoutMs, { sync: false });
    return this.#readAsync('read', { maxFrames: 1, copyMaxBytes: 0, timeoutMs: t }).then((f) => f[0] ?? null);
  }

  /**
   * Synchronous read: blocks the JS thread for at most `timeoutMs` (finite, default 5000).
   * Throws InvalidStateError while an async call of this Reader is queued or in flight.
   */
  readSync(timeoutMs?: number): Frame | null {
    const t = validateTimeout(timeoutMs, { sync: true });
    return this.#readBatchSync('readSync', { maxFrames: 1, copyMaxBytes: 0, timeoutMs: t })[0] ?? null;
  }

  /**
   * Reads every frame that is ready, up to `maxFrames`, in one native call, waiting up to
   * `timeoutMs` for the first (an empty array on timeout). Frames of at most `copyMaxBytes` are
   * copies whose ring space is already returned (`isZeroCopy` false); a larger frame is a
   * zero-copy view and ends the batch. Rejects like read().
   */
  readMany(options?: ReadManyOptions): Promise<Frame[]> {
    return this.#readAsync('readMany', this.#batchOptions(options, false));
  }

  /** Synchronous readMany; finite timeout only. Throws InvalidStateError while an async call is in flight. */
  readManySync(options?: ReadManyOptions): Frame[] {
    return this.#readBatchSync('readManySync', this.#batchOptions(options, true));
  }

  /**
   * Async iterator over the frames, batched like readMany: it stays synchronous while frames are
   * ready and waits (up to `timeoutMs` per wait, default `Infinity`) only when none is. It ends
   * when the Writer closed normally and every frame was read, or when a wait times out; it throws
   * what read() rejects with otherwise. Release every zero-copy frame it yields (`for await (using
   * f of reader.frames())` does); frames it read ahead when the loop ends early are returned first
   * by the next read.
   */
  frames(options?: ReadManyOptions): AsyncIterableIterator<Frame> {
    const o = this.#batchOptions(options, false, Infinity);
    return new FrameIterator(
      () => this.#readAsync('frames', o),
      (err) => err instanceof WriterDeadError && err.graceful,
      (rest) => this.#ahead.unshift(...rest),
    );
  }

  /** Validated batch options; no frame exceeds the ring, so neither need a copy's room in the slab. */
  #batchOptions(options: ReadManyOptions | undefined, sync: boolean, defaultTimeoutMs?: number): ResolvedReadMany {
    const o = resolveReadManyOptions(options, sync, defaultTimeoutMs);
    o.copyMaxBytes = Math.min(o.copyMaxBytes, this.#ringBytes);
    return o;
  }

  /**
   * An asynchronous batch. With no other async call queued, the frames that are ready now (or
   * within the addon's short poll) are taken at once — one native call, no wait thread, no queue
   * entry — and only a batch that has to wait goes through the queue.
   */
  #readAsync(op: string, o: ResolvedReadMany): Promise<Frame[]> {
    if (this.queue.busy || this.closeCalled || this.#ahead.length > 0) return this.queue.run(op, () => this.#readBatch(o));
    let frames: Frame[];
    try {
      frames = this.#readNowOrPoll(o);
    } catch (err) {
      return Promise.reject(err);
    }
    if (frames.length > 0 || o.timeoutMs === 0) return Promise.resolve(readyResult(frames));
    return this.queue.run(op, () => this.#waitBatch(o));
  }

  /** One batch (or the frames read ahead); runs inside the queue. */
  #readBatch(o: ResolvedReadMany): Promise<Frame[]> {
    const frames = this.#readNowOrPoll(o);
    if (frames.length > 0 || o.timeoutMs === 0) return Promise.resolve(readyResult(frames));
    return this.#waitBatch(o);
  }

  /**
   * Without waiting: a timeout of 0 is one blocking-path attempt (which reports a gone Writer when
   * nothing is left to read), any other timeout the addon's poll.
   */
  #readNowOrPoll(o: ResolvedReadMany): Frame[] {
    return o.timeoutMs === 0 || this.#ahead.length > 0 ? this.#readBatchNow(o) : this.#pollBatch(o);
  }


  /** Waits for a batch on the wait thread (after a poll found nothing). */
  #waitBatch(o: ResolvedReadMany): Promise<Frame[]> {
    const b = this.#batch;
    b.reserve(o.copyMaxBytes);
    return this.handle
      .readBatch(b.slab, b.used, b.out, o.maxFrames, o.copyMaxBytes, o.timeoutMs)
      .then(
        (view) => this.#collect(view),
        (err: unknown) => {
          throw fromNative(err);
        },
      );
  }

  /** A batch on the JS thread, blocking up to `o.timeoutMs`. */
  #readBatchNow(o: ResolvedReadMany): Frame[] {
    if (this.#ahead.length > 0) return this.#ahead.splice(0, o.maxFrames);
    return this.#batchCall(false, o);
  }

  /** The frames ready now or within the addon's poll (never more than `o.timeoutMs`). */
  #pollBatch(o: ResolvedReadMany): Frame[] {
    return this.#batchCall(true, o);
  }

  /**
   * One synchronous batch call — the addon's poll or its blocking read — into the batch buffers.
   * Written out rather than through callNative and a callback: two closures per read cost more
   * than a small frame's copy.
   */
  #batchCall(poll: boolean, o: ResolvedReadMany): Frame[] {
    const b = this.#batch;
    b.reserve(o.copyMaxBytes);
    let view: Uint8Array | null;
    try {
      view = poll
        ? this.handle.pollBatch(b.slab, b.used, b.out, o.maxFrames, o.copyMaxBytes, o.timeoutMs)
        : this.handle.readBatchSync(b.slab, b.used, b.out, o.maxFrames, o.copyMaxBytes, o.timeoutMs);
    } catch (err) {
      throw fromNative(err);
    }
    return this.#collect(view);
  }

  #readBatchSync(op: string, o: ResolvedReadMany): Frame[] {
    this.#assertOpen(op);
    this.queue.assertIdle(op);
    return this.#readBatchNow(o);
  }

  #collect(view: Uint8Array | null): Frame[] {
    return this.#batch.collect(view, this.#makeFrame);
  }

  /** Made once: a closure per batch costs as much as a small frame's copy. */
  readonly #makeFrame = (token: number, sequence: number, data: Uint8Array, size: number, isZeroCopy: boolean, slab: Slab | null): Frame =>
    new Frame(this, token === 0 ? null : this.handle, token, sequence, data, size, isZeroCopy, slab);

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
    callNative(() => this.handle.release(token)); // a no-op once the Reader is closed
  }

  #assertOpen(op: string): void {
    if (this.closeCalled) throw new ClosedError(`${op}: Reader ${JSON.stringify(this.handle.name)} is closed`);
  }
}
