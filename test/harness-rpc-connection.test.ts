// Unit tests of the harness's JSON-RPC framing (harness/rpc/connection.ts): each message leaves in
// one write, `Content-Length: <bytes>\r\n\r\n<UTF-8 JSON>`, which vscode-jsonrpc's reader parses
// back (also several in one chunk, and multi-byte text); a failed write rejects and is reported
// on the writer's onError; a request and its answer round-trip over a pair of streams.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { StreamMessageReader, type Message } from 'vscode-jsonrpc/node';
import { FramedMessageWriter, createStreamConnection } from '../harness/rpc/connection';

function chunksOf(stream: PassThrough): Buffer[] {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return chunks;
}

describe('harness JSON-RPC framing', () => {
  it('writes each message in one write: the Content-Length header (in bytes) and the JSON', async () => {
    const writes: Buffer[] = [];
    const spy = new Writable({
      write(chunk: Buffer, _enc, cb) {
        writes.push(chunk);
        cb();
      },
    });
    const w = new FramedMessageWriter(spy);
    const msg = { jsonrpc: '2.0', id: 1, method: 'executestep', params: { Step: "the 'reader' process — ünïcödé" } } as Message;
    await w.write(msg);
    assert.equal(writes.length, 1);
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    assert.equal(writes[0]!.toString('utf8'), `Content-Length: ${body.byteLength}\r\n\r\n${JSON.stringify(msg)}`);
    assert.notEqual(body.byteLength, JSON.stringify(msg).length, 'the length counts bytes, not characters');
  });

  it("vscode-jsonrpc's reader parses the frames back, several in one chunk", async () => {
    const pipe = new PassThrough();
    const chunks = chunksOf(pipe);
    const w = new FramedMessageWriter(pipe);
    const sent = [1, 2, 3].map((id) => ({ jsonrpc: '2.0', id, method: 'health', params: { n: 'é'.repeat(id) } }) as Message);
    for (const m of sent) await w.write(m);
    const joined = new PassThrough();
    const got: Message[] = [];
    const reader = new StreamMessageReader(joined);
    const all = new Promise<void>((resolve) => reader.listen((m) => got.push(m) === sent.length && resolve()));
    joined.write(Buffer.concat(chunks)); // as one chunk
    await all;
    assert.deepEqual(got, sent);
    reader.dispose();
  });

  it('a failed write rejects and is reported on onError', async () => {
    const failing = new Writable({
      write(_chunk, _enc, cb) {
        cb(new Error('EPIPE (test)'));
      },
    });
    const w = new FramedMessageWriter(failing);
    const reported: unknown[] = [];
    w.onError(([e]) => reported.push(e));
    await assert.rejects(w.write({ jsonrpc: '2.0' } as Message), /EPIPE \(test\)/);
    assert.ok(reported.some((e) => e instanceof Error && /EPIPE \(test\)/.test(e.message)));
  });

  it('a request and its answer round-trip between two connections', async () => {
    const aToB = new PassThrough();
    const bToA = new PassThrough();
    const a = createStreamConnection(bToA, aToB);
    const b = createStreamConnection(aToB, bToA);
    b.onRequest('zb/status', (p: { who: string }) => ({ hello: p.who }));
    a.listen();
    b.listen();
    assert.deepEqual(await a.sendRequest('zb/status', { who: 'host' }), { hello: 'host' });
    a.dispose();
    b.dispose();
  });
});
