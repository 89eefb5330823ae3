// Duplex channel naming, defaults and option checks (protocol.md §11.1–§11.3, §8.4).
//
// A channel is two ordinary buffers: `<channel>_request` (client → server, created by the server)
// and `<channel>_response` (server → client, created by the client). Everything here validates
// before any OS call, so a bad argument never leaves a half-built channel behind.
import { InvalidArgumentError } from '../errors';
import {
  MAX_CHANNEL_NAME_BYTES,
  resolveReaderOptions,
  validateName,
  validateTimeout,
  DEFAULT_TIMEOUT_MS,
  type ReaderOptions,
  type ResolvedReaderOptions,
} from '../config';

/** Metadata size of both duplex buffers unless configured (§8.4). */
export const DUPLEX_METADATA_SIZE = 4096;
/** Payload size of the server's request buffer unless configured, 1 MiB (§8.4). */
export const DUPLEX_REQUEST_PAYLOAD_SIZE = 1 << 20;
/** Payload size of the client's response buffer unless configured, 256 MiB (§8.4). */
export const DUPLEX_RESPONSE_PAYLOAD_SIZE = 256 << 20;
/**
 * Mode applied to the client's response buffer unless configured (§11.2 step 1): exactly 0o666,
 * so that a server running as another user can connect its response Writer.
 */
export const DUPLEX_RESPONSE_PERMISSIONS = 0o666;
/** How long the server retries connecting its response Writer (§11.3 step 3, §8.4). */
export const RESPONSE_CONNECT_WINDOW_MS = 5000;

/** How a server processes requests. Only `SingleThread` exists (§11.3 step 1). */
export const ProcessingMode = { SingleThread: 'SingleThread' } as const;
export type ProcessingMode = (typeof ProcessingMode)[keyof typeof ProcessingMode];

/** The two buffer names of a channel; validates the channel name (≤ 236 bytes, §2.2.2). */
export function channelBuffers(channel: string): { request: string; response: string } {
  validateName(channel, MAX_CHANNEL_NAME_BYTES, 'channel name');
  return { request: `${channel}_request`, response: `${channel}_response` };
}

/** Rejects an options argument that is neither undefined nor an object. */
export function checkOptionsObject(options: unknown, what: string): void {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', `${what} options must be an object`);
  }
}

/** A buffer configuration with duplex defaults applied, validated like Reader options. */
export function resolveBufferOptions(options: ReaderOptions | undefined, defaults: ReaderOptions): ResolvedReaderOptions {
  checkOptionsObject(options, 'Buffer configuration');
  return resolveReaderOptions({ ...defaults, ...stripUndefined(options ?? {}) });
}

/** Validates a processing mode (§11.3 step 1): anything but `SingleThread` is ZB_INVALID_ARGUMENT. */
export function validateProcessingMode(mode: unknown): ProcessingMode {
  if (mode === undefined || mode === ProcessingMode.SingleThread) return ProcessingMode.SingleThread;
  throw new InvalidArgumentError(
    'ZB_INVALID_ARGUMENT',
    `Invalid argument processingMode: only ${JSON.stringify(ProcessingMode.SingleThread)} is supported, got ${JSON.stringify(String(mode))}`,
  );
}

/** Validates an optional callback option. */
export function validateCallback<F>(value: unknown, name: string): F | undefined {
  if (value === undefined || typeof value === 'function') return value as F | undefined;
  throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', `Invalid argument ${name}: must be a function, got ${typeof value}`);
}

/** The client's default write timeout, validated like Writer options. */
export function resolveWriteTimeout(value: unknown): number {
  return validateTimeout(value, { sync: false, name: 'writeTimeoutMs', defaultMs: DEFAULT_TIMEOUT_MS });
}

/** `{ a: undefined }` must not override a default when spread. */
function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
