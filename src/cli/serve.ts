// `zerobuffer serve <channel>`: an immutable duplex server with an echo or XOR handler.
import { performance } from 'node:perf_hooks';
import { ImmutableDuplexServer, type RequestHandler } from '../duplex/server';
import { DUPLEX_METADATA_SIZE } from '../duplex/config';
import { WriterDeadError } from '../errors';
import { xorInPlace } from './patterns';
import { describeError, errorAdder, handleSignals, printOutcome, round, signalExitCode } from './common';

export type ServeHandler = 'echo' | 'xor';
export const SERVE_HANDLERS: readonly ServeHandler[] = ['echo', 'xor'];

/**
 * Request ring of `serve` unless --payload-size is given: 16 MiB, so that frames up to 8 MiB
 * (a 1080p YUV420 frame is 3,110,416 bytes) can always be placed (protocol.md §5.10). The
 * library's default of 1 MiB is meant for small messages.
 */
export const SERVE_PAYLOAD_SIZE = 16 << 20;

export interface ServeOptions {
  handler: ServeHandler;
  /** Requests to answer; 0 = until the client goes away or a signal arrives. */
  requests: number;
  metadataSize?: number;
  payloadSize?: number;
  json: boolean;
}

/** The one JSON object printed by `serve --json`. */
export interface ServeSummary {
  operation: 'serve';
  channel: string;
  handler: ServeHandler;
  requests: number;
  errors: string[];
  /** First request to the end. */
  duration_seconds: number;
}

/**
 * The handler: `echo` returns the request view itself (the server copies it into the response
 * ring); `xor` answers byte i with request byte i XOR 0xFF, in one reused buffer (the server has
 * copied it into the ring before it calls the handler again).
 */
export function responder(kind: ServeHandler): RequestHandler {
  if (kind === 'echo') return (request) => request.data;
  let out = Buffer.alloc(0);
  return (request) => {
    if (out.byteLength < request.size) out = Buffer.allocUnsafeSlow(request.size);
    const response = out.subarray(0, request.size);
    response.set(request.data);
    xorInPlace(response, 0xff);
    return response;
  };
}

/** Runs the command and returns the process exit code. */
export async function runServe(channel: string, o: ServeOptions): Promise<number> {
  const summary: ServeSummary = { operation: 'serve', channel, handler: o.handler, requests: 0, errors: [], duration_seconds: 0 };
  const addError = errorAdder(summary.errors);
  let ok = true;
  const stopped: { by: Error | null } = { by: null }; // the error that stopped the server
  let firstAt = -1;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  let server: ImmutableDuplexServer | undefined;
  const signals = handleSignals(finish);
  try {
    server = new ImmutableDuplexServer(channel, {
      requestBuffer: { metadataSize: o.metadataSize ?? DUPLEX_METADATA_SIZE, payloadSize: o.payloadSize ?? SERVE_PAYLOAD_SIZE },
      onError: (e) => {
        stopped.by = e;
        finish();
      },
    });
    const respond = responder(o.handler);
    let taken = 0;
    const s = server;
    await s.start((request) => {
      if (firstAt < 0) firstAt = performance.now();
      // The last request: stop() lets this response be written, then closes the channel.
      if (o.requests > 0 && ++taken === o.requests) void s.stop().then(finish);
      return respond(request);
    });
    if (!o.json) {
      process.stderr.write(`zerobuffer serve: channel ${JSON.stringify(channel)} ready (${o.handler} handler), waiting for a client\n`);
    }
    if (signals.received()) finish();
    await finished;
  } catch (err) {
    addError(describeError(err));
    ok = false;
  } finally {
    await server?.stop();
    signals.dispose();
  }
  summary.requests = server?.requestsServed ?? 0;
  summary.duration_seconds = firstAt < 0 ? 0 : round((performance.now() - firstAt) / 1000, 6);
  const served = o.requests > 0 ? `${summary.requests} of ${o.requests}` : `${summary.requests}`;
  const clientClosed = stopped.by instanceof WriterDeadError && stopped.by.graceful;
  if (stopped.by !== null && !(clientClosed && o.requests === 0)) {
    addError(`stopped after ${served} request(s): ${describeError(stopped.by)}`);
    ok = false;
  } else if (o.requests > 0 && summary.requests < o.requests) {
    const sig = signals.received();
    if (sig !== null) addError(`interrupted by ${sig} after ${served} request(s)`);
    ok = false;
  }
  printOutcome('serve', summary, {
    json: o.json,
    ok,
    success: () => `served ${summary.requests} request(s) on ${JSON.stringify(channel)} in ${summary.duration_seconds.toFixed(3)} s (${o.handler} handler)`,
    failure: () => `failed after ${served} request(s) served`,
  });
  if (ok) return 0;
  return signals.received() ? signalExitCode(signals.received()) : 1;
}
