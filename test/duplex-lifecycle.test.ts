// Duplex server lifecycle in one process (protocol.md §11.3 steps 4–7): fatal handler results
// reported once, a client that stops reading, stop() in every phase of the loop.
import { after, afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import {
  FrameTooLargeError,
  InvalidArgumentError,
  InvalidFrameSizeError,
  ReaderDeadError,
  STOP_GRACE_MS,
  WriterDeadError,
  diagnostics,
  type ZeroBufferError,
} from '../src/index';
import { existing, expectError, readU64, OIEB, removeLeftovers, sleep, waitFor } from './helpers';
import { closeAll, expectResponse, openPair, requestBytes } from './duplex-support';

afterEach(closeAll);
after(() => assert.deepEqual(removeLeftovers(), []));

/** One answered request, then a failing one: the server must report once and stop. */
async function expectFatal(handlerResult: (data: Uint8Array) => unknown, check: (e: Error) => void): Promise<void> {
  let n = 0;
  const { channel, client, server, errors } = await openPair((r) => (++n === 1 ? r.data : (handlerResult(r.data) as Uint8Array)), {
    responsePayload: 4096,
  });
  await expectResponse(client, await client.sendRequest(Buffer.from('ok')), Buffer.from('ok'));
  await client.sendRequest(Buffer.from('bad'));
  await waitFor(() => errors.length > 0, 5000, 'the error report');
  await sleep(50);
  assert.equal(errors.length, 1, 'reported exactly once');
  check(errors[0]!);
  assert.equal(server.isRunning, false);
  assert.deepEqual(existing(`${channel}_request`), [], 'the request buffer is gone');
  // The client learns it from both directions.
  await expectError(() => client.receiveResponse(2000), WriterDeadError, 'ZB_WRITER_DEAD');
  await expectError(() => client.sendRequest(Buffer.from('x')), ReaderDeadError, 'ZB_READER_DEAD');
}

describe('duplex fatal conditions', () => {
  it('a handler that throws: its error is reported once, then the server stops', async () => {
    const boom = new Error('boom');
    await expectFatal(() => {
      throw boom;
    }, (e) => assert.equal(e, boom));
  });

  it('a handler whose Promise rejects with a non-Error value: reported as an Error', async () => {
    await expectFatal(() => Promise.reject('plain string'), (e) => assert.match(e.message, /plain string/));
  });

  it('an empty response breaks correlation: InvalidFrameSizeError', async () => {
    await expectFatal(() => new Uint8Array(0), (e) => assert.ok(e instanceof InvalidFrameSizeError && e.code === 'ZB_INVALID_FRAME_SIZE', String(e)));
  });

  it('a response that is not a Uint8Array: InvalidArgumentError', async () => {
    await expectFatal(() => 'text', (e) => assert.ok(e instanceof InvalidArgumentError && /handler must return a Uint8Array/.test(e.message), String(e)));
  });

  it('a response larger than the response ring: FrameTooLargeError', async () => {
    await expectFatal(() => new Uint8Array(8192), (e) => assert.ok(e instanceof FrameTooLargeError, String(e)));
  });

  it('the client closes: the server reports the graceful WriterDeadError and stops', async () => {
    const { channel, client, server, errors } = await openPair((r) => r.data);
    await expectResponse(client, await client.sendRequest(Buffer.from('bye')), Buffer.from('bye'));
    client.close();
    await waitFor(() => errors.length > 0, 2000, 'the error report');
    const e = errors[0] as ZeroBufferError;
    assert.ok(e instanceof WriterDeadError && e.graceful, String(e));
    assert.equal(server.isRunning, false);
    assert.deepEqual(existing(`${channel}_request`), []);
  });
});

describe('duplex flow control and stop()', () => {
  it('a client that stops reading blocks the server; it resumes once the client reads', async () => {
    // 4096-byte response ring: three 1200-byte responses fit (3 × 1216), the fourth must wait.
    const { channel, client, server, errors } = await openPair((r) => r.data, { responsePayload: 4096 });
    for (let k = 0; k < 6; k++) await client.sendRequest(requestBytes(1200, k));
    await waitFor(() => diagnostics.duplexServerState(server).phase === 'writing', 5000, 'the server to block on a write');
    await sleep(300);
    assert.equal(diagnostics.duplexServerState(server).phase, 'writing', 'still blocked');
    assert.equal(server.requestsServed, 3);
    assert.equal(readU64(`${channel}_response`, OIEB.payloadWrittenCount), 3n);
    for (let k = 0; k < 6; k++) await expectResponse(client, BigInt(k + 1), requestBytes(1200, k));
    assert.equal(server.requestsServed, 6);
    assert.deepEqual(errors, []);
  });

  it('stop with pending responses: the client still receives them, then WriterDeadError', async () => {
    const { channel, client, server, errors } = await openPair((r) => r.data);
    for (let k = 0; k < 5; k++) await client.sendRequest(requestBytes(100, k));
    for (let k = 0; k < 3; k++) await expectResponse(client, BigInt(k + 1), requestBytes(100, k));
    await waitFor(() => server.requestsServed === 5 && diagnostics.duplexServerState(server).phase === 'waiting', 5000, 'an idle server');
    await server.stop();
    assert.equal(readU64(`${channel}_response`, OIEB.writerPid), 0n);
    assert.deepEqual(existing(`${channel}_request`), []);
    for (let k = 3; k < 5; k++) await expectResponse(client, BigInt(k + 1), requestBytes(100, k));
    await expectError(() => client.receiveResponse(1000), WriterDeadError, 'ZB_WRITER_DEAD');
    assert.deepEqual(errors, [], 'a stop is not an error');
  });

  it('stop() ends a wait for the next request at once and is idempotent', async () => {
    const { server } = await openPair((r) => r.data);
    const t0 = performance.now();
    const p = server.stop();
    assert.equal(server.stop(), p, 'the same Promise');
    await p;
    assert.ok(performance.now() - t0 < 500, `stopped after ${performance.now() - t0} ms`);
  });

  it('stop() during a slow handler waits for it and publishes its response', async () => {
    let started!: () => void;
    const inHandler = new Promise<void>((r) => (started = r));
    const { client, server } = await openPair(async (r) => {
      started();
      await sleep(300);
      return r.data;
    });
    await client.sendRequest(Buffer.from('slow'));
    await inHandler;
    await server.stop();
    await expectResponse(client, 1n, Buffer.from('slow'));
    await expectError(() => client.receiveResponse(1000), WriterDeadError, 'ZB_WRITER_DEAD');
  });

  it(`stop() while a response waits for space gives up after ${STOP_GRACE_MS} ms instead of hanging`, { timeout: 20000 }, async () => {
    const { client, server, errors } = await openPair((r) => r.data, { responsePayload: 4096 });
    for (let k = 0; k < 4; k++) await client.sendRequest(requestBytes(1200, k));
    await waitFor(() => diagnostics.duplexServerState(server).phase === 'writing', 5000, 'a blocked write');
    const t0 = performance.now();
    await server.stop();
    const ms = performance.now() - t0;
    assert.ok(ms >= STOP_GRACE_MS - 200 && ms < STOP_GRACE_MS + 1500, `stopped after ${ms} ms`);
    assert.deepEqual(errors, []);
    for (let k = 0; k < 3; k++) await expectResponse(client, BigInt(k + 1), requestBytes(1200, k));
    await expectError(() => client.receiveResponse(1000), WriterDeadError, 'ZB_WRITER_DEAD');
  });
});
