// Duplex entries of a servo (steps.md §4.1, §6.13): the current server with its handler's record
// and the errors it reported, and the current client with every request it sent and every
// response it received (matched by sequence: response k answers request k).
import type { DuplexClient, Frame, ImmutableDuplexServer } from '../../../src/index';
import type { BufferConfig } from '../../model/config';
import type { AcquiredFrame, WriterEntry } from './objects';

/** How a server answers a request (steps.md D02, D15, D19, D25, D36, D41). */
export interface HandlerSpec {
  /** For messages: "echo", "XOR 0xff", … */
  what: string;
  /** The handler's own processing time per request in ms (0: it answers at once). */
  delayMs: number;
  respond(request: Frame): Uint8Array | Promise<Uint8Array>;
}

/** One request as the server's handler saw it (times on this process's monotonic clock). */
export interface HandledRequest {
  sequence: bigint;
  startedAt: number;
  /** null while the handler runs. */
  endedAt: number | null;
}

export interface ServerEntry {
  kind: 'server';
  server: ImmutableDuplexServer;
  base: string;
  /** Resolved channel name; its buffers are `request` and `response`. */
  channel: string;
  request: string;
  response: string;
  /** The request buffer's configuration as given to the server. */
  config: BufferConfig;
  handler: HandlerSpec | null;
  handled: HandledRequest[];
  /** Errors the server reported through its error callback, in order. */
  errors: { error: Error; at: number }[];
  /** How many of `errors` a step has examined (the rest are unobserved failures at teardown). */
  examined: number;
  /** The server's response Writer as a writer entry, once a step wrote through it (D27). */
  responseWriter: WriterEntry | null;
}

/** A request the client sent (or committed), recorded with its sequence and bytes (steps.md §6.13). */
export interface SentRequest {
  sequence: bigint;
  bytes: Uint8Array;
  sentAt: number;
  /** Ring offset of its frame header in `<ch>_request` (derived from the OIEB, steps.md §4.5). */
  offset: number;
}

/** A response the client received; its bytes are copied before the frame is released. */
export interface ReceivedResponse {
  sequence: bigint;
  bytes: Buffer;
  receivedAt: number;
  isZeroCopy: boolean;
  /** Name of the Reader the frame came from. */
  viaReader: string;
}

export interface ClientEntry {
  kind: 'client';
  client: DuplexClient;
  base: string;
  channel: string;
  request: string;
  response: string;
  /** The harness's request sequence counter: 1 after connecting, +1 per sent or committed request (steps.md §4.1). */
  nextSeq: bigint;
  requests: SentRequest[];
  responses: ReceivedResponse[];
  /** Send time of the first request of the latest D07/D11 batch. */
  batchStartedAt: number | null;
  /** Receives in flight. */
  receiving: number;
  /** false after D26 ("does not read responses") until a step reads one again. */
  consuming: boolean;
  acquired: AcquiredFrame | null;
  /** The latest committed zero-copy request (D33), for D34/D35. */
  committed: (AcquiredFrame & { isZeroCopy: boolean }) | null;
  /** D16: the responses it received and the total response time (last receive − first send of the batch). */
  measured: { totalMs: number; responses: ReceivedResponse[] } | null;
  /** D51: what the series of receives delivered after `before` responses, and the error that ended it (null: 10 attempts, no error). */
  drained: { before: number; responses: ReceivedResponse[]; ended: unknown; attempts: number } | null;
}
