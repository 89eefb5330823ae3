// The contract between the C++ addon (native/) and the TypeScript library (src/).
//
// Everything here is what `build/Release/zerobuffer.node` exports. The TypeScript layer wraps
// these handles in Reader/Writer/Frame classes, maps error codes to error classes and queues
// async calls; the addon owns all protocol logic and all memory safety.
//
// Errors: every error thrown or rejected by the addon is an `Error` with a string `code`
// (one of ErrorCode in errors.ts; errorCodes() lists them). Extra fields by code:
//   ZB_SEQUENCE_ERROR            expected: bigint, got: bigint
//   ZB_WRITER_DEAD               graceful: boolean (the Writer closed normally; false: it died)
//   ZB_NO_SPACE / ZB_PERMISSION_DENIED / ZB_RESOURCE_LIMIT / ZB_OS_ERROR
//                                errno: string ('ENOSPC'), syscall: string, path?: string
// Argument validation (names, sizes, timeouts, data types) is done natively too, so the addon
// is safe to call directly; the TS layer validates first only to give nicer messages.
import * as fs from 'node:fs';
import * as path from 'node:path';
import loadBinding = require('pkg-prebuilds');

/** All OIEB fields (protocol.md §3.2). u64 fields are bigint. */
export interface OiebSnapshot {
  oiebSize: number;
  version: { major: number; minor: number; patch: number; reserved: number };
  metadataSize: bigint;
  metadataFreeBytes: bigint;
  metadataWrittenBytes: bigint;
  payloadSize: bigint;
  payloadFreeBytes: bigint;
  payloadWritePos: bigint;
  payloadReadPos: bigint;
  payloadWrittenCount: bigint;
  payloadReadCount: bigint;
  writerPid: bigint;
  readerPid: bigint;
  reserved: [bigint, bigint, bigint, bigint];
}

/** sem_getvalue of both semaphores: `data` = sem-w (frames published), `space` = sem-r (releases). */
export interface SemaphoreValues {
  data: number;
  space: number;
}

/** A frame handed out by NativeReader.read*: `data` is an external ArrayBuffer view over the ring. */
export interface NativeFrame {
  /** Release-queue token; pass to NativeReader.release(). */
  token: number;
  sequence: bigint;
  size: number;
  data: Uint8Array;
  isZeroCopy: boolean;
}

/**
 * A pending zero-copy write (protocol.md §10.1), with `data`, its view. Acquired with `withView`
 * false it comes without (a {@link NativePendingFrame}); NativeWriter.frameData() makes the view then.
 */
export interface NativeWritableFrame extends NativePendingFrame {
  data: Uint8Array;
}

export interface NativePendingFrame {
  sequence: bigint;
  size: number;
  isZeroCopy: boolean;
}

export interface NativeReader {
  readonly name: string;
  /** Aligned sizes M and P (private copies taken at creation). */
  readonly metadataSize: number;
  readonly payloadSize: number;
  readonly closed: boolean;
  /** timeoutMs: finite number >= 0 (0 = sem_trywait). null on timeout. */
  readSync(timeoutMs: number): NativeFrame | null;
  /** Waits on a worker thread in bounded slices; timeoutMs may be Infinity. Interruptible by close(). */
  read(timeoutMs: number): Promise<NativeFrame | null>;
  /**
   * Batch read (what the library's Reader uses): like readSync, then every further frame that is
   * ready now, up to maxFrames (>= 1). A frame of at most copyMax bytes is copied into
   * `pool[used..]` and released with the batch — the addon stops before a further frame might not fit,
   * so pool.length - used >= copyMax guarantees the copy; the first other frame is returned as a
   * view (released by its token) and ends the batch; null when there is none. `out[0]` receives
   * the number of frames n (0 on timeout), then 4 numbers per frame: token (0 for a copy),
   * sequence (exact: sequences count frames from 1), size, and the copy's offset in the pool — or
   * -1 for the returned zero-copy view, -2 for a returned copy where the runtime refused external
   * buffers. out.length >= 1 + 4 * maxFrames. An error after the first frame ends the batch; it
   * recurs on the next read.
   */
  readBatchSync(pool: Uint8Array, used: number, out: Float64Array, maxFrames: number, copyMax: number, timeoutMs: number): Uint8Array | null;
  /**
   * readBatchSync that never blocks beyond a short poll on the JS thread (adaptive, at most
   * timeoutMs, which may be Infinity): the frames ready now or within the poll; `out[0]` = 0 and
   * null when there are none. The library calls it before readBatch.
   */
  pollBatch(pool: Uint8Array, used: number, out: Float64Array, maxFrames: number, copyMax: number, timeoutMs: number): Uint8Array | null;
  /**
   * Asynchronous readBatchSync: waits for the first frame on its own thread (without polling on
   * the JS thread first: pollBatch did); the batch is taken on the JS thread.
   */
  readBatch(pool: Uint8Array, used: number, out: Float64Array, maxFrames: number, copyMax: number, timeoutMs: number): Promise<Uint8Array | null>;
  /** Idempotent; detaches the frame's ArrayBuffer; in-order release per protocol.md §6.7. */
  release(token: number): void;
  isReleased(token: number): boolean;
  getMetadata(): Uint8Array;
  isWriterConnected(): boolean;
  oiebSnapshot(): OiebSnapshot;
  semaphoreValues(): SemaphoreValues;
  /** Idempotent; protocol.md §2.8. Ends an in-flight async read with ZB_CLOSED. */
  close(): void;
}

export interface NativeWriter {
  readonly name: string;
  readonly metadataSize: number;
  readonly payloadSize: number;
  readonly closed: boolean;
  /** The sequence the next committed frame will carry (starts at 1n). */
  readonly nextSequence: bigint;
  /** Returns the frame's sequence. timeoutMs finite >= 0 (0 = no wait). */
  writeSync(data: Uint8Array, timeoutMs: number): bigint;
  /**
   * writeSync(frames[0], timeoutMs), then every further frame while it fits now, in order; returns
   * how many were written (>= 1; 0 when timeoutMs is 0 and the first frame does not fit now, where
   * writeSync throws ZB_BUFFER_FULL). An error after the first frame ends the batch; it recurs when the
   * next call starts at that frame. The frames are arguments (an argument costs the addon nothing to
   * fetch, an array element an engine lookup); error messages number them from `indexBase`.
   */
  writeBatchSync(timeoutMs: number, indexBase: number, ...frames: Uint8Array[]): number;
  /**
   * Non-blocking attempt on the JS thread first (with the addon's poll): the sequence itself when
   * there was space; else a promise that waits for space on a worker. Errors always reject.
   */
  write(data: Uint8Array, timeoutMs: number): bigint | Promise<bigint>;
  acquireSync(size: number, timeoutMs: number, withView?: true): NativeWritableFrame;
  acquireSync(size: number, timeoutMs: number, withView: false): NativePendingFrame;
  /** As write(): the frame itself when there was space, else a promise. */
  acquire(size: number, timeoutMs: number, withView?: true): NativeWritableFrame | Promise<NativeWritableFrame>;
  acquire(size: number, timeoutMs: number, withView: false): NativePendingFrame | Promise<NativePendingFrame>;
  /**
   * A view over the pending frame (external over the ring; a copy in the fallback of §10.3), made
   * on the first call. ZB_INVALID_STATE when no frame is pending.
   */
  frameData(): Uint8Array;
  /**
   * Copies `source` into the pending frame at `offset` with the ring copy — into its view when one
   * was made. ZB_INVALID_ARGUMENT when it does not fit, ZB_INVALID_STATE when no frame is pending.
   */
  fill(offset: number, source: Uint8Array): void;
  /** Publishes the pending acquisition; returns its sequence; detaches its view. */
  commit(): bigint;
  /** Detaches the pending view; publishes nothing; consumes no sequence. */
  abort(): void;
  readonly hasPendingFrame: boolean;
  setMetadata(data: Uint8Array): void;
  acquireMetadata(size: number): Uint8Array;
  commitMetadata(): void;
  abortMetadata(): void;
  readonly metadataWritten: boolean;
  isReaderConnected(): boolean;
  oiebSnapshot(): OiebSnapshot;
  semaphoreValues(): SemaphoreValues;
  /** Idempotent; protocol.md §7.2. */
  close(): void;
}

/** Read-only look at any buffer by name (CLI `inspect`); never modifies anything. */
export interface BufferInspection {
  name: string;
  /** false when /dev/shm/<name> does not exist (all other fields then absent/null). */
  exists: boolean;
  segmentSize: number;
  /** null when the segment is smaller than 128 bytes. */
  oieb: OiebSnapshot | null;
  readerAlive: boolean;
  writerAlive: boolean;
  /** null when a semaphore is missing. */
  semaphores: { data: number | null; space: number | null };
  lockFile: { exists: boolean; held: boolean };
}

export interface NativeBinding {
  readonly protocolVersion: string; // "1.0.0"
  createReaderSync(name: string, metadataSize: number, payloadSize: number, permissions?: number): NativeReader;
  createReader(name: string, metadataSize: number, payloadSize: number, permissions?: number): Promise<NativeReader>;
  connectWriterSync(name: string): NativeWriter;
  connectWriter(name: string): Promise<NativeWriter>;
  inspectBuffer(name: string): BufferInspection;
  /**
   * protocol.md §13 stale scan over /tmp/zerobuffer. With a name: only that name, and also
   * orphans of that name without a lock file (no live reader/writer PID). Returns the OS object
   * paths it removed.
   */
  cleanStaleResources(name?: string): string[];
  /** PID liveness per protocol.md §8.1. */
  isProcessAlive(pid: number | bigint): boolean;
  /** Every error code the addon can throw (native/core/errors.hpp); the same set as ErrorCode. */
  errorCodes(): string[];
  /**
   * Detaches an ArrayBuffer the caller owns (views of it read as empty; its memory goes back now
   * rather than at the next garbage collection); one that cannot be detached is left as it is.
   */
  detachArrayBuffer(buffer: ArrayBuffer): void;
  /**
   * How asynchronous reads wait (ZEROBUFFER_ASYNC_WAIT = thread | uring | auto, read once per
   * process): `uring` on the event loop through io_uring FUTEX_WAIT (Linux >= 6.7), `thread` on
   * the Reader's wait thread; `reason` says why io_uring is not used.
   */
  asyncWait(): { mode: 'uring' | 'thread'; requested: string; reason: string };
}

/** The directory of this package's package.json (above dist/src or src). */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'binding-options.js'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`zerobuffer: package root not found above ${__dirname}`);
    dir = parent;
  }
}

/** Loads `build/Release/<file>` of this package (the harness's test-support addon). */
export function loadAddon<T>(file: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(packageRoot(), 'build', 'Release', file)) as T;
}

/**
 * Loads the library addon of the package in `root`: a local build (build/Release/zerobuffer.node,
 * what `npm ci` makes in the repository and what an install compiles where no prebuilt fits), else
 * the prebuilt binary the package ships for this platform. A failure says what to do.
 */
export function loadLibraryAddon(root: string = packageRoot()): NativeBinding {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const options = require(path.join(packageRoot(), 'binding-options.js')) as loadBinding.Options;
  try {
    return loadBinding<NativeBinding>(root, options);
  } catch (err) {
    const found = `${process.platform}-${process.arch}${fs.existsSync('/etc/alpine-release') ? ' (musl)' : ''}`;
    throw new Error(
      `zerobuffer-ts: cannot load its native addon on ${found}: ${String((err as Error)?.message ?? err).split('\n')[0]}\n` +
        'The package ships a prebuilt binary for linux-x64 with glibc and builds from source elsewhere ' +
        '(Linux with glibc only). To build it from source, install a C++20 compiler, make and cmake, then run ' +
        '`npm rebuild zerobuffer-ts --build-from-source`.',
      { cause: err },
    );
  }
}

let loaded: NativeBinding | undefined;
/** Set by useAddonFile: the addon file native() loads instead of the package's own. */
let addonFile: string | undefined;

/**
 * Internal, not part of the package's API (not exported from index.ts): makes native() load the
 * addon at the absolute path `file` instead of this package's own. The test harness uses it to run
 * a deliberately broken build (harness/model/mutants.ts). Throws once the addon is loaded: every
 * object of a process must come from one addon.
 */
export function useAddonFile(file: string): void {
  if (loaded !== undefined) {
    throw new Error(`zerobuffer: useAddonFile(${file}) after the native addon was loaded (${addonFile ?? 'the package addon'}); call it before the library is first used`);
  }
  if (!path.isAbsolute(file)) throw new Error(`zerobuffer: useAddonFile needs an absolute path, got ${file}`);
  if (!fs.existsSync(file)) throw new Error(`zerobuffer: useAddonFile: no addon at ${file}`);
  addonFile = file;
}

/** The library addon, loaded once (immutable after load; safe in worker threads). */
export function native(): NativeBinding {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= addonFile === undefined ? loadLibraryAddon() : (require(addonFile) as NativeBinding);
  return loaded;
}
