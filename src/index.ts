// Public entry point of zerobuffer-ts (docs/library-api.md).
//
// Normal API: Reader/Frame, Writer/WritableFrame, the duplex channel (DuplexClient,
// ImmutableDuplexServer), configuration and error classes.
// Diagnostics (inspect/clean/liveness/paths) are exported separately under `diagnostics`.
import './dispose';

export { Reader, Frame } from './reader';
export { DEFAULT_BATCH_FRAMES, DEFAULT_COPY_MAX_BYTES, MAX_BATCH_FRAMES, type ReadManyOptions } from './read-batch';
export { Writer } from './writer';
export { WritableFrame } from './writable-frame';
export { DuplexClient, type DuplexClientOptions } from './duplex/client';
export { ImmutableDuplexServer, STOP_GRACE_MS, type DuplexServerOptions, type RequestHandler } from './duplex/server';
export {
  ProcessingMode,
  DUPLEX_METADATA_SIZE,
  DUPLEX_REQUEST_PAYLOAD_SIZE,
  DUPLEX_RESPONSE_PAYLOAD_SIZE,
  DUPLEX_RESPONSE_PERMISSIONS,
  RESPONSE_CONNECT_WINDOW_MS,
} from './duplex/config';
export {
  BufferConfig,
  align64,
  DEFAULT_METADATA_SIZE,
  DEFAULT_PAYLOAD_SIZE,
  DEFAULT_TIMEOUT_MS,
  MAX_BUFFER_SIZE,
  MAX_NAME_BYTES,
  MAX_CHANNEL_NAME_BYTES,
  FRAME_HEADER_SIZE,
  OIEB_SIZE,
  type ReaderOptions,
  type WriterOptions,
} from './config';
export * from './errors';
export * from './error-factory';
export type { OiebSnapshot, SemaphoreValues, BufferInspection } from './native';
export * as diagnostics from './diagnostics';
