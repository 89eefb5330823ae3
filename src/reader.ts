// Reader (protocol.md §2.7, §2.8, §6, §15); Frame is in frame.ts.
//
// The Reader owns the buffer: it creates the shared memory, the semaphores and the lock file and
// unlinks them on close(). All protocol logic lives in the native addon; this layer validates
// arguments, maps error codes to classes, serialises async calls (§15.3) and wraps frames.
import './dispose';
import { native, type NativeFrame, type NativeReader } from './native';
import { awaitNative, callNative, ClosedError } from './errors';
import { resolveReaderOptions, validateName, validateTimeout, type ReaderOptions } from './config';
import { BufferEndpoint } from './endpoint';
import { Frame } from './frame';

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
