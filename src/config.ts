// Buffer configuration, defaults and argument validation (protocol.md §2.2, §2.7, §6.3, §8.4).
//
// The addon validates everything again; validating here first gives messages that name the
// argument and the rule in JavaScript terms.
import { InvalidArgumentError } from './errors';

/** Default metadata block size in bytes (§8.4). */
export const DEFAULT_METADATA_SIZE = 1024;
/** Default payload ring size in bytes, 1 MiB (§8.4). */
export const DEFAULT_PAYLOAD_SIZE = 1048576;
/** Default timeout of read/write/acquire in milliseconds (§8.4). */
export const DEFAULT_TIMEOUT_MS = 5000;
/** Largest accepted metadata or payload size, 2^35 bytes (§2.7). */
export const MAX_BUFFER_SIZE = 2 ** 35;
/** Longest buffer name in UTF-8 bytes (§2.2.2). */
export const MAX_NAME_BYTES = 245;
/** Longest duplex channel name in UTF-8 bytes (§2.2.2). */
export const MAX_CHANNEL_NAME_BYTES = 236;
/** Size of the OIEB control block. */
export const OIEB_SIZE = 128;
/** Size of a frame header in the ring. */
export const FRAME_HEADER_SIZE = 16;

/** `(x + 63) & ~63`, computed without 32-bit truncation (sizes go up to 2^35). */
export function align64(x: number): number {
  return Math.ceil(x / 64) * 64;
}

/** Size configuration of a buffer (requested sizes; the Reader aligns both to 64). */
export class BufferConfig {
  /** Requested metadata block size in bytes (0 allowed; default 1024). */
  readonly metadataSize: number;
  /** Requested payload ring size in bytes (≥ 1; default 1048576). */
  readonly payloadSize: number;

  constructor(metadataSize: number = DEFAULT_METADATA_SIZE, payloadSize: number = DEFAULT_PAYLOAD_SIZE) {
    this.metadataSize = metadataSize;
    this.payloadSize = payloadSize;
  }
}

/** Options of `Reader.create` / `Reader.createSync`. */
export interface ReaderOptions {
  /** Metadata block size in bytes, default 1024. */
  metadataSize?: number;
  /** Payload ring size in bytes, default 1048576. */
  payloadSize?: number;
  /** When given, the exact mode applied to the shm object, both semaphores and the lock file (§2.6). */
  permissions?: number;
}

/** Options of `Writer.connect` / `Writer.connectSync`. */
export interface WriterOptions {
  /** Default timeout of write/acquire in ms (default 5000). `Infinity` only works with async calls. */
  writeTimeoutMs?: number;
}

/** Validated Reader options. */
export interface ResolvedReaderOptions {
  metadataSize: number;
  payloadSize: number;
  permissions: number | undefined;
}

function isLoneSurrogatePresent(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (n >= 0xdc00 && n <= 0xdfff) {
        i++;
        continue;
      }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Validates a buffer name (§2.2). Throws `InvalidArgumentError` `ZB_INVALID_NAME` whose message
 * contains the JSON-quoted name and the rule that failed.
 * @param maxBytes 245 for buffers, 236 for duplex channels.
 */
export function validateName(name: unknown, maxBytes: number = MAX_NAME_BYTES, what = 'buffer name'): string {
  const fail = (rule: string): never => {
    throw new InvalidArgumentError('ZB_INVALID_NAME', `Invalid ${what} ${quote(name)}: ${rule}`);
  };
  if (typeof name !== 'string') return fail(`must be a string, got ${typeof name}`);
  if (name.length === 0) return fail('must not be empty');
  if (isLoneSurrogatePresent(name)) return fail('must be well-formed UTF-16 (contains a lone surrogate)');
  if (name.includes('/')) return fail("must not contain '/'");
  if (name.includes('\0')) return fail('must not contain the NUL character');
  if (name === '.' || name === '..') return fail("must not be '.' or '..'");
  // glibc keeps named semaphores in /dev/shm/sem.<sem name>: a buffer named `sem.sem-w-<x>` would
  // be buffer <x>'s data semaphore.
  if (name.startsWith('sem.')) return fail("must not start with 'sem.' (glibc's semaphore files are /dev/shm/sem.*)");
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > maxBytes) return fail(`must be at most ${maxBytes} bytes in UTF-8, got ${bytes}`);
  return name;
}

/** Validates one size field (§2.7); throws `ZB_INVALID_CONFIG` naming the field and the value. */
export function validateSize(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_BUFFER_SIZE) {
    throw new InvalidArgumentError(
      'ZB_INVALID_CONFIG',
      `Invalid buffer configuration: ${field} must be an integer in [${min}, ${MAX_BUFFER_SIZE}], got ${quote(value)}`,
    );
  }
  return value;
}

/** Validates Reader options and applies the defaults. */
export function resolveReaderOptions(options: ReaderOptions | undefined): ResolvedReaderOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', `Reader options must be an object, got ${quote(options)}`);
  }
  const metadataSize = validateSize('metadataSize', options?.metadataSize ?? DEFAULT_METADATA_SIZE, 0);
  const payloadSize = validateSize('payloadSize', options?.payloadSize ?? DEFAULT_PAYLOAD_SIZE, 1);
  const permissions = options?.permissions;
  if (permissions !== undefined && (typeof permissions !== 'number' || !Number.isInteger(permissions) || permissions < 0 || permissions > 0o7777)) {
    throw new InvalidArgumentError(
      'ZB_INVALID_ARGUMENT',
      `Invalid argument permissions: must be an integer mode in [0, 0o7777], got ${quote(permissions)}`,
    );
  }
  return { metadataSize, payloadSize, permissions };
}

/**
 * Validates a timeout in milliseconds and applies the default. Negative, NaN and non-numbers are
 * rejected; `Infinity` is rejected for synchronous calls (§15.2). Throws `ZB_INVALID_ARGUMENT`.
 */
export function validateTimeout(value: unknown, opts: { sync: boolean; name?: string; defaultMs?: number }): number {
  const name = opts.name ?? 'timeoutMs';
  const v = value === undefined ? (opts.defaultMs ?? DEFAULT_TIMEOUT_MS) : value;
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) {
    throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', `Invalid argument ${name}: must be a non-negative number of milliseconds, got ${quote(v)}`);
  }
  if (opts.sync && !Number.isFinite(v)) {
    throw new InvalidArgumentError(
      'ZB_INVALID_ARGUMENT',
      `Invalid argument ${name}: synchronous calls require a finite timeout, got Infinity (use the async variant)`,
    );
  }
  return v;
}

/** Validates frame/metadata data: must be a Uint8Array (Buffers qualify). */
export function validateData(value: unknown, name = 'data'): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', `Invalid argument ${name}: must be a Uint8Array, got ${value === null ? 'null' : typeof value}`);
  }
  return value;
}

/**
 * Validates a byte count argument (acquire sizes): a non-negative safe integer. Zero is passed on
 * so that the protocol-level error (`InvalidFrameSizeError`) is raised by the addon.
 */
export function validateByteCount(value: unknown, name = 'size'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', `Invalid argument ${name}: must be a non-negative integer, got ${quote(value)}`);
  }
  return value;
}
