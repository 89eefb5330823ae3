// Duplex channel across processes (compiled fixture dist/test/fixtures/duplex-peer.js): echo round
// trips, a client that dies while its request is processed, a server that dies mid-request, and
// the channel working again afterwards.
import { after, afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { ImmutableDuplexServer, ReaderDeadError, WriterDeadError, diagnostics, type ZeroBufferError } from '../src/index';
import { Child, existing, existingChannel, expectError, killChildren, removeLeftovers, sleep, timed, uniqueChannel, waitFor } from './helpers';
import { closeAll, connectClient, expectResponse, requestBytes, trackServer } from './duplex-support';

afterEach(async () => {
  await killChildren();
  await closeAll();
});
after(() => assert.deepEqual(removeLeftovers(), []));

const RING = 16 << 20;

async function childServer(channel: string, mode: string[] = ['echo']): Promise<Child> {
  const child = new Child('duplex-peer.js', ['server', channel, String(RING), ...mode]);
  await child.waitEvent('ready');
  return child;
}

describe('duplex across processes', () => {
  it('echo of 1 B … 3,110,416 B and 10 pipelined requests through a server in another process', async () => {
    const channel = uniqueChannel();
    const server = await childServer(channel);
    const client = await connectClient(channel, RING);
    for (const [k, size] of [1, 4096, 3_110_416].entries()) {
      await expectResponse(client, await client.sendRequest(requestBytes(size, k)), requestBytes(size, k));
    }
    for (let k = 0; k < 10; k++) await client.sendRequest(requestBytes(1000 + k, k));
    for (let k = 0; k < 10; k++) await expectResponse(client, BigInt(k + 4), requestBytes(1000 + k, k));
    client.close();
    const ev = await server.waitEvent('error');
    assert.deepEqual([ev.code, ev.name], ['ZB_WRITER_DEAD', 'WriterDeadError'], 'the client closing ends the server');
    assert.deepEqual(await server.exit, { code: 0, signal: null });
    assert.deepEqual(existingChannel(channel), []);
  });

  it('a client SIGKILLed while its request is processed: ZB_READER_DEAD reported once, the server stops, a new one serves', async () => {
    const channel = uniqueChannel();
    const errors: Error[] = [];
    let handled!: () => void;
    const inHandler = new Promise<void>((r) => (handled = r));
    const server = trackServer(new ImmutableDuplexServer(channel, { requestBuffer: { payloadSize: 65536 }, onError: (e) => errors.push(e) }));
    await server.start(async (request) => {
      handled();
      await sleep(500);
      return request.data;
    });
    const client = new Child('duplex-peer.js', ['client', channel, '65536', 'send-hang', '1024']);
    await client.waitEvent('sent');
    await inHandler;
    client.kill('SIGKILL');
    await client.exit;
    const t0 = performance.now();
    await waitFor(() => errors.length > 0, 3000, 'the error report');
    assert.ok(performance.now() - t0 < 1000, 'detected when the handler returns (500 ms)');
    await sleep(200);
    assert.equal(errors.length, 1, 'reported once');
    assert.ok(errors[0] instanceof ReaderDeadError && (errors[0] as ZeroBufferError).code === 'ZB_READER_DEAD', String(errors[0]));
    assert.equal(server.isRunning, false);
    assert.deepEqual(existing(`${channel}_request`), []);
    // The dead client's response buffer is stale (§13): the next client of the channel replaces it.
    const again = trackServer(new ImmutableDuplexServer(channel, { requestBuffer: { payloadSize: 65536 } }));
    await again.start((r) => r.data);
    const fresh = await connectClient(channel, 65536);
    await expectResponse(fresh, await fresh.sendRequest(Buffer.from('again')), Buffer.from('again'));
  });

  it('a server SIGKILLed mid-request: the client gets WriterDeadError within a second; a new server works afterwards', async () => {
    const channel = uniqueChannel();
    const server = await childServer(channel, ['crash-after', '100']);
    const client = await connectClient(channel, RING);
    await client.sendRequest(Buffer.from('doomed'));
    const t = await timed(() => client.receiveResponse(5000));
    assert.ok(t.error instanceof WriterDeadError && !t.error.graceful, String(t.error));
    assert.match((t.error as Error).message, /Writer process is dead/);
    assert.ok(t.ms < 1100, `detected after ${t.ms} ms (100 ms handler + one slice)`);
    assert.deepEqual((await server.exit).signal, 'SIGKILL');
    await expectError(() => client.sendRequest(Buffer.from('x')), ReaderDeadError, 'ZB_READER_DEAD');
    client.close();
    // The dead server's request buffer is stale: a new server of the channel replaces it.
    const next = await childServer(channel);
    const again = await connectClient(channel, RING);
    await expectResponse(again, await again.sendRequest(Buffer.from('again')), Buffer.from('again'));
    again.close();
    await next.waitEvent('error');
    assert.deepEqual(await next.exit, { code: 0, signal: null });
    assert.deepEqual(diagnostics.cleanStaleResources(`${channel}_request`), []);
    assert.deepEqual(existingChannel(channel), []);
  });
});
