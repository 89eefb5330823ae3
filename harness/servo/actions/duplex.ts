// Duplex operations the feature-13 steps share (steps.md §6.13): servers constructed as background
// work and started with a recording handler, clients whose response buffer mirrors the request
// buffer (D03), sends and receives with the client-side bookkeeping (requests by sequence,
// response k answers request k), and the temporary round trip of D47/D55.
import { diagnostics, type RequestHandler } from '../../../src/index';
import type { DuplexServerPhase } from '../../../src/diagnostics';
import { describeError, expectEqual, expectTrue, fail } from '../../assert';
import { checkFresh, inspectOieb, readFrameHeader, readRingBytes, snapFromShm } from '../../diagnostics/snap';
import type { BufferConfig } from '../../model/config';
import { describeMismatch, firstMismatch, framePattern } from '../../model/patterns';
import { FRAME_HEADER, frameOffset } from '../../model/ring-model';
import { T_QUIET, T_READ, T_WRITE, now } from '../../model/timing';
import type { ServoContext } from '../context';
import type { BackgroundOp } from '../state/background';
import type { ClientEntry, HandledRequest, HandlerSpec, ReceivedResponse, SentRequest, ServerEntry } from '../state/duplex';
import type { WriterEntry } from '../state/objects';

// ---- server --------------------------------------------------------------------------------

/**
 * Constructs (does not start) a server, by default the current one, and registers it as background
 * work: teardown stops it, and an error it reported that no step examined fails the scenario
 * (steps.md §1.1).
 */
export function constructServer(ctx: ServoContext, base: string, config: BufferConfig, mode: string, current = true): ServerEntry {
  const e = ctx.objects.createServer(base, config, mode, current);
  const work: BackgroundOp = {
    kind: 'duplex server',
    describe: () => `server of channel ${e.channel} (handler: ${e.handler?.what ?? 'never started'})`,
    get finished() {
      return serverPhase(e) === 'stopped';
    },
    get error() {
      return e.errors[e.examined]?.error ?? null;
    },
    get observed() {
      return e.examined >= e.errors.length;
    },
    set observed(v: boolean) {
      if (v) e.examined = e.errors.length;
    },
    stop: () => e.server.stop(),
  };
  ctx.background.add(work);
  return e;
}

/** The server loop's phase (test hook): `waiting` = idle between requests. */
export function serverPhase(e: ServerEntry): DuplexServerPhase {
  return diagnostics.duplexServerState(e.server).phase;
}

/** Starts `e` with `spec` (every request recorded in e.handled); checks as D02: isRunning, `<ch>_request` FRESH. */
export async function startServer(ctx: ServoContext, e: ServerEntry, spec: HandlerSpec): Promise<void> {
  const handler: RequestHandler = async (request) => {
    const rec: HandledRequest = { sequence: request.sequence, startedAt: now(), endedAt: null };
    e.handled.push(rec);
    try {
      return await spec.respond(request);
    } finally {
      rec.endedAt = now();
    }
  };
  await e.server.start(handler);
  e.handler = spec;
  ctx.logger.info({ channel: e.channel, handler: spec.what }, 'duplex server started');
  expectEqual(`server of ${e.channel}: isRunning after start`, true, e.server.isRunning);
  checkFresh(snapFromShm(e.request), e.config.metadataSize, e.config.payloadSize, ctx.pid);
}

/** The errors the server reported that no step examined yet; marks them examined. */
export function examineErrors(e: ServerEntry): Error[] {
  const fresh = e.errors.slice(e.examined).map((x) => x.error);
  e.examined = e.errors.length;
  return fresh;
}

/**
 * The server's response Writer (test hook, steps.md §5.1) as a writer entry for pending writes
 * (D27). Its sequence counter starts from the library's: the server's own responses advance the
 * same Writer.
 */
export function responseWriterEntry(e: ServerEntry): WriterEntry {
  const writer = diagnostics.duplexServerState(e.server).responseWriter;
  if (writer === null) fail(`server of ${e.channel}: no response writer (the server connects it on the first request)`);
  e.responseWriter = { kind: 'writer', writer, base: e.base, name: e.response, nextSeq: writer.nextSequence, published: 0, lastFrameSize: null, pending: null, acquired: null };
  return e.responseWriter;
}

// ---- client --------------------------------------------------------------------------------

/** D03: the configuration of `<ch>_request`, read by inspection. */
export function requestBufferConfig(request: string): BufferConfig {
  const o = inspectOieb(request);
  return { metadataSize: Number(o.metadataSize), payloadSize: Number(o.payloadSize) };
}

/**
 * D03: a client whose response buffer gets exactly the request buffer's configuration; its request
 * Writer is attached (`writer_pid` = own PID), `<ch>_response` is FRESH with this process as
 * reader, and the request sequence counter starts at 1.
 */
export async function connectMirroredClient(ctx: ServoContext, base: string, current: boolean): Promise<ClientEntry> {
  const config = requestBufferConfig(`${ctx.naming.resolveChannel(base)}_request`);
  const c = await ctx.objects.connectClient(base, config, current);
  expectEqual(`after connecting the client: ${c.request} writer_pid = own PID`, BigInt(ctx.pid), inspectOieb(c.request).writerPid);
  checkFresh(snapFromShm(c.response), config.metadataSize, config.payloadSize, ctx.pid);
  expectEqual(`client of ${c.channel}: next request sequence after connecting`, 1n, c.client.nextSequence);
  checkClientCounter(c);
  return c;
}

/** The library's next request sequence agrees with the harness counter (steps.md §4.1). */
export function checkClientCounter(c: ClientEntry): void {
  expectEqual(`client of ${c.channel}: library nextSequence = harness request sequence counter`, c.nextSeq, c.client.nextSequence);
}

/** Records a published request: the counter advances; its ring offset comes from the request OIEB's write position (only the client writes it). */
export function recordRequest(c: ClientEntry, sequence: bigint, bytes: Uint8Array, sentAt: number): SentRequest {
  c.nextSeq = sequence + 1n;
  const o = inspectOieb(c.request);
  const r: SentRequest = { sequence, bytes, sentAt, offset: frameOffset(Number(o.payloadSize), Number(o.payloadWritePos), bytes.length) };
  c.requests.push(r);
  return r;
}

/** Sends one request (T_write); sendRequest must return the client's next request sequence. */
export async function sendRequest(c: ClientEntry, bytes: Uint8Array): Promise<SentRequest> {
  checkClientCounter(c);
  const sequence = c.nextSeq;
  const sentAt = now();
  const got = await c.client.sendRequest(bytes, T_WRITE);
  expectEqual(`sendRequest of ${bytes.length} bytes: returned sequence = the client's next request sequence`, sequence, got);
  return recordRequest(c, sequence, bytes, sentAt);
}

/** Sends F(size, seq) with seq = the client's next request sequence (D04, D20, D37, D42, D48). */
export function sendPatternRequest(c: ClientEntry, size: number): Promise<SentRequest> {
  return sendRequest(c, framePattern(size, c.nextSeq));
}

/** One receive; a response is recorded (bytes copied) and released. Library errors are thrown. */
export async function receive(c: ClientEntry, timeoutMs: number): Promise<ReceivedResponse | null> {
  c.receiving++;
  let frame;
  try {
    frame = await c.client.receiveResponse(timeoutMs);
  } finally {
    c.receiving--;
  }
  if (frame === null) return null;
  const r: ReceivedResponse = { sequence: frame.sequence, bytes: Buffer.from(frame.data), receivedAt: now(), isZeroCopy: frame.isZeroCopy, viaReader: frame.reader.name };
  frame.release();
  c.responses.push(r);
  expectEqual(`response ${r.sequence}: data view length after release`, 0, frame.data.length);
  return r;
}

/** A receive that must deliver a response (T_read unless given); the client must not be marked as not reading (D26). */
export async function mustReceive(c: ClientEntry, what: string, timeoutMs = T_READ): Promise<ReceivedResponse> {
  if (!c.consuming) fail(`${what}: the client was marked as not reading responses and no step has read one since`);
  let r: ReceivedResponse | null;
  try {
    r = await receive(c, timeoutMs);
  } catch (e) {
    fail(`${what} (timeout ${timeoutMs} ms): expected a response, observed ${describeError(e)}`);
  }
  if (r === null) fail(`${what} (timeout ${timeoutMs} ms): expected a response, observed none (timeout)`);
  return r;
}

/** A T_quiet receive must return nothing: no response beyond those received (D10, D12). */
export async function expectNoMoreResponses(c: ClientEntry, why: string): Promise<void> {
  let extra: string | null;
  try {
    const r = await receive(c, T_QUIET);
    extra = r === null ? null : `response ${r.sequence} (${r.bytes.length} bytes)`;
  } catch (e) {
    extra = describeError(e);
  }
  expectEqual(`a ${T_QUIET} ms receive returns nothing (${why})`, null, extra);
}

/** The oldest request without a response (response k answers request k). */
export function oldestUnanswered(c: ClientEntry): SentRequest {
  const answered = new Set(c.responses.map((r) => r.sequence));
  const q = c.requests.find((r) => !answered.has(r.sequence));
  if (q === undefined) fail(`client of ${c.channel}: all ${c.requests.length} requests sent have a response — none is unanswered`);
  return q;
}

/** The request with this sequence; fails when the client sent none. */
export function requestWithSequence(c: ClientEntry, sequence: bigint): SentRequest {
  const q = c.requests.find((r) => r.sequence === sequence);
  if (q === undefined) fail(`client of ${c.channel}: no request with sequence ${sequence} was sent (sequences sent: ${c.requests.map((r) => r.sequence).join(', ')})`);
  return q;
}

/** The response's bytes equal its request's bytes in full (size included). */
export function checkEqualsRequest(what: string, r: ReceivedResponse, q: SentRequest): void {
  const mm = firstMismatch(r.bytes, q.bytes);
  if (mm !== null) fail(describeMismatch(`${what}: response ${r.sequence} vs request ${q.sequence} (${q.bytes.length} bytes)`, mm));
}

/**
 * By inspection of `<ch>_request`: the frame of request `q` is still at its ring offset with its
 * header (size, sequence) and the bytes that were sent (D35, D39).
 */
export function checkRequestInRing(c: ClientEntry, q: SentRequest): void {
  const M = Number(inspectOieb(c.request).metadataSize);
  const hdr = readFrameHeader(c.request, M, q.offset);
  expectEqual(`${c.request} frame header of request ${q.sequence} at ring offset ${q.offset}: payload_size`, BigInt(q.bytes.length), hdr.size);
  expectEqual(`${c.request} frame header of request ${q.sequence} at ring offset ${q.offset}: sequence_number`, q.sequence, hdr.sequence);
  const mm = firstMismatch(readRingBytes(c.request, M, q.offset + FRAME_HEADER, q.bytes.length), q.bytes);
  if (mm !== null) fail(describeMismatch(`request ${q.sequence} in ${c.request} at ring offset ${q.offset + FRAME_HEADER} vs the bytes sent`, mm));
}

/** The response answers the oldest unanswered request `q`: same sequence, same bytes. */
export function checkAnswers(what: string, r: ReceivedResponse, q: SentRequest): void {
  expectEqual(`${what}: response sequence = the oldest unanswered request's sequence`, q.sequence, r.sequence);
  checkEqualsRequest(what, r, q);
}

/**
 * D47/D55: a temporary client in this process (response buffer mirrored as in D03) sends one
 * F(size, 1) request to the started `server` and must get it back within `limitMs` of the send.
 * Then the server is stopped and the client closed, in that order: a client that closes under a
 * running server is a fatal condition the server would report (protocol.md §11.3 step 6).
 */
export async function roundTrip(ctx: ServoContext, server: ServerEntry, size: number, limitMs: number): Promise<void> {
  const what = `round trip of a ${size}-byte request through ${server.channel}`;
  const c = await connectMirroredClient(ctx, server.base, false);
  try {
    const q = await sendPatternRequest(c, size);
    const r = await mustReceive(c, what, Math.max(0, limitMs - (now() - q.sentAt)));
    checkAnswers(what, r, q);
    expectTrue(`${what}: completed within ${limitMs} ms of the send`, r.receivedAt - q.sentAt <= limitMs, `${(r.receivedAt - q.sentAt).toFixed(0)} ms`);
  } finally {
    await server.server.stop();
    c.client.close();
  }
  const reported = examineErrors(server);
  expectEqual(`${what}: errors the server reported`, '[]', JSON.stringify(reported.map(describeError)));
  ctx.logger.info({ channel: server.channel, size }, 'round trip completed');
}
