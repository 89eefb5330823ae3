// Duplex channel in one process (protocol.md §11): round trips of every size class, zero-copy
// views on both sides, order, argument checks, onInit, the test hook, name reuse.
import { after, afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import {
  BufferNotFoundError,
  ClosedError,
  DuplexClient,
  ImmutableDuplexServer,
  InvalidArgumentError,
  InvalidStateError,
  ProcessingMode,
  WriterAlreadyConnectedError,
  diagnostics,
  type Frame,
  type ProcessingMode as Mode,
} from '../src/index';
import { existing, expectError, pathsOf, removeLeftovers, uniqueChannel } from './helpers';
import { assertChannelGone, closeAll, connectClient, expectResponse, openPair, requestBytes, trackServer } from './duplex-support';

afterEach(closeAll);
after(() => assert.deepEqual(removeLeftovers(), []));

const FRAME_1080P = 3_110_416; // one 1920×1080 YUV420 frame

describe('duplex round trips', () => {
  it('echo of 1 B … 3,110,416 B: same bytes, same sequence, zero-copy views detached on release', async () => {
    const views: Uint8Array[] = [];
    const { client, errors } = await openPair(
      (request) => {
        assert.equal(request.isZeroCopy, true);
        views.push(request.data);
        return request.data; // echo: the server copies the view into the response ring
      },
      { requestPayload: 16 << 20, responsePayload: 16 << 20 },
    );
    const sizes = [1, 1024, 65536, 1 << 20, FRAME_1080P, 1];
    for (const [k, size] of sizes.entries()) {
      const bytes = requestBytes(size, k);
      const seq = await client.sendRequest(bytes);
      assert.equal(seq, BigInt(k + 1));
      const r = (await client.receiveResponse(5000))!;
      assert.equal(r.sequence, seq);
      assert.equal(r.isZeroCopy, true);
      assert.ok(Buffer.from(r.data.buffer, r.data.byteOffset, r.size).equals(bytes), `echo of ${size} bytes`);
      const view = r.data;
      r.release();
      assert.equal(view.byteLength, 0, 'response view detached on release');
      assert.equal(views[k]!.byteLength, 0, 'request view detached once the handler settled');
    }
    assert.deepEqual(errors, []);
  });

  it('zero-copy requests: acquireRequest, fill in place, commit returns the sequence', async () => {
    const { client } = await openPair((request) => request.data);
    assert.equal(client.nextSequence, 1n);
    const slot = await client.acquireRequest(4096);
    assert.equal(slot.sequence, 1n);
    assert.equal(slot.isZeroCopy, true);
    requestBytes(4096, 7).copy(Buffer.from(slot.data.buffer, slot.data.byteOffset, slot.size));
    assert.equal(slot.commit(), 1n);
    assert.equal(slot.data.byteLength, 0, 'detached by the commit');
    await expectResponse(client, 1n, requestBytes(4096, 7));
    assert.equal(client.nextSequence, 2n);
  });

  it('pipelined requests come back in order, none lost or duplicated; async handlers work', async () => {
    const { client, server } = await openPair(async (request) => {
      await new Promise((r) => setTimeout(r, 2));
      return Buffer.concat([Buffer.from('re:'), request.data]);
    });
    const sent = [];
    for (let i = 1; i <= 20; i++) sent.push(await client.sendRequest(Buffer.from(`Request ${i}`)));
    assert.deepEqual(sent, Array.from({ length: 20 }, (_, i) => BigInt(i + 1)));
    for (let i = 1; i <= 20; i++) await expectResponse(client, BigInt(i), Buffer.from(`re:Request ${i}`));
    assert.equal(await client.receiveResponse(200), null, 'nothing more');
    assert.equal(server.requestsServed, 20);
  });

  it('onInit gets the request metadata once, after the first request and before the handler', async () => {
    const calls: string[] = [];
    const { client } = await openPair(
      (request) => {
        calls.push(`handler ${request.sequence}`);
        return request.data;
      },
      { server: { onInit: (m) => void calls.push(`init ${Buffer.from(m).toString()}`) } },
    );
    client.setMetadata(Buffer.from('{"w":1920}'));
    for (let k = 1n; k <= 2n; k++) await expectResponse(client, await client.sendRequest(Buffer.from('x')), Buffer.from('x'));
    assert.deepEqual(calls, ['init {"w":1920}', 'handler 1', 'handler 2']);
  });

  it('the test hook exposes the phase and the response Writer; a frame written through it is the next response', async () => {
    const { client, server } = await openPair((request) => request.data);
    assert.deepEqual(diagnostics.duplexServerState(server), { phase: 'waiting', responseWriter: null });
    await expectResponse(client, await client.sendRequest(Buffer.from('one')), Buffer.from('one'));
    const { phase, responseWriter } = diagnostics.duplexServerState(server);
    assert.equal(phase, 'waiting');
    assert.ok(responseWriter !== null);
    assert.equal(await responseWriter.write(Buffer.from('extra')), 2n);
    await expectResponse(client, 2n, Buffer.from('extra'));
    assert.equal('responseWriter' in server, false, 'not part of the public class');
  });

  it('a channel name is reusable once both sides closed, and nothing stays in /dev/shm', async () => {
    const channel = uniqueChannel();
    for (let round = 0; round < 2; round++) {
      const server = trackServer(new ImmutableDuplexServer(channel, { requestBuffer: { payloadSize: 4096 } }));
      await server.start((request) => request.data);
      const client = await connectClient(channel, 4096);
      await expectResponse(client, await client.sendRequest(Buffer.from(`round ${round}`)), Buffer.from(`round ${round}`));
      client.close();
      await server.stop();
      assertChannelGone(channel);
    }
  });
});

describe('duplex arguments and states', () => {
  it('channel names: 236 bytes accepted, 237 rejected (ZB_INVALID_NAME), like every other name rule', async () => {
    assert.doesNotThrow(() => new ImmutableDuplexServer('c'.repeat(236)));
    for (const bad of ['c'.repeat(237), '', 'a/b', 'sem.x']) {
      await expectError(() => new ImmutableDuplexServer(bad), InvalidArgumentError, 'ZB_INVALID_NAME');
      await expectError(() => DuplexClient.connect(bad), InvalidArgumentError, 'ZB_INVALID_NAME');
    }
  });

  it('processing mode: SingleThread accepted, anything else ZB_INVALID_ARGUMENT; bad sizes ZB_INVALID_CONFIG', async () => {
    assert.equal(new ImmutableDuplexServer('m', { processingMode: ProcessingMode.SingleThread }).processingMode, 'SingleThread');
    await expectError(() => new ImmutableDuplexServer('m', { processingMode: 'ThreadPool' as Mode }), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['ThreadPool']);
    await expectError(() => new ImmutableDuplexServer('m', { requestBuffer: { payloadSize: 0 } }), InvalidArgumentError, 'ZB_INVALID_CONFIG', ['payloadSize']);
    await expectError(() => DuplexClient.connect('m', { responseBuffer: { metadataSize: -1 } }), InvalidArgumentError, 'ZB_INVALID_CONFIG');
    await expectError(() => new ImmutableDuplexServer('m', { onError: 5 as never }), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['onError']);
  });

  it('start: without a handler ZB_INVALID_ARGUMENT, twice or after stop ZB_INVALID_STATE', async () => {
    const server = trackServer(new ImmutableDuplexServer(uniqueChannel(), { requestBuffer: { payloadSize: 4096 } }));
    assert.equal(server.isRunning, false);
    await expectError(() => server.start(undefined as never), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['handler']);
    await server.start((r) => r.data);
    assert.equal(server.isRunning, true);
    await expectError(() => server.start((r) => r.data), InvalidStateError, 'ZB_INVALID_STATE', ['already started']);
    await server.stop();
    assert.equal(server.isRunning, false);
    await expectError(() => server.start((r) => r.data), InvalidStateError, 'ZB_INVALID_STATE', ['stopped']);
  });

  it('a client without a server fails fast with BufferNotFoundError and creates nothing', async () => {
    const channel = uniqueChannel();
    const t0 = performance.now();
    await expectError(() => DuplexClient.connect(channel, { responseBuffer: { payloadSize: 4096 } }), BufferNotFoundError, 'ZB_BUFFER_NOT_FOUND');
    assert.ok(performance.now() - t0 < 1000);
    assertChannelGone(channel);
  });

  it('the response buffer is created with mode 0o666 unless configured; a second client is rejected', async () => {
    const { channel, client } = await openPair((r) => r.data);
    assert.equal(fs.statSync(pathsOf(`${channel}_response`).shm).mode & 0o777, 0o666);
    await expectError(() => DuplexClient.connect(channel, { responseBuffer: { payloadSize: 4096 } }), WriterAlreadyConnectedError, 'ZB_WRITER_EXISTS');
    await expectResponse(client, await client.sendRequest(Buffer.from('still fine')), Buffer.from('still fine'));
  });

  it('client close detaches unreleased responses, unlinks the response buffer; later calls reject with ClosedError', async () => {
    const { channel, client } = await openPair((r) => r.data);
    await client.sendRequest(Buffer.from('held'));
    const held = (await client.receiveResponse(5000)) as Frame;
    client.close();
    client.close();
    assert.equal(held.data.byteLength, 0);
    assert.deepEqual(existing(`${channel}_response`), []);
    await expectError(() => client.sendRequest(Buffer.from('x')), ClosedError, 'ZB_CLOSED', ['DuplexClient']);
    await expectError(() => client.receiveResponse(10), ClosedError, 'ZB_CLOSED');
  });
});
