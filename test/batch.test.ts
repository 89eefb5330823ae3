// Batches through the TS API (docs/library-api.md, "Batches"): readMany/readManySync and the
// frames() iterator (copies of small frames, zero-copy views of larger ones, ring space, order,
// timeouts, errors after good frames, frames given back by a loop left early), writeMany/
// writeManySync (sequences, waits, partial writes, arguments). The native calls beneath them:
// test/native-batch.test.ts.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Reader, Writer, BufferFullError, ClosedError, DEFAULT_COPY_MAX_BYTES, InvalidArgumentError, SequenceError, WriterDeadError, type Frame } from '../src/index';
import { makePattern } from '../src/cli/patterns';
import { closeAfterEachTest, expectError, expectErrorSync, header, sleep, uniqueName, writeSegment } from './helpers';

const track = closeAfterEachTest();

async function pair(payloadSize: number): Promise<{ name: string; r: Reader; w: Writer }> {
  const name = uniqueName();
  const r = track(await Reader.create(name, { metadataSize: 0, payloadSize }));
  return { name, r, w: track(await Writer.connect(name)) };
}

/** Frame `seed` of the sequential pattern: byte i is (i + seed) mod 256. */
const fill = (size: number, seed: number): Buffer => makePattern(size, 'sequential', seed);

const sequences = (frames: Frame[]): number[] => frames.map((f) => Number(f.sequence));

describe('Reader.readMany / readManySync', () => {
  it('returns every ready frame in order; small frames are copies whose ring space is returned at once', async () => {
    const { r, w } = await pair(4096);
    for (let i = 1; i <= 5; i++) w.writeSync(fill(100, i), 0);
    const space0 = r.semaphoreValues().space;
    const frames = r.readManySync({ timeoutMs: 0 });
    assert.deepEqual(sequences(frames), [1, 2, 3, 4, 5]);
    for (const [i, f] of frames.entries()) {
      assert.equal(f.isZeroCopy, false);
      assert.equal(f.size, 100);
      assert.deepEqual(Buffer.from(f.data), fill(100, i + 1));
      assert.equal(f.released, false);
    }
    // The copies of one batch lie back to back, in read order, in one ArrayBuffer (docs/library-api.md).
    for (const [i, f] of frames.entries()) {
      assert.equal(f.data.buffer, frames[0]!.data.buffer);
      assert.equal(f.data.byteOffset, frames[0]!.data.byteOffset + 100 * i);
    }
    const o = r.oiebSnapshot();
    assert.equal(o.payloadFreeBytes, 4096n, 'all five frames went back to the Writer');
    assert.equal(o.payloadReadCount, 5n);
    assert.equal(r.semaphoreValues().space, space0 + 5, 'one sem-r post per frame');
    // A copy stays readable until released, then reads as empty; release is idempotent.
    frames[0]!.release();
    frames[0]!.release();
    assert.equal(frames[0]!.released, true);
    assert.equal(frames[0]!.data.length, 0);
    assert.deepEqual(Buffer.from(frames[1]!.data), fill(100, 2));
    assert.deepEqual(await r.readMany({ timeoutMs: 0 }), []);
  });

  it('the async forms report a Writer that closed once every frame was read, whether or not they wait', async () => {
    const { r, w } = await pair(4096);
    w.writeSync(fill(10, 1), 0);
    w.close();
    assert.deepEqual(sequences(await r.readMany({ timeoutMs: 0 })), [1], 'the frame written before close() is read first');
    for (const timeoutMs of [0, 2000]) {
      const err = await expectError(() => r.readMany({ timeoutMs }), WriterDeadError, 'ZB_WRITER_DEAD');
      assert.equal((err as WriterDeadError).graceful, true, `timeoutMs ${timeoutMs}`);
    }
    await expectError(() => r.read(0), WriterDeadError, 'ZB_WRITER_DEAD');
  });

  it('maxFrames bounds a batch; the rest is returned by the next call', async () => {
    const { r, w } = await pair(4096);
    for (let i = 1; i <= 5; i++) w.writeSync(fill(10, i), 0);
    assert.deepEqual(sequences(await r.readMany({ maxFrames: 2 })), [1, 2]);
    assert.deepEqual(sequences(r.readManySync({ maxFrames: 2 })), [3, 4]);
    assert.deepEqual(sequences(r.readManySync({ maxFrames: 2 })), [5]);
  });

  it('by default a frame of DEFAULT_COPY_MAX_BYTES (32 KiB) is a copy, one byte more a zero-copy view', async () => {
    const { r, w } = await pair(4 * DEFAULT_COPY_MAX_BYTES);
    for (const size of [DEFAULT_COPY_MAX_BYTES, DEFAULT_COPY_MAX_BYTES + 1]) w.writeSync(fill(size, size), 0);
    const frames = [...r.readManySync({ timeoutMs: 0 }), ...r.readManySync({ timeoutMs: 0 })];
    assert.deepEqual(frames.map((f) => [f.size, f.isZeroCopy]), [[32768, false], [32769, true]]);
    for (const f of frames) assert.deepEqual(Buffer.from(f.data), fill(f.size, f.size));
  });

  it('a frame above copyMaxBytes is a zero-copy view that ends the batch and holds its bytes until released', async () => {
    const { r, w } = await pair(8192);
    w.writeSync(fill(100, 1), 0);
    w.writeSync(fill(3000, 2), 0);
    w.writeSync(fill(100, 3), 0);
    const first = r.readManySync({ copyMaxBytes: 1000, timeoutMs: 0 });
    assert.deepEqual(sequences(first), [1, 2]);
    const view = first[1]!;
    assert.equal(view.isZeroCopy, true);
    assert.deepEqual(Buffer.from(view.data), fill(3000, 2));
    assert.equal(r.oiebSnapshot().payloadFreeBytes, 8192n - 3016n - 116n, 'frame 1 is back, 2 and 3 are not');
    const [third] = r.readManySync({ copyMaxBytes: 1000, timeoutMs: 0 });
    assert.equal(third!.sequence, 3n);
    assert.equal(third!.isZeroCopy, false);
    assert.equal(r.oiebSnapshot().payloadFreeBytes, 8192n - 3016n - 116n, 'a later frame waits for the view (§6.7)');
    const keep = view.data;
    view.release();
    assert.equal(keep.length, 0, 'the view is detached on release');
    assert.equal(r.oiebSnapshot().payloadFreeBytes, 8192n);
    // copyMaxBytes 0: every frame is a view, one per batch.
    w.writeSync(fill(10, 4), 0);
    w.writeSync(fill(10, 5), 0);
    const views = r.readManySync({ copyMaxBytes: 0, timeoutMs: 0 });
    assert.deepEqual([sequences(views), views[0]!.isZeroCopy], [[4], true]);
    views[0]!.release();
  });

  it('a full slab is detached once every copy in it is released, not before', async () => {
    const { r, w } = await pair(128 * 1024);
    const options = { copyMaxBytes: 20000, timeoutMs: 0 };
    for (let i = 1; i <= 4; i++) w.writeSync(fill(20000, i), 0);
    const first = r.readManySync(options); // a slab of 4 × 20000 bytes, now full
    assert.deepEqual(sequences(first), [1, 2, 3, 4]);
    const views = first.map((f) => f.data);
    for (const f of first.slice(0, 3)) f.release();
    w.writeSync(fill(20000, 5), 0);
    assert.deepEqual(sequences(r.readManySync(options)), [5], 'a new slab; the old one still holds frame 4');
    assert.deepEqual(Buffer.from(views[0]!), fill(20000, 1), 'a released copy reads as empty, a view of it kept elsewhere still reads');
    assert.equal(first[0]!.data.length, 0);
    assert.deepEqual(Buffer.from(first[3]!.data), fill(20000, 4));
    first[3]!.release();
    for (const v of views) assert.equal(v.length, 0, 'the slab is detached with its last copy');
  });

  it('an empty batch on timeout; the async form waits for the first frame, then takes the batch', async () => {
    const { r, w } = await pair(4096);
    assert.deepEqual(r.readManySync({ timeoutMs: 30 }), []);
    assert.deepEqual(await r.readMany({ timeoutMs: 30 }), []);
    const pending = r.readMany({ timeoutMs: 5000 });
    await sleep(20);
    w.writeManySync([fill(8, 1), fill(8, 2)]);
    const got = await pending;
    assert.ok(got.length >= 1 && got.length <= 2);
    assert.equal(got[0]!.sequence, 1n);
  });

  it('frames read before a corrupt one are delivered; the error comes with the next call', async () => {
    const { name, r, w } = await pair(4096);
    w.writeSync(fill(10, 1), 0);
    w.writeSync(fill(10, 2), 0);
    w.writeSync(fill(10, 3), 0);
    // Frame 3's header (ring offset 52) gets sequence 9.
    writeSegment(name, 128 + 52, header(10, 9));
    assert.deepEqual(sequences(r.readManySync({ timeoutMs: 0 })), [1, 2]);
    expectErrorSync(() => r.readManySync({ timeoutMs: 0 }), SequenceError, 'ZB_SEQUENCE_ERROR');
  });

  it('validates its options', async () => {
    const { r } = await pair(4096);
    for (const options of [{ maxFrames: 0 }, { maxFrames: 1025 }, { maxFrames: 1.5 }, { copyMaxBytes: -1 }, { timeoutMs: -1 }]) {
      expectErrorSync(() => r.readManySync(options), InvalidArgumentError, 'ZB_INVALID_ARGUMENT');
      await expectError(() => r.readMany(options), InvalidArgumentError, 'ZB_INVALID_ARGUMENT');
    }
    expectErrorSync(() => r.readManySync({ timeoutMs: Infinity }), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['finite']);
    expectErrorSync(() => r.readManySync(7 as never), InvalidArgumentError, 'ZB_INVALID_ARGUMENT');
  });

});

describe('Reader.frames()', () => {
  it('yields every frame in order across batches and ends when the Writer closed normally', async () => {
    const { r, w } = await pair(4096);
    const written = (async () => {
      for (let i = 1; i <= 300; i++) await w.write(fill(50, i));
      w.close();
    })();
    const got: number[] = [];
    for await (const f of r.frames({ maxFrames: 7 })) {
      assert.deepEqual(Buffer.from(f.data), fill(50, Number(f.sequence)));
      got.push(Number(f.sequence));
      f.release();
    }
    await written;
    assert.deepEqual(got, Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('ends when a wait times out', async () => {
    const { r, w } = await pair(4096);
    w.writeSync(fill(5, 1), 0);
    const got: bigint[] = [];
    for await (const f of r.frames({ timeoutMs: 30 })) got.push(f.sequence);
    assert.deepEqual(got, [1n]);
  });

  it('a loop left early gives the frames it read ahead back: the next read returns them first', async () => {
    const { r, w } = await pair(4096);
    for (let i = 1; i <= 6; i++) w.writeSync(fill(5, i), 0);
    for await (const f of r.frames()) {
      assert.equal(f.sequence, 1n);
      break;
    }
    assert.equal(r.readSync(0)!.sequence, 2n);
    assert.deepEqual(sequences(await r.readMany({ maxFrames: 2 })), [3, 4]);
    assert.equal((await r.read(0))!.sequence, 5n);
    assert.deepEqual(sequences(r.readManySync({ timeoutMs: 0 })), [6]);
  });

  it('throws what read() rejects with: close() ends a waiting iteration (and a waiting readMany) with ClosedError', async () => {
    for (const wait of [(r: Reader) => r.frames().next(), (r: Reader) => r.readMany({ timeoutMs: Infinity })]) {
      const { r } = await pair(4096);
      const pending = wait(r);
      await sleep(20);
      r.close();
      await expectError(() => pending, ClosedError, 'ZB_CLOSED');
    }
  });
});

describe('Writer.writeMany / writeManySync', () => {
  it('writes the frames as consecutive sequences and returns the last; an empty array writes nothing', async () => {
    const { r, w } = await pair(4096);
    assert.equal(w.writeManySync([]), 0n);
    assert.equal(w.writeManySync([fill(10, 1), fill(20, 2)]), 2n);
    assert.equal(await w.writeMany([fill(30, 3), new Uint8Array(fill(40, 4))]), 4n);
    assert.equal(w.nextSequence, 5n);
    const frames = r.readManySync({ timeoutMs: 0 });
    assert.deepEqual(
      frames.map((f) => [Number(f.sequence), Buffer.from(f.data).equals(fill(f.size, Number(f.sequence)))]),
      [[1, true], [2, true], [3, true], [4, true]],
    );
  });

  it('writes more frames than one native call takes, in order', async () => {
    const { r, w } = await pair(64 * 1024);
    const frames = Array.from({ length: 600 }, (_, i) => fill(8, i + 1));
    assert.equal(w.writeManySync(frames.slice(0, 300)), 300n);
    assert.equal(await w.writeMany(frames.slice(300)), 600n);
    const got: Frame[] = [];
    while (got.length < 600) got.push(...r.readManySync({ timeoutMs: 0, maxFrames: 1024 }));
    assert.deepEqual(sequences(got), Array.from({ length: 600 }, (_, i) => i + 1));
    for (const f of got) assert.ok(Buffer.from(f.data).equals(fill(8, Number(f.sequence))), `frame ${f.sequence}`);
  });

  it('waits for space for what does not fit and resolves once all is written', async () => {
    const { r, w } = await pair(1024);
    const frames = Array.from({ length: 40 }, (_, i) => fill(100, i + 1));
    const written = w.writeMany(frames, 5000);
    const got: number[] = [];
    while (got.length < 40) {
      for (const f of await r.readMany({ timeoutMs: 5000 })) {
        assert.ok(Buffer.from(f.data).equals(fill(100, Number(f.sequence))));
        got.push(Number(f.sequence));
      }
    }
    assert.equal(await written, 40n);
    assert.deepEqual(got, Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('a full ring: BufferFullError after the timeout, with the frames before it published', async () => {
    const { r, w } = await pair(1024);
    const frames = Array.from({ length: 20 }, (_, i) => fill(100, i + 1));
    expectErrorSync(() => w.writeManySync(frames, 20), BufferFullError, 'ZB_BUFFER_FULL');
    const published = w.nextSequence - 1n;
    assert.ok(published > 0n && published < 20n, String(published));
    assert.equal(r.oiebSnapshot().payloadWrittenCount, published);
    await expectError(() => w.writeMany(frames, 20), BufferFullError, 'ZB_BUFFER_FULL');
    // A timeout of 0: the same error at once, nothing more published.
    expectErrorSync(() => w.writeManySync(frames, 0), BufferFullError, 'ZB_BUFFER_FULL');
    await expectError(() => w.writeMany(frames, 0), BufferFullError, 'ZB_BUFFER_FULL');
    assert.equal(r.oiebSnapshot().payloadWrittenCount, w.nextSequence - 1n);
  });

  it('validates its arguments before writing anything', async () => {
    const { w } = await pair(4096);
    expectErrorSync(() => w.writeManySync('x' as never), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['frames']);
    expectErrorSync(() => w.writeManySync([fill(1, 1), [1] as never]), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['frames[1]']);
    await expectError(() => w.writeMany([null as never]), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['frames[0]']);
    expectErrorSync(() => w.writeManySync([fill(1, 1)], Infinity), InvalidArgumentError, 'ZB_INVALID_ARGUMENT');
    assert.equal(w.nextSequence, 1n);
  });
});
