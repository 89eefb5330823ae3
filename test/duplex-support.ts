// Shared pieces of the duplex tests (not a test file): a server + client pair on a fresh channel,
// the request pattern, and cleanup of everything a test opened.
import * as assert from 'node:assert/strict';
import { DuplexClient, ImmutableDuplexServer, type DuplexServerOptions, type RequestHandler } from '../src/index';
import { fillPattern } from '../src/cli/patterns';
import { existingChannel, uniqueChannel } from './helpers';

const opened: Array<DuplexClient | ImmutableDuplexServer> = [];

/** Stops/closes everything opened through this module (afterEach). */
export async function closeAll(): Promise<void> {
  for (const x of opened.splice(0)) {
    if (x instanceof DuplexClient) x.close();
    else await x.stop();
  }
}

export interface Pair {
  channel: string;
  server: ImmutableDuplexServer;
  client: DuplexClient;
  /** Errors the server reported through onError. */
  errors: Error[];
}

/**
 * A started server and a connected client on a fresh channel. Both rings default to 64 KiB so
 * that tests never allocate the 256 MiB response default.
 */
export async function openPair(
  handler: RequestHandler,
  o: { requestPayload?: number; responsePayload?: number; server?: DuplexServerOptions } = {},
): Promise<Pair> {
  const channel = uniqueChannel();
  const errors: Error[] = [];
  const server = trackServer(
    new ImmutableDuplexServer(channel, {
      requestBuffer: { payloadSize: o.requestPayload ?? 65536 },
      onError: (e) => errors.push(e),
      ...o.server,
    }),
  );
  await server.start(handler);
  const client = await connectClient(channel, o.responsePayload ?? 65536);
  return { channel, server, client, errors };
}

export function trackServer(server: ImmutableDuplexServer): ImmutableDuplexServer {
  opened.push(server);
  return server;
}

export async function connectClient(channel: string, responsePayload: number): Promise<DuplexClient> {
  const client = await DuplexClient.connect(channel, { responseBuffer: { payloadSize: responsePayload } });
  opened.push(client);
  return client;
}

/** Request k of the CLI convention: byte i = (k + i) mod 256. */
export function requestBytes(size: number, k: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  fillPattern(b, 'sequential', k);
  return b;
}

/** Receives one response and checks its sequence and bytes; releases it. */
export async function expectResponse(client: DuplexClient, sequence: bigint, bytes: Uint8Array): Promise<void> {
  const r = await client.receiveResponse(5000);
  assert.ok(r !== null, `response ${sequence} arrived`);
  assert.equal(r.sequence, sequence);
  assert.equal(r.size, bytes.byteLength);
  assert.ok(Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).equals(bytes), `bytes of response ${sequence}`);
  r.release();
}

/** Both buffers of the channel are gone. */
export function assertChannelGone(channel: string): void {
  assert.deepEqual(existingChannel(channel), []);
}
