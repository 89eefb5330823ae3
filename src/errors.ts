// Error classes of protocol.md §9.
//
// Every error the library throws is a ZeroBufferError with a stable string `code`. Errors coming
// from the native addon carry only `code` (plus a few extra fields); `fromNative()` maps that code
// to the matching class (src/error-factory.ts). Messages are never parsed.

/**
 * Every stable error code of protocol.md §9 and the class that carries it: the one list of codes on
 * the TypeScript side (native/core/errors.hpp holds the native one; test/error-codes.test.ts checks
 * that both have the same codes). {@link ErrorCode}, the codes of each class,
 * {@link ERROR_CLASS_BY_CODE}, {@link isErrorCode} and {@link createError} derive from it, so a new
 * code of an existing class is one line here.
 *
 * Classes are named rather than referenced because the `code` type of a class carrying several
 * codes is derived from this table (a table of the classes themselves would be circular).
 */
export const ERROR_TABLE = {
  ZB_INVALID_NAME: 'InvalidArgumentError',
  ZB_INVALID_CONFIG: 'InvalidArgumentError',
  ZB_INVALID_ARGUMENT: 'InvalidArgumentError',
  ZB_READER_EXISTS: 'ReaderAlreadyConnectedError',
  ZB_BUFFER_NOT_FOUND: 'BufferNotFoundError',
  ZB_INVALID_OIEB: 'InvalidOiebError',
  ZB_INCOMPATIBLE_VERSION: 'IncompatibleVersionError',
  ZB_NO_READER: 'ReaderDeadError',
  ZB_READER_DEAD: 'ReaderDeadError',
  ZB_WRITER_EXISTS: 'WriterAlreadyConnectedError',
  ZB_WRITER_DEAD: 'WriterDeadError',
  ZB_BUFFER_FULL: 'BufferFullError',
  ZB_FRAME_UNPLACEABLE: 'BufferFullError',
  ZB_FRAME_TOO_LARGE: 'FrameTooLargeError',
  ZB_INVALID_FRAME_SIZE: 'InvalidFrameSizeError',
  ZB_METADATA_ALREADY_WRITTEN: 'MetadataAlreadyWrittenError',
  ZB_METADATA_TOO_LARGE: 'MetadataTooLargeError',
  ZB_SEQUENCE_ERROR: 'SequenceError',
  ZB_CORRUPT_FRAME: 'CorruptFrameError',
  ZB_CORRUPT_METADATA: 'CorruptMetadataError',
  ZB_CLOSED: 'ClosedError',
  ZB_INVALID_STATE: 'InvalidStateError',
  ZB_NO_SPACE: 'ResourceError',
  ZB_PERMISSION_DENIED: 'ResourceError',
  ZB_RESOURCE_LIMIT: 'ResourceError',
  ZB_OS_ERROR: 'ResourceError',
} as const;

/** Every stable error code of protocol.md §9. */
export type ErrorCode = keyof typeof ERROR_TABLE;

/** The name of a class that carries codes of {@link ERROR_TABLE}. */
export type ErrorClassName = (typeof ERROR_TABLE)[ErrorCode];

/** The codes the class named `N` carries. */
type CodesOf<N extends ErrorClassName> = { [C in ErrorCode]: (typeof ERROR_TABLE)[C] extends N ? C : never }[ErrorCode];

/** Options accepted by every error constructor. */
export interface ZeroBufferErrorOptions {
  /** The underlying error (e.g. the native error this one was mapped from). */
  cause?: unknown;
}

/**
 * Base class of every error thrown by zerobuffer-ts. Tests and applications should rely only on
 * the class, {@link ZeroBufferError.code} and the documented extra fields (protocol.md §9).
 */
export class ZeroBufferError extends Error {
  /** Stable machine-readable code (protocol.md §9). */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ZeroBufferErrorOptions) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A bad argument: buffer/channel name (`ZB_INVALID_NAME`, §2.2), size configuration
 * (`ZB_INVALID_CONFIG`, §2.7) or any other argument such as a negative timeout, `Infinity` in a
 * synchronous call, non-`Uint8Array` data or empty metadata (`ZB_INVALID_ARGUMENT`).
 */
export class InvalidArgumentError extends ZeroBufferError {
  declare readonly code: CodesOf<'InvalidArgumentError'>;
  constructor(
    code: CodesOf<'InvalidArgumentError'>,
    message: string,
    options?: ZeroBufferErrorOptions,
  ) {
    super(code, message, options);
  }
}

/**
 * A Reader for this name already exists: its lock is held by a live process, a live `reader_pid`
 * was found in an existing segment, or a creation race was lost (`ZB_READER_EXISTS`, §2.5.4, §2.7).
 */
export class ReaderAlreadyConnectedError extends ZeroBufferError {
  declare readonly code: 'ZB_READER_EXISTS';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_READER_EXISTS', message, options);
  }
}

/** The shared memory object or a semaphore is missing when a Writer connects (`ZB_BUFFER_NOT_FOUND`, §7.1). */
export class BufferNotFoundError extends ZeroBufferError {
  declare readonly code: 'ZB_BUFFER_NOT_FOUND';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_BUFFER_NOT_FOUND', message, options);
  }
}

/**
 * The OIEB is invalid: `oieb_size ≠ 128`, object smaller than 128 bytes, inconsistent geometry or
 * `payload_free_bytes > P` (`ZB_INVALID_OIEB`, §3.4, §8.2.3). Transient while a Reader initialises.
 */
export class InvalidOiebError extends ZeroBufferError {
  declare readonly code: 'ZB_INVALID_OIEB';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_INVALID_OIEB', message, options);
  }
}

/** The segment's protocol major version is not 1 (`ZB_INCOMPATIBLE_VERSION`, §3.4). */
export class IncompatibleVersionError extends ZeroBufferError {
  declare readonly code: 'ZB_INCOMPATIBLE_VERSION';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_INCOMPATIBLE_VERSION', message, options);
  }
}

/**
 * The Reader is not there: none live at connection (`ZB_NO_READER`, §7.1 step 6) or it died or
 * closed while writing/acquiring (`ZB_READER_DEAD`, §8.2.3).
 */
export class ReaderDeadError extends ZeroBufferError {
  declare readonly code: CodesOf<'ReaderDeadError'>;
  constructor(code: CodesOf<'ReaderDeadError'>, message: string, options?: ZeroBufferErrorOptions) {
    super(code, message, options);
  }
}

/** A live Writer is already connected to the buffer (`ZB_WRITER_EXISTS`, §7.1 step 7). */
export class WriterAlreadyConnectedError extends ZeroBufferError {
  declare readonly code: 'ZB_WRITER_EXISTS';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_WRITER_EXISTS', message, options);
  }
}

/** Options of {@link WriterDeadError}. */
export interface WriterDeadErrorOptions extends ZeroBufferErrorOptions {
  /** The Writer closed normally (default false: it died). */
  graceful?: boolean;
}

/**
 * The Writer crashed, or closed gracefully and every frame it wrote has been consumed
 * (`ZB_WRITER_DEAD`, §6.3). {@link WriterDeadError.graceful} tells the two apart.
 */
export class WriterDeadError extends ZeroBufferError {
  declare readonly code: 'ZB_WRITER_DEAD';
  /**
   * True when the Writer closed normally (`writer_pid` 0) and every frame it wrote was read: the
   * regular end of a stream. False when its process died (or `writer_pid` names no live process).
   */
  readonly graceful: boolean;
  constructor(message: string, options?: WriterDeadErrorOptions) {
    super('ZB_WRITER_DEAD', message, options);
    this.graceful = options?.graceful ?? false;
  }
}

/**
 * No space before the write deadline (`ZB_BUFFER_FULL`, §8.2.3), or the frame can never be placed
 * at the current write position (`ZB_FRAME_UNPLACEABLE`, §5.10; thrown without waiting).
 */
export class BufferFullError extends ZeroBufferError {
  declare readonly code: CodesOf<'BufferFullError'>;
  constructor(code: CodesOf<'BufferFullError'>, message: string, options?: ZeroBufferErrorOptions) {
    super(code, message, options);
  }
}

/** The frame size is not placeable in this ring: not in `[1, P − 32]` and not `P − 16` (`ZB_FRAME_TOO_LARGE`, §5.4). */
export class FrameTooLargeError extends ZeroBufferError {
  declare readonly code: 'ZB_FRAME_TOO_LARGE';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_FRAME_TOO_LARGE', message, options);
  }
}

/** A frame of size 0 was written or acquired (`ZB_INVALID_FRAME_SIZE`, §5.4; size 0 is the wrap marker). */
export class InvalidFrameSizeError extends ZeroBufferError {
  declare readonly code: 'ZB_INVALID_FRAME_SIZE';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_INVALID_FRAME_SIZE', message, options);
  }
}

/** Metadata is write-once per buffer, across Writers (`ZB_METADATA_ALREADY_WRITTEN`, §4.2). */
export class MetadataAlreadyWrittenError extends ZeroBufferError {
  declare readonly code: 'ZB_METADATA_ALREADY_WRITTEN';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_METADATA_ALREADY_WRITTEN', message, options);
  }
}

/** `8 + N > M`: the metadata (with its 8-byte length prefix) does not fit (`ZB_METADATA_TOO_LARGE`, §4.1). */
export class MetadataTooLargeError extends ZeroBufferError {
  declare readonly code: 'ZB_METADATA_TOO_LARGE';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_METADATA_TOO_LARGE', message, options);
  }
}

/**
 * A frame header carried an unexpected sequence number (`ZB_SEQUENCE_ERROR`, §6.2 R8). The Reader
 * is poisoned afterwards (§6.5). Message: exactly `Sequence error: expected E, got G`.
 */
export class SequenceError extends ZeroBufferError {
  declare readonly code: 'ZB_SEQUENCE_ERROR';
  /** The sequence number the Reader expected. */
  readonly expected: bigint;
  /** The sequence number found in the header. */
  readonly got: bigint;
  constructor(expected: bigint, got: bigint, message?: string, options?: ZeroBufferErrorOptions) {
    super('ZB_SEQUENCE_ERROR', message ?? `Sequence error: expected ${expected}, got ${got}`, options);
    this.expected = expected;
    this.got = got;
  }
}

/** A frame header is corrupt: size 0 that is not a marker, or the frame crosses the ring end (`ZB_CORRUPT_FRAME`, §6.2). */
export class CorruptFrameError extends ZeroBufferError {
  declare readonly code: 'ZB_CORRUPT_FRAME';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_CORRUPT_FRAME', message, options);
  }
}

/** The metadata length prefix is inconsistent with the OIEB (`ZB_CORRUPT_METADATA`, §4.4). */
export class CorruptMetadataError extends ZeroBufferError {
  declare readonly code: 'ZB_CORRUPT_METADATA';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_CORRUPT_METADATA', message, options);
  }
}

/** Operation on a closed Reader/Writer, or an operation ended by `close()` (`ZB_CLOSED`, §15.3). */
export class ClosedError extends ZeroBufferError {
  declare readonly code: 'ZB_CLOSED';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_CLOSED', message, options);
  }
}

/**
 * API misuse (`ZB_INVALID_STATE`): commit/abort without a pending acquisition, a second acquire,
 * a synchronous call while an asynchronous call of the same object is in flight (§15.3), …
 */
export class InvalidStateError extends ZeroBufferError {
  declare readonly code: 'ZB_INVALID_STATE';
  constructor(message: string, options?: ZeroBufferErrorOptions) {
    super('ZB_INVALID_STATE', message, options);
  }
}

/** Codes of {@link ResourceError}. */
export type ResourceErrorCode = CodesOf<'ResourceError'>;

/**
 * An operating-system failure: no space in `/dev/shm` (`ZB_NO_SPACE`), permission denied
 * (`ZB_PERMISSION_DENIED`), descriptor limits (`ZB_RESOURCE_LIMIT`) or anything else (`ZB_OS_ERROR`).
 */
export class ResourceError extends ZeroBufferError {
  declare readonly code: ResourceErrorCode;
  /** Symbolic errno, e.g. `'ENOSPC'`. */
  readonly errno: string;
  /** The failing system call, e.g. `'posix_fallocate'`. */
  readonly syscall: string;
  /** The path involved, when known. */
  readonly path?: string;
  constructor(
    code: ResourceErrorCode,
    message: string,
    fields: { errno: string; syscall: string; path?: string },
    options?: ZeroBufferErrorOptions,
  ) {
    super(code, message, options);
    this.errno = fields.errno;
    this.syscall = fields.syscall;
    if (fields.path !== undefined) this.path = fields.path;
  }
}
