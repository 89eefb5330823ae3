// Writer (protocol.md §4.2, §4.3, §5, §7, §8.2.3, §15); its zero-copy frames are writable-frame.ts.
//
// The Writer attaches to a buffer created by a Reader; it never creates or unlinks OS resources.
import './dispose';
import { native, type NativeWriter } from './native';
import { ClosedError, InvalidArgumentError } from './errors';
import { awaitNative, callNative } from './error-factory';
import { DEFAULT_TIMEOUT_MS, validateByteCount, validateData, validateName, validateTimeout, type WriterOptions } from './config';
import { BufferEndpoint } from './endpoint';
import { readyResult } from './event-loop';
import { WritableFrame } from './writable-frame';

/** The producing side of a buffer. Connect with `Writer.connect(name)`. */
export class Writer extends BufferEndpoint<NativeWriter> {
  readonly #defaultTimeoutMs: number;

  /**
   * Connects to the existing buffer `name` (§7.1). Rejects with BufferNotFoundError,
   * InvalidOiebError, IncompatibleVersionError, ReaderDeadError (`ZB_NO_READER`) or
   * WriterAlreadyConnectedError.
   */
  static async connect(name: string, options?: WriterOptions): Promise<Writer> {
    validateName(name);
    const timeout = resolveWriteTimeout(options);
    const n = await awaitNative(native().connectWriter(name));
    return new Writer(n, timeout);
  }

  /** Synchronous form of {@link Writer.connect}. */
  static connectSync(name: string, options?: WriterOptions): Writer {
    validateName(name);
    const timeout = resolveWriteTimeout(options);
    return new Writer(
      callNative(() => native().connectWriterSync(name)),
      timeout,
    );
  }

  private constructor(n: NativeWriter, defaultTimeoutMs: number) {
    super(n, 'Writer');
    this.#defaultTimeoutMs = defaultTimeoutMs;
  }

  /** Sequence number of the next frame (1n after connect). */
  get nextSequence(): bigint {
    return this.handle.nextSequence;
  }
  /** True while a zero-copy acquisition is pending. */
  get hasPendingFrame(): boolean {
    return this.handle.hasPendingFrame;
  }
  /** True once metadata has been written to this buffer (by any Writer). */
  get metadataWritten(): boolean {
    return this.handle.metadataWritten;
  }

  /**
   * Writes one frame and resolves to its sequence. Waits for space up to `timeoutMs` (default:
   * the `writeTimeoutMs` option, 5000; `Infinity` allowed). The bytes are copied when space is
   * available, so `data` must not be modified until the Promise settles.
   */
  async write(data: Uint8Array, timeoutMs?: number): Promise<bigint> {
    validateData(data);
    const t = validateTimeout(timeoutMs, { sync: false, defaultMs: this.#defaultTimeoutMs });
    return this.queue.run('write', () => settled(this.handle.write(data, t)));
  }

  /** Synchronous write; finite timeout only. InvalidStateError while an async call is in flight. */
  writeSync(data: Uint8Array, timeoutMs?: number): bigint {
    validateData(data);
    const t = validateTimeout(timeoutMs, { sync: true, defaultMs: this.#defaultTimeoutMs });
    this.#assertOpen('writeSync');
    this.queue.assertIdle('writeSync');
    return callNative(() => this.handle.writeSync(data, t));
  }

  /**
   * Writes every frame of `frames` in order, as consecutive sequences, and resolves to the last
   * one's sequence. The frames that fit are written in one native call; each wait for space is
   * bounded by `timeoutMs` (default: the `writeTimeoutMs` option). On rejection the frames before
   * the failing one are published (`nextSequence` tells how far it got). The bytes are copied, so
   * the arrays must not be modified until the Promise settles.
   */
  writeMany(frames: readonly Uint8Array[], timeoutMs?: number): Promise<bigint> {
    validateFrames(frames);
    const t = validateTimeout(timeoutMs, { sync: false, defaultMs: this.#defaultTimeoutMs });
    const h = this.handle;
    return this.queue.run('writeMany', async () => {
      for (let i = 0; i < frames.length; ) {
        const written = callNative(() => h.writeBatchSync(0, i, ...framesFrom(frames, i)));
        if (written > 0) {
          i += written;
        } else {
          await settled(h.write(frames[i]!, t)); // the ring is full: wait for space for this one
          i++;
        }
      }
      return readyResult(h.nextSequence - 1n);
    });
  }

  /** Synchronous writeMany: each wait for space blocks up to `timeoutMs` (finite). */
  writeManySync(frames: readonly Uint8Array[], timeoutMs?: number): bigint {
    validateFrames(frames);
    const t = validateTimeout(timeoutMs, { sync: true, defaultMs: this.#defaultTimeoutMs });
    this.#assertOpen('writeManySync');
    this.queue.assertIdle('writeManySync');
    const h = this.handle;
    for (let i = 0; i < frames.length; ) {
      let written = callNative(() => h.writeBatchSync(t, i, ...framesFrom(frames, i)));
      if (written === 0) {
        // A full ring with a timeout of 0: the single write throws ZB_BUFFER_FULL (or fits by now).
        callNative(() => h.writeSync(frames[i]!, 0));
        written = 1;
      }
      i += written;
    }
    return h.nextSequence - 1n;
  }

  /** Reserves `size` bytes in the ring for zero-copy filling (§10.1). */
  async acquire(size: number, timeoutMs?: number): Promise<WritableFrame> {
    validateByteCount(size);
    const t = validateTimeout(timeoutMs, { sync: false, defaultMs: this.#defaultTimeoutMs });
    return this.queue.run('acquire', async () => new WritableFrame(this, await settled(this.handle.acquire(size, t, false))));
  }

  /** Synchronous acquire; finite timeout only. */
  acquireSync(size: number, timeoutMs?: number): WritableFrame {
    validateByteCount(size);
    const t = validateTimeout(timeoutMs, { sync: true, defaultMs: this.#defaultTimeoutMs });
    this.#assertOpen('acquireSync');
    this.queue.assertIdle('acquireSync');
    return new WritableFrame(this, callNative(() => this.handle.acquireSync(size, t, false)));
  }

  /** Writes the metadata block once (§4.2). Empty metadata → InvalidArgumentError. */
  setMetadata(data: Uint8Array): void {
    validateData(data, 'metadata');
    callNative(() => this.handle.setMetadata(data));
  }

  /** Zero-copy metadata: returns a writable view of `size` bytes (§4.3). */
  acquireMetadata(size: number): Uint8Array {
    validateByteCount(size);
    return callNative(() => this.handle.acquireMetadata(size));
  }

  /** Publishes the acquired metadata. */
  commitMetadata(): void {
    callNative(() => this.handle.commitMetadata());
  }

  /** Drops the acquired metadata without writing anything. */
  abortMetadata(): void {
    callNative(() => this.handle.abortMetadata());
  }

  /** `reader_pid ≠ 0` and alive (§7.3). */
  isReaderConnected(): boolean;
  /** Polls every 100 ms until the Reader is connected (true) or `timeoutMs` passed (false). */
  isReaderConnected(timeoutMs: number): Promise<boolean>;
  isReaderConnected(timeoutMs?: number): boolean | Promise<boolean> {
    return this.peerConnected(() => this.handle.isReaderConnected(), timeoutMs, 'isReaderConnected');
  }

  /** @internal Used by WritableFrame: the pending frame's view. */
  _frameData(): Uint8Array {
    return callNative(() => this.handle.frameData());
  }

  /** @internal Used by WritableFrame: copies into the pending frame. */
  _fill(offset: number, source: Uint8Array): void {
    callNative(() => this.handle.fill(offset, source));
  }

  /** @internal Used by WritableFrame. */
  _commit(): bigint {
    return callNative(() => this.handle.commit());
  }

  /** @internal Used by WritableFrame. */
  _abort(): void {
    callNative(() => this.handle.abort());
  }

  #assertOpen(op: string): void {
    if (this.closeCalled) throw new ClosedError(`${op}: Writer ${JSON.stringify(this.handle.name)} is closed`);
  }
}

/** Most frames one native batch write is given (as arguments). */
const FRAMES_PER_CALL = 256;

/** The frames of the next native batch write, from `i` on. */
function framesFrom(frames: readonly Uint8Array[], i: number): readonly Uint8Array[] {
  return i === 0 && frames.length <= FRAMES_PER_CALL ? frames : frames.slice(i, i + FRAMES_PER_CALL);
}

/** An array of Uint8Array (the addon checks each element again as it writes it). */
function validateFrames(frames: unknown): asserts frames is readonly Uint8Array[] {
  if (!Array.isArray(frames)) throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', 'Invalid argument frames: must be an array of Uint8Array');
  for (let i = 0; i < frames.length; i++) if (!(frames[i] instanceof Uint8Array)) validateData(frames[i], `frames[${i}]`);
}

function resolveWriteTimeout(options: WriterOptions | undefined): number {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', `Writer options must be an object`);
  }
  return validateTimeout(options?.writeTimeoutMs, { sync: false, name: 'writeTimeoutMs', defaultMs: DEFAULT_TIMEOUT_MS });
}

/**
 * A native write/acquire's outcome as a promise: its result at once when there was space (letting
 * the event loop turn now and then, src/event-loop.ts), else its wait, errors typed.
 */
function settled<T>(r: T | Promise<T>): Promise<T> {
  return r instanceof Promise ? awaitNative(r) : Promise.resolve(readyResult(r));
}
