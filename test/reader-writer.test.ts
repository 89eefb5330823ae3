// In-process Reader/Writer behaviour through the TS API: Appendix A worked example, limits,
// wrap-around, exact fit, release order, detached views, sync/async paths, timeouts, close.
import { after, afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  Reader,
  Writer,
  type Frame,
  BufferFullError,
  ClosedError,
  FrameTooLargeError,
  InvalidArgumentError,
  InvalidFrameSizeError,
  InvalidStateError,
  MetadataAlreadyWrittenError,
  MetadataTooLargeError,
} from '../src/index';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { existing, expectError, expectErrorSync, header, OIEB, pathsOf, readSegment, removeLeftovers, sleep, timed, uniqueName, u64 } from './helpers';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const open: Array<{ close(): void }> = [];
function track<T extends { close(): void }>(x: T): T {
  open.push(x);
  return x;
}
afterEach(() => {
  for (const x of open.splice(0)) x.close();
});
after(() => {
  assert.deepEqual(removeLeftovers(), [], 'closed Readers must leave nothing behind');
});

async function pair(payloadSize: number, metadataSize = 1024): Promise<{ name: string; r: Reader; w: Writer }> {
  const name = uniqueName();
  const r = track(await Reader.create(name, { metadataSize, payloadSize }));
  const w = track(await Writer.connect(name));
  return { name, r, w };
}

function fill(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i + seed) & 0xff;
  return b;
}

const num = (v: bigint): number => Number(v);

describe('Appendix A worked example (M = 1024, P = 10240)', () => {
  it('A.1 fresh OIEB bytes, metadata, A.2 one frame, A.3 wrap with a 100-byte tail', async () => {
    const name = uniqueName();
    const r = track(await Reader.create(name, { metadataSize: 1000, payloadSize: 10240 }));
    assert.equal(r.metadataSize, 1024);
    assert.equal(r.payloadSize, 10240);
    const seg = readSegment(name);
    assert.equal(seg.length, 11392);
    const pid = u64(process.pid);
    const expected = Buffer.concat([
      Buffer.from([0x80, 0, 0, 0, 1, 0, 0, 0]),
      u64(1024), u64(1024), u64(0), u64(10240), u64(10240), u64(0), u64(0), u64(0), u64(0), u64(0), pid,
      Buffer.alloc(32),
    ]);
    assert.deepEqual(seg.subarray(0, 128), expected);
    assert.ok(seg.subarray(128).every((b) => b === 0), 'all other bytes are zero');
    assert.deepEqual(r.semaphoreValues(), { data: 0, space: 0 });

    const w = track(await Writer.connect(name));
    assert.deepEqual(readSegment(name, OIEB.writerPid, 8), pid);
    assert.equal(w.nextSequence, 1n);
    const meta = fill(100, 7);
    w.setMetadata(meta);
    assert.deepEqual(readSegment(name, 0x80, 8), u64(100));
    assert.deepEqual(readSegment(name, 0x88, 100), meta);
    let o = r.oiebSnapshot();
    assert.equal(o.metadataWrittenBytes, 108n);
    assert.equal(o.metadataFreeBytes, 916n);
    assert.deepEqual(Buffer.from(r.getMetadata()), meta);

    // A.2
    const seq = w.writeSync(fill(1024, 1));
    assert.equal(seq, 1n);
    assert.deepEqual(readSegment(name, 0x480, 16), Buffer.from([0, 4, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]));
    assert.deepEqual(readSegment(name, 0x490, 1024), fill(1024, 1));
    o = r.oiebSnapshot();
    assert.deepEqual([o.payloadFreeBytes, o.payloadWritePos, o.payloadReadPos, o.payloadWrittenCount, o.payloadReadCount], [9200n, 1040n, 0n, 1n, 0n]);
    assert.deepEqual(r.semaphoreValues(), { data: 1, space: 0 });
    const f = r.readSync(1000)!;
    assert.equal(f.sequence, 1n);
    assert.equal(f.size, 1024);
    assert.deepEqual(Buffer.from(f.data), fill(1024, 1));
    o = r.oiebSnapshot();
    assert.deepEqual([o.payloadFreeBytes, o.payloadWritePos, o.payloadReadPos, o.payloadWrittenCount, o.payloadReadCount], [9200n, 1040n, 1040n, 1n, 1n]);
    assert.deepEqual(r.semaphoreValues(), { data: 0, space: 0 });
    f.release();
    o = r.oiebSnapshot();
    assert.deepEqual([o.payloadFreeBytes, o.payloadWritePos, o.payloadReadPos, o.payloadWrittenCount, o.payloadReadCount], [10240n, 1040n, 1040n, 1n, 1n]);
    assert.deepEqual(r.semaphoreValues(), { data: 0, space: 1 });

    // A.3: frames 2–9 of 1024 bytes, frame 10 of 764 bytes, all read and released.
    for (let k = 2; k <= 10; k++) {
      w.writeSync(fill(k === 10 ? 764 : 1024, k));
      const g = r.readSync(1000)!;
      assert.equal(g.sequence, BigInt(k));
      g.release();
    }
    o = r.oiebSnapshot();
    assert.deepEqual([o.payloadWritePos, o.payloadReadPos, o.payloadFreeBytes, o.payloadWrittenCount, o.payloadReadCount], [10140n, 10140n, 10240n, 10n, 10n]);
    const spaceBefore = r.semaphoreValues().space;
    assert.equal(w.writeSync(fill(200, 11)), 11n);
    assert.deepEqual(readSegment(name, 0x2c1c, 16), Buffer.alloc(16), 'wrap marker at ring 10140');
    assert.deepEqual(readSegment(name, 0x480, 16), Buffer.from([0xc8, 0, 0, 0, 0, 0, 0, 0, 0x0b, 0, 0, 0, 0, 0, 0, 0]));
    o = r.oiebSnapshot();
    assert.deepEqual([o.payloadWritePos, o.payloadFreeBytes, o.payloadWrittenCount], [216n, 9924n, 12n]);
    assert.equal(r.semaphoreValues().data, 1, 'one post for marker + frame');
    const h = r.readSync(1000)!;
    assert.equal(h.sequence, 11n);
    assert.equal(h.size, 200);
    assert.deepEqual(Buffer.from(h.data), fill(200, 11));
    o = r.oiebSnapshot();
    assert.deepEqual([o.payloadFreeBytes, o.payloadReadPos, o.payloadReadCount], [10024n, 216n, 12n]);
    assert.equal(r.semaphoreValues().data, 0);
    h.release();
    o = r.oiebSnapshot();
    assert.equal(o.payloadFreeBytes, 10240n);
    assert.equal(r.semaphoreValues().space, spaceBefore + 1);
  });

  async function atTail100(): Promise<{ name: string; r: Reader; w: Writer }> {
    const p = await pair(10240);
    for (let k = 1; k <= 10; k++) {
      p.w.writeSync(fill(k === 10 ? 764 : 1024, k));
      p.r.readSync(1000)!.release();
    }
    assert.equal(p.r.oiebSnapshot().payloadWritePos, 10140n);
    return p;
  }

  it('A.3 variant: 84 bytes is an exact fit at 10140, write_pos stored as 0', async () => {
    const { name, r, w } = await atTail100();
    w.writeSync(fill(84, 3));
    const o = r.oiebSnapshot();
    assert.deepEqual([o.payloadWritePos, o.payloadFreeBytes, o.payloadWrittenCount], [0n, 10140n, 11n]);
    assert.deepEqual(readSegment(name, 128 + 1024 + 10140, 16), header(84, 11));
    const f = r.readSync(1000)!;
    assert.equal(f.size, 84);
    assert.deepEqual(Buffer.from(f.data), fill(84, 3));
    assert.equal(r.oiebSnapshot().payloadReadPos, 0n);
    f.release();
    // The next frame goes to offset 0 without a marker.
    w.writeSync(fill(10, 4));
    assert.deepEqual(readSegment(name, 128 + 1024, 16), header(10, 12));
    assert.equal(r.oiebSnapshot().payloadWrittenCount, 12n);
    assert.equal(r.readSync(1000)!.sequence, 12n);
  });

  it('A.3 variant: 68 bytes leaves a 16-byte tail; 80 bytes is an early wrap', async () => {
    const { name, r, w } = await atTail100();
    w.writeSync(fill(68, 1));
    assert.equal(r.oiebSnapshot().payloadWritePos, 10224n);
    r.readSync(1000)!.release();
    // The 16-byte tail takes exactly a marker.
    w.writeSync(fill(20, 2));
    assert.deepEqual(readSegment(name, 128 + 1024 + 10224, 16), Buffer.alloc(16));
    const o = r.oiebSnapshot();
    assert.deepEqual([o.payloadWritePos, o.payloadWrittenCount, o.payloadFreeBytes], [36n, 13n, 10240n - 16n - 36n]);
    const f = r.readSync(1000)!;
    assert.equal(f.sequence, 12n);
    f.release();

    const q = await atTail100();
    q.w.writeSync(fill(80, 5));
    const s = q.r.oiebSnapshot();
    assert.deepEqual([s.payloadWritePos, s.payloadFreeBytes, s.payloadWrittenCount], [96n, 10240n - 100n - 96n, 12n]);
    assert.deepEqual(readSegment(q.name, 128 + 1024 + 10140, 16), Buffer.alloc(16));
    assert.deepEqual(readSegment(q.name, 128 + 1024, 16), header(80, 11));
    const g = q.r.readSync(1000)!;
    assert.equal(g.sequence, 11n);
    assert.deepEqual(Buffer.from(g.data), fill(80, 5));
  });

  it('A.4 exact fit in a fresh ring: 10224 bytes, free 0, write_pos 0; next frame waits, then goes to 0', async () => {
    const { name, r, w } = await pair(10240);
    w.writeSync(fill(10224, 9));
    let o = r.oiebSnapshot();
    assert.deepEqual([o.payloadFreeBytes, o.payloadWritePos], [0n, 0n]);
    await expectError(() => w.writeSync(fill(10, 1), 0), BufferFullError, 'ZB_BUFFER_FULL', ['Buffer is full']);
    const f = r.readSync(1000)!;
    assert.equal(f.size, 10224);
    assert.deepEqual(Buffer.from(f.data), fill(10224, 9));
    const pending = w.write(fill(10, 1), 5000);
    await sleep(50);
    f.release();
    assert.equal(await pending, 2n);
    assert.deepEqual(readSegment(name, 128 + 1024, 16), header(10, 2));
    o = r.oiebSnapshot();
    assert.equal(o.payloadWritePos, 26n);
  });
});

describe('metadata limits (§4)', () => {
  it('1016 bytes fit in M = 1024, 1017 do not; write-once across Writers; empty rejected', async () => {
    const { name, r, w } = await pair(4096, 1024);
    await expectError(() => w.setMetadata(new Uint8Array(1017)), MetadataTooLargeError, 'ZB_METADATA_TOO_LARGE', ['Metadata too large for buffer', '1025', '1024']);
    await expectError(() => w.setMetadata(new Uint8Array(0)), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['Metadata must not be empty']);
    assert.deepEqual(r.getMetadata(), new Uint8Array(0));
    w.setMetadata(fill(1016, 3));
    assert.deepEqual(Buffer.from(r.getMetadata()), fill(1016, 3));
    assert.equal(r.oiebSnapshot().metadataFreeBytes, 0n);
    await expectError(() => w.setMetadata(new Uint8Array(1)), MetadataAlreadyWrittenError, 'ZB_METADATA_ALREADY_WRITTEN', ['Metadata already written']);
    w.close();
    const w2 = track(await Writer.connect(name));
    assert.equal(w2.metadataWritten, true);
    await expectError(() => w2.setMetadata(new Uint8Array(1)), MetadataAlreadyWrittenError, 'ZB_METADATA_ALREADY_WRITTEN');
  });

  it('metadata size 0 allows nothing', async () => {
    const { r, w } = await pair(4096, 0);
    assert.equal(r.metadataSize, 0);
    await expectError(() => w.setMetadata(new Uint8Array(1)), MetadataTooLargeError, 'ZB_METADATA_TOO_LARGE');
    assert.deepEqual(r.getMetadata(), new Uint8Array(0));
    w.writeSync(new Uint8Array([1, 2, 3]));
    assert.deepEqual(Array.from(r.readSync(1000)!.data), [1, 2, 3]);
  });

  it('zero-copy metadata: acquire, fill, commit; abort writes nothing; misuse → InvalidStateError', async () => {
    const { r, w } = await pair(4096, 1024);
    expectErrorSync(() => w.commitMetadata(), InvalidStateError, 'ZB_INVALID_STATE');
    const v = w.acquireMetadata(10);
    assert.equal(v.length, 10);
    expectErrorSync(() => w.acquireMetadata(5), InvalidStateError, 'ZB_INVALID_STATE');
    v.set(fill(10, 0));
    w.abortMetadata();
    assert.equal(v.length, 0, 'view detached by abort');
    assert.equal(r.oiebSnapshot().metadataWrittenBytes, 0n);
    const m = w.acquireMetadata(12);
    m.set(fill(12, 5));
    w.commitMetadata();
    assert.equal(m.length, 0, 'view detached by commit');
    assert.deepEqual(Buffer.from(r.getMetadata()), fill(12, 5));
    assert.equal(r.oiebSnapshot().metadataWrittenBytes, 20n);
  });
});

describe('frame size limits (§5.4, §5.10)', () => {
  it('P = 10240: 10224 and 10208 fit; 10209, 10223, 10225 are too large; 0 is invalid', async () => {
    const { r, w } = await pair(10240);
    for (const size of [10209, 10223, 10225, 2 ** 20]) {
      await expectError(() => w.writeSync(new Uint8Array(size), 0), FrameTooLargeError, 'ZB_FRAME_TOO_LARGE', ['Frame too large', String(size), '10208', '10224']);
      await expectError(() => w.acquire(size, 5000), FrameTooLargeError, 'ZB_FRAME_TOO_LARGE');
    }
    await expectError(() => w.writeSync(new Uint8Array(0)), InvalidFrameSizeError, 'ZB_INVALID_FRAME_SIZE', ['Invalid frame size', 'zero']);
    await expectError(() => w.write(new Uint8Array(0)), InvalidFrameSizeError, 'ZB_INVALID_FRAME_SIZE');
    await expectError(() => w.acquireSync(0), InvalidFrameSizeError, 'ZB_INVALID_FRAME_SIZE');
    w.writeSync(fill(10224, 1));
    r.readSync(1000)!.release();
    // wp is 0 again (exact fit) → 10208 fits at 0.
    w.writeSync(fill(10208, 2));
    const f = r.readSync(1000)!;
    assert.equal(f.size, 10208);
    assert.equal(w.nextSequence, 3n);
  });

  it('P = 64: 1–32 and 48 fit, 33–47 and 49 do not', async () => {
    const { r, w } = await pair(64);
    for (const size of [33, 40, 47, 49]) {
      await expectError(() => w.writeSync(new Uint8Array(size), 0), FrameTooLargeError, 'ZB_FRAME_TOO_LARGE');
    }
    for (const size of [48, 32, 1]) {
      w.writeSync(fill(size, size), 1000);
      const f = r.readSync(1000)!;
      assert.equal(f.size, size);
      assert.deepEqual(Buffer.from(f.data), fill(size, size));
      f.release();
    }
  });

  it('unplaceable frames fail immediately with ZB_FRAME_UNPLACEABLE', async () => {
    const a = await pair(10240);
    a.w.writeSync(fill(100, 1));
    a.r.readSync(1000)!.release();
    const t = await timed(() => a.w.write(new Uint8Array(10224), 5000));
    assert.ok(t.error instanceof BufferFullError && t.error.code === 'ZB_FRAME_UNPLACEABLE', String(t.error));
    assert.ok(t.error.message.includes('cannot be placed'));
    assert.ok(t.ms < 2000, `no waiting (${t.ms} ms)`);

    const b = await pair(10240);
    b.w.writeSync(fill(6144, 1));
    b.r.readSync(1000)!.release();
    await expectError(() => b.w.writeSync(new Uint8Array(7168), 1000), BufferFullError, 'ZB_FRAME_UNPLACEABLE', ['cannot be placed', '7168']);
    await expectError(() => b.w.acquireSync(7168, 1000), BufferFullError, 'ZB_FRAME_UNPLACEABLE');
  });
});

describe('release order and views (§6.7, §10.3)', () => {
  it('out-of-order release is deferred until earlier frames are released; double release ignored', async () => {
    const { r, w } = await pair(4096);
    for (let k = 0; k < 3; k++) w.writeSync(fill(100, k));
    const [a, b, c] = [r.readSync(1000)!, r.readSync(1000)!, r.readSync(1000)!];
    const free0 = r.oiebSnapshot().payloadFreeBytes;
    const space0 = r.semaphoreValues().space;
    c.release();
    b.release();
    assert.equal(r.oiebSnapshot().payloadFreeBytes, free0, 'deferred');
    assert.equal(r.semaphoreValues().space, space0);
    assert.equal(b.released, true);
    assert.equal(b.data.length, 0, 'released view detached even when deferred');
    assert.equal(a.data.length, 100, 'held view still readable');
    assert.deepEqual(Buffer.from(a.data), fill(100, 0));
    a.release();
    assert.equal(r.oiebSnapshot().payloadFreeBytes, free0 + 3n * 116n);
    assert.equal(r.semaphoreValues().space, space0 + 3);
    a.release();
    c.release();
    assert.equal(r.oiebSnapshot().payloadFreeBytes, 4096n);
    assert.equal(r.semaphoreValues().space, space0 + 3);
  });

  it('views are detached (length 0) after release, commit, abort and close; Symbol.dispose releases', async () => {
    const { r, w } = await pair(4096);
    const wf = w.acquireSync(64, 1000);
    assert.equal(wf.data.length, 64);
    const sub = wf.data.subarray(8, 16);
    wf.data.set(fill(64, 2));
    assert.equal(wf.commit(), 1n);
    assert.equal(wf.data.length, 0);
    assert.equal(sub.length, 0);
    expectErrorSync(() => wf.commit(), InvalidStateError, 'ZB_INVALID_STATE', ['commit']);
    const wa = w.acquireSync(10, 1000);
    expectErrorSync(() => w.acquireSync(10, 0), InvalidStateError, 'ZB_INVALID_STATE');
    expectErrorSync(() => w.writeSync(new Uint8Array(1), 0), InvalidStateError, 'ZB_INVALID_STATE');
    assert.equal(wa.sequence, 2n);
    wa.abort();
    assert.equal(wa.data.length, 0);
    expectErrorSync(() => wa.abort(), InvalidStateError, 'ZB_INVALID_STATE');
    assert.equal(w.nextSequence, 2n, 'abort consumes no sequence');
    w.writeSync(fill(5, 5));

    const f = r.readSync(1000)!;
    const buf = Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength);
    const dv = new DataView(f.data.buffer, f.data.byteOffset, f.data.byteLength);
    assert.deepEqual(Buffer.from(f.data), fill(64, 2));
    assert.equal(f.isZeroCopy, true);
    f[Symbol.dispose]();
    assert.equal(f.released, true);
    assert.equal(f.data.length, 0);
    assert.equal(buf.length, 0);
    assert.equal(dv.buffer.byteLength, 0);

    const g = r.readSync(1000)!;
    assert.equal(g.sequence, 2n);
    const pending = w.acquireSync(32, 1000);
    w.close();
    assert.equal(pending.data.length, 0, 'close detaches a pending acquisition');
    r.close();
    assert.equal(g.data.length, 0, 'close detaches outstanding frames');
    assert.equal(g.released, true);
    g.release(); // after close: no-op
  });

  it('a Frame keeps its Reader reachable', async () => {
    const name = uniqueName();
    let f: Frame | null;
    let w: Writer;
    {
      const r = await Reader.create(name, { payloadSize: 4096 });
      w = track(await Writer.connect(name));
      w.writeSync(fill(10, 1));
      f = r.readSync(1000);
    }
    for (let i = 0; i < 3; i++) {
      gc();
      await sleep(10);
    }
    assert.equal(f!.reader.closed, false);
    assert.equal(w.isReaderConnected(), true);
    assert.deepEqual(Buffer.from(f!.data), fill(10, 1));
    f!.release();
    f!.reader.close();
  });

  it('safety net: an unreachable, unreleased frame is released after garbage collection', async () => {
    const { r, w } = await pair(4096);
    w.writeSync(fill(100, 1));
    (() => {
      const f = r.readSync(1000);
      assert.ok(f);
    })();
    assert.equal(r.oiebSnapshot().payloadFreeBytes, 4096n - 116n);
    for (let i = 0; i < 200 && r.oiebSnapshot().payloadFreeBytes !== 4096n; i++) {
      gc();
      await sleep(10);
    }
    assert.equal(r.oiebSnapshot().payloadFreeBytes, 4096n);
  });

  it('`using` declarations close Readers/Writers and release frames (Symbol.dispose polyfill)', async () => {
    assert.equal(typeof Symbol.dispose, 'symbol');
    const name = uniqueName();
    let outer: Reader;
    {
      using r = Reader.createSync(name, { payloadSize: 4096 });
      outer = r;
      using w = Writer.connectSync(name);
      w.writeSync(fill(3, 3));
      {
        using f = r.readSync(1000)!;
        assert.equal(f.size, 3);
      }
      assert.equal(r.oiebSnapshot().payloadFreeBytes, 4096n);
    }
    assert.equal(outer.closed, true);
    assert.deepEqual(existing(name), []);
  });
});

describe('sync and async paths, timeouts, close', () => {
  it('async write/read and acquire/commit round trip', async () => {
    const { r, w } = await pair(8192);
    w.setMetadata(Buffer.from('hello'));
    const reading = r.read(5000);
    await sleep(20);
    assert.equal(await w.write(fill(300, 1)), 1n);
    const f = (await reading)!;
    assert.equal(f.sequence, 1n);
    assert.deepEqual(Buffer.from(f.data), fill(300, 1));
    f.release();
    const wf = await w.acquire(200);
    wf.data.set(fill(200, 2));
    assert.equal(wf.commit(), 2n);
    const g = (await r.read(1000))!;
    assert.deepEqual(Buffer.from(g.data), fill(200, 2));
    g.release();
    assert.equal(Buffer.from(r.getMetadata()).toString(), 'hello');
    assert.equal(r.isWriterConnected(), true);
    assert.equal(w.isReaderConnected(), true);
    assert.equal(await r.isWriterConnected(1000), true);
    assert.equal(await w.isReaderConnected(1000), true);
    // Releasing a held frame while an async read of the same Reader is in flight.
    w.writeSync(fill(10, 3));
    const held = (await r.read(1000))!;
    const next = r.read(5000);
    await sleep(20);
    held.release();
    assert.equal(held.data.length, 0);
    w.writeSync(fill(10, 4));
    const n = (await next)!;
    assert.equal(n.sequence, 4n);
    n.release();
    assert.equal(r.oiebSnapshot().payloadFreeBytes, 8192n);
  });

  it('isWriterConnected(timeout) / isReaderConnected(timeout) resolve true once the peer is there', async () => {
    const name = uniqueName();
    const r = track(await Reader.create(name, { payloadSize: 4096 }));
    const waiting = timed(() => r.isWriterConnected(5000));
    await sleep(250);
    const w = track(await Writer.connect(name));
    const t = await waiting;
    assert.equal(t.value, true);
    assert.ok(t.ms >= 200 && t.ms < 3000, `${t.ms}`);
    assert.equal(await w.isReaderConnected(Infinity), true);
    r.close();
    assert.equal(await w.isReaderConnected(150), false);
    const p = r.isWriterConnected(1000);
    await expectError(() => p, ClosedError, 'ZB_CLOSED');
  });

  it('read returns null on timeout (sync and async); isWriterConnected(timeout) resolves false', async () => {
    const name = uniqueName();
    const r = track(await Reader.create(name, { payloadSize: 4096 }));
    assert.equal(r.readSync(0), null);
    let t = await timed(async () => r.readSync(200));
    assert.equal(t.value, null);
    assert.ok(t.ms >= 150 && t.ms < 3000, `${t.ms}`);
    t = await timed(() => r.read(200));
    assert.equal(t.value, null);
    assert.ok(t.ms >= 150 && t.ms < 3000, `${t.ms}`);
    assert.equal(await r.read(0), null);
    assert.equal(r.isWriterConnected(), false);
    const c = await timed(() => r.isWriterConnected(250));
    assert.equal(c.value, false);
    assert.ok(c.ms >= 200 && c.ms < 3000, `${c.ms}`);
  });

  it('write waits ≈ timeout, then BufferFullError (sync and async)', async () => {
    const { r, w } = await pair(1024);
    while (true) {
      try {
        w.writeSync(new Uint8Array(200), 0);
      } catch (err) {
        assert.ok(err instanceof BufferFullError);
        break;
      }
    }
    let t = await timed(() => w.write(new Uint8Array(200), 300));
    assert.ok(t.error instanceof BufferFullError && t.error.code === 'ZB_BUFFER_FULL', String(t.error));
    assert.match(t.error.message, /Buffer is full/);
    assert.ok(t.ms >= 250 && t.ms < 3000, `${t.ms}`);
    t = await timed(async () => w.writeSync(new Uint8Array(200), 300));
    assert.ok(t.error instanceof BufferFullError);
    assert.ok(t.ms >= 250 && t.ms < 3000, `${t.ms}`);
    // A release lets a waiting write through.
    const waiting = w.write(fill(200, 7), 5000);
    await sleep(50);
    r.readSync(1000)!.release();
    assert.ok(typeof (await waiting) === 'bigint');
  });

  it('close during an in-flight async read rejects with ClosedError; queued calls too', async () => {
    const name = uniqueName();
    const r = track(await Reader.create(name, { payloadSize: 4096 }));
    const p1 = r.read(Infinity);
    const p2 = r.read(5000);
    await sleep(50);
    const t0 = Date.now();
    r.close();
    await expectError(() => p1, ClosedError, 'ZB_CLOSED', ['closed']);
    await expectError(() => p2, ClosedError, 'ZB_CLOSED');
    assert.ok(Date.now() - t0 < 2000);
    await expectError(() => r.read(), ClosedError, 'ZB_CLOSED');
    expectErrorSync(() => r.readSync(0), ClosedError, 'ZB_CLOSED');
    assert.deepEqual(existing(name), [], 'close unlinked everything');
    r.close(); // idempotent
  });

  it('a writer blocked in an async write is ended by its close() with ClosedError', async () => {
    const { w } = await pair(1024);
    w.writeSync(new Uint8Array(992), 0);
    const p = w.write(new Uint8Array(500), Infinity);
    await sleep(50);
    w.close();
    await expectError(() => p, ClosedError, 'ZB_CLOSED');
    await expectError(() => w.write(new Uint8Array(1)), ClosedError, 'ZB_CLOSED');
    expectErrorSync(() => w.writeSync(new Uint8Array(1)), ClosedError, 'ZB_CLOSED');
    expectErrorSync(() => w.setMetadata(new Uint8Array(1)), ClosedError, 'ZB_CLOSED');
  });

  it('commit/abort of a frame whose Writer closed → ClosedError naming the call; nothing is published', async () => {
    const { r, w } = await pair(1024);
    const wf = w.acquireSync(8, 0);
    w.close();
    expectErrorSync(() => wf.commit(), ClosedError, 'ZB_CLOSED', [`commit: Writer ${JSON.stringify(w.name)} is closed`]);
    expectErrorSync(() => wf.commit(), ClosedError, 'ZB_CLOSED', ['commit: ']);
    expectErrorSync(() => wf.abort(), ClosedError, 'ZB_CLOSED', ['abort: ']);
    assert.equal(wf.pending, false);
    assert.equal(r.oiebSnapshot().payloadWrittenCount, 0n);
  });

  it('sync calls while an async call is in flight → InvalidStateError; async calls queue in FIFO order', async () => {
    const { r, w } = await pair(4096);
    const p = r.read(5000);
    expectErrorSync(() => r.readSync(0), InvalidStateError, 'ZB_INVALID_STATE', ['readSync']);
    const q = r.read(5000);
    w.writeSync(fill(1, 1));
    w.writeSync(fill(1, 2));
    const [a, b] = await Promise.all([p, q]);
    assert.equal(a!.sequence, 1n);
    assert.equal(b!.sequence, 2n);
    a!.release();
    b!.release();
    // Writer: fill the ring so the async write waits, then check sync misuse.
    w.writeSync(new Uint8Array(2000), 0);
    w.writeSync(new Uint8Array(2000), 0);
    const wp = w.write(fill(100, 3), 5000);
    const wq = w.write(fill(100, 4), 5000);
    expectErrorSync(() => w.writeSync(new Uint8Array(1), 0), InvalidStateError, 'ZB_INVALID_STATE', ['writeSync']);
    expectErrorSync(() => w.acquireSync(1, 0), InvalidStateError, 'ZB_INVALID_STATE');
    r.readSync(1000)!.release();
    r.readSync(1000)!.release();
    assert.deepEqual(await Promise.all([wp, wq]), [5n, 6n]);
    assert.deepEqual([r.readSync(1000)!.data[0], r.readSync(1000)!.data[0]], [3, 4]);
  });

  it('bad arguments: Infinity in sync calls, negative/NaN timeouts, non-Uint8Array data', async () => {
    const { r, w } = await pair(4096);
    expectErrorSync(() => r.readSync(Infinity), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['timeoutMs']);
    expectErrorSync(() => w.writeSync(new Uint8Array(1), Infinity), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['timeoutMs']);
    expectErrorSync(() => w.acquireSync(1, Infinity), InvalidArgumentError, 'ZB_INVALID_ARGUMENT');
    await expectError(() => r.read(-1), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['timeoutMs']);
    await expectError(() => r.read(NaN), InvalidArgumentError, 'ZB_INVALID_ARGUMENT');
    await expectError(() => w.write(new Uint8Array(1), -5), InvalidArgumentError, 'ZB_INVALID_ARGUMENT');
    await expectError(() => w.write('abc' as unknown as Uint8Array), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['data']);
    expectErrorSync(() => w.setMetadata([1, 2] as unknown as Uint8Array), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['metadata']);
    await expectError(() => r.isWriterConnected(-1), InvalidArgumentError, 'ZB_INVALID_ARGUMENT');
    await expectError(() => w.acquire(-1), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['size']);
    // The Writer's default timeout comes from writeTimeoutMs; Infinity only works async.
    const w2name = uniqueName();
    const r2 = track(await Reader.create(w2name, { payloadSize: 1024 }));
    const w2 = track(await Writer.connect(w2name, { writeTimeoutMs: Infinity }));
    expectErrorSync(() => w2.writeSync(new Uint8Array(1)), InvalidArgumentError, 'ZB_INVALID_ARGUMENT');
    assert.equal(await w2.write(new Uint8Array(1)), 1n);
    assert.equal(r2.readSync(100)!.size, 1);
    await expectError(() => Writer.connect(w2name, { writeTimeoutMs: -1 }), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['writeTimeoutMs']);
  });

  it('wrap-around stream with mixed sizes keeps content and sequence intact', async () => {
    const { r, w } = await pair(1000); // P = 1024
    let seq = 0n;
    for (let k = 0; k < 2000; k++) {
      const size = 1 + ((k * 37) % 480);
      seq = w.writeSync(fill(size, k), 1000);
      const f = r.readSync(1000)!;
      assert.equal(f.sequence, seq);
      assert.equal(f.size, size);
      assert.ok(Buffer.from(f.data).equals(fill(size, k)), `frame ${k}`);
      f.release();
    }
    const o = r.oiebSnapshot();
    assert.equal(o.payloadFreeBytes, 1024n);
    assert.equal(o.payloadWrittenCount, o.payloadReadCount);
    assert.ok(o.payloadWrittenCount > 2000n, 'markers were written');
  });

  it('Reader close unlinks shm, semaphores and lock; Writer close clears writer_pid only', async () => {
    const { name, r, w } = await pair(4096);
    const p = pathsOf(name);
    assert.deepEqual(existing(name).sort(), [p.lock, p.semR, p.semW, p.shm].sort());
    w.close();
    assert.equal(r.oiebSnapshot().writerPid, 0n);
    assert.equal(existing(name).length, 4);
    r.close();
    assert.deepEqual(existing(name), []);
  });
});
