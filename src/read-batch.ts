// Reading many frames per native call (docs/library-api.md, "Batches").
//
// Per frame, the expensive part of a read is not the protocol but handing a zero-copy view to
// JavaScript: an external ArrayBuffer, a reference to detach it by and a FinalizationRegistry
// entry. Measured on the benchmark machine (`npm run bench:copy-threshold`: in one process, so
// without cross-core traffic, which favours copies further), a view costs 2.2–3.5 µs per frame, a
// copy in a batch 0.4 µs at 8 KiB, 1.2 µs at 32 KiB, 1.8 µs at 64 KiB and 3.2–3.4 µs at 128 KiB
// (break-even). So a batch copies frames of at most `copyMaxBytes` (by default 32 KiB, the largest
// power of two where a copy costs at most half a view) into a slab and returns their ring bytes
// with the batch (honestly reported `isZeroCopy: false`); a larger frame becomes a zero-copy view
// and ends the batch. One native call drains every frame that is ready.
import { native } from './native';
import { InvalidArgumentError } from './errors';
import { validateTimeout } from './config';

/** Options of `Reader.readMany`, `Reader.readManySync` and `Reader.frames`. */
export interface ReadManyOptions {
  /** Most frames one call returns, 1 … 1024 (default 256). */
  maxFrames?: number;
  /**
   * Frames of at most this many bytes are copied and their ring space is returned at once
   * (`isZeroCopy` false, release() is a no-op); larger ones are zero-copy views to release.
   * Default {@link DEFAULT_COPY_MAX_BYTES}; 0 copies nothing.
   */
  copyMaxBytes?: number;
  /** Longest wait for the first frame in ms (default 5000; `Infinity` for the async forms). */
  timeoutMs?: number;
}

/** Default `copyMaxBytes`: up to this size a copy is clearly cheaper than a zero-copy view (above). */
export const DEFAULT_COPY_MAX_BYTES = 32768;
/** Default `maxFrames`. */
export const DEFAULT_BATCH_FRAMES = 256;
/** Largest `maxFrames`. */
export const MAX_BATCH_FRAMES = 1024;
/** Copies go to slabs of at least this size (below glibc's mmap threshold, so freed slabs are reused without page faults). */
const SLAB_BYTES = 64 * 1024;
/** Numbers per frame in `out`: token, sequence, size, offset (src/native.ts, NativeReader.readBatch). */
const ENTRY = 4;
const ZERO_COPY_VIEW = -1;

export interface ResolvedReadMany {
  maxFrames: number;
  copyMaxBytes: number;
  timeoutMs: number;
}

/** Validates the options of a batch read; `defaultTimeoutMs` differs for the iterator. */
export function resolveReadManyOptions(options: ReadManyOptions | undefined, sync: boolean, defaultTimeoutMs?: number): ResolvedReadMany {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', 'Invalid argument options: must be an object');
  }
  const maxFrames = options?.maxFrames ?? DEFAULT_BATCH_FRAMES;
  if (!Number.isInteger(maxFrames) || maxFrames < 1 || maxFrames > MAX_BATCH_FRAMES) {
    throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', `Invalid argument maxFrames: must be an integer in [1, ${MAX_BATCH_FRAMES}], got ${String(maxFrames)}`);
  }
  const copyMaxBytes = options?.copyMaxBytes ?? DEFAULT_COPY_MAX_BYTES;
  if (!Number.isSafeInteger(copyMaxBytes) || copyMaxBytes < 0) {
    throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', `Invalid argument copyMaxBytes: must be a non-negative integer, got ${String(copyMaxBytes)}`);
  }
  const timeoutMs = validateTimeout(options?.timeoutMs, { sync, defaultMs: defaultTimeoutMs });
  return { maxFrames, copyMaxBytes, timeoutMs };
}

/**
 * A slab copies land in. It is never reused, so a kept copy never changes; once it is full and
 * every copy carved from it is released, it is detached: views of released copies then read as
 * empty, as a released zero-copy view does, and its memory goes back at once rather than at the
 * next garbage collection (allocating fresh slabs was 3–6 times slower while the old ones waited
 * for the collector). Copies never released leave it to the collector.
 */
export class Slab {
  readonly bytes: Uint8Array;
  /** `bytes.buffer`, kept: reading a view's `buffer` is a call into the engine's runtime. */
  readonly arrayBuffer: ArrayBuffer;
  #held = 0;
  #full = false;

  constructor(size: number) {
    this.bytes = Buffer.allocUnsafeSlow(size); // uninitialised: only bytes the addon copied into it are exposed
    this.arrayBuffer = this.bytes.buffer as ArrayBuffer;
  }

  /** `n` copies carved from it were handed out. */
  hold(n: number): void {
    this.#held += n;
  }

  /** A copy carved from it was released. */
  drop(): void {
    if (--this.#held === 0 && this.#full) this.#free();
  }

  /** Nothing more goes into it. */
  retire(): void {
    this.#full = true;
    if (this.#held === 0) this.#free();
  }

  #free(): void {
    native().detachArrayBuffer(this.arrayBuffer);
  }
}

/** A Reader's batch buffers: the current slab and the numbers describing each batch. */
export class BatchBuffers {
  readonly out = new Float64Array(1 + ENTRY * MAX_BATCH_FRAMES);
  #slab = new Slab(0);
  #used = 0;

  /** The slab the next batch copies into, from `used` on. */
  get slab(): Uint8Array {
    return this.#slab.bytes;
  }
  get used(): number {
    return this.#used;
  }

  /** Makes room for a copy of `copyMax` bytes in `slab` (from `used`) before a batch is read into it. */
  reserve(copyMax: number): void {
    if (this.#slab.bytes.byteLength - this.#used < copyMax) {
      this.#slab.retire();
      this.#slab = new Slab(Math.max(SLAB_BYTES, 4 * copyMax));
      this.#used = 0;
    }
  }

  /**
   * The frames the last batch described in `out`, made by `make` (`slab`: where a copy lives, null
   * for a view); `view` is the addon's returned view (the batch's zero-copy frame) or null.
   */
  collect<T>(
    view: Uint8Array | null,
    make: (token: number, sequence: number, data: Uint8Array, size: number, isZeroCopy: boolean, slab: Slab | null) => T,
  ): T[] {
    const out = this.out;
    const n = out[0]!;
    const slab = this.#slab;
    const buffer = slab.arrayBuffer;
    const frames = new Array<T>(n);
    let copies = 0;
    for (let i = 0, e = 1; i < n; i++, e += ENTRY) {
      const offset = out[e + 3]!;
      const size = out[e + 2]!;
      if (offset >= 0) {
        copies++;
        frames[i] = make(0, out[e + 1]!, new Uint8Array(buffer, offset, size), size, false, slab);
        this.#used = offset + size;
      } else {
        frames[i] = make(out[e]!, out[e + 1]!, view!, size, offset === ZERO_COPY_VIEW, null);
      }
    }
    slab.hold(copies);
    return frames;
  }
}

/**
 * The async iterator of `Reader.frames()`: hands out the frames of a batch one by one without
 * waiting (each next() is an already settled promise) and reads the next batch only when the
 * current one is used up. It ends when a read times out (an empty batch) or the Writer closed
 * normally after every frame was read; `return()` (a loop left early) gives the frames not yet
 * handed out back to the Reader, whose next read returns them first.
 */
export class FrameIterator<F> implements AsyncIterableIterator<F> {
  #batch: F[] = [];
  #next = 0;
  #ended = false;
  #reading: Promise<IteratorResult<F, undefined>> | null = null;

  /**
   * @param readBatch   reads one batch (through the Reader's queue)
   * @param isGracefulEnd  whether an error means the Writer closed normally and all was read
   * @param giveBack    returns unread frames to the Reader
   */
  constructor(
    private readonly readBatch: () => Promise<F[]>,
    private readonly isGracefulEnd: (err: unknown) => boolean,
    private readonly giveBack: (frames: F[]) => void,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<F, undefined>> {
    if (this.#next < this.#batch.length) return Promise.resolve({ value: this.#batch[this.#next++]!, done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    // One batch at a time: a next() called before the previous one settled waits for it.
    if (this.#reading !== null) return this.#reading.then(() => this.next());
    this.#reading = this.readBatch().then(
      (batch) => {
        this.#reading = null;
        if (batch.length === 0) return this.#end();
        this.#batch = batch;
        this.#next = 1;
        return { value: batch[0]!, done: false };
      },
      (err: unknown) => {
        this.#reading = null;
        if (this.isGracefulEnd(err)) return this.#end();
        this.#ended = true;
        throw err;
      },
    );
    return this.#reading;
  }

  /** Ends the iteration; frames read but not handed out go back to the Reader. */
  return(): Promise<IteratorResult<F, undefined>> {
    const rest = this.#batch.slice(this.#next);
    this.#batch = [];
    if (rest.length > 0) this.giveBack(rest);
    return Promise.resolve(this.#end());
  }

  #end(): IteratorResult<F, undefined> {
    this.#ended = true;
    return { value: undefined, done: true };
  }
}
