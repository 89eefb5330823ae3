// The native batch calls beneath Reader.readMany and Writer.writeMany (src/native.ts: readBatchSync,
// writeBatchSync): how they check their arrays and arguments and report how much they did, and a
// batch whose arrays changed while an asynchronous read waited.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { native } from '../src/native';
import { closeAfterEachTest, uniqueName } from './helpers';

const track = closeAfterEachTest();

describe('NativeReader.readBatch / NativeWriter.writeBatchSync contract', () => {
  it('checks its arrays and reports how much it did', () => {
    const name = uniqueName();
    const r = track(native().createReaderSync(name, 0, 4096));
    const w = track(native().connectWriterSync(name));
    const pool = new Uint8Array(256);
    const out = new Float64Array(1 + 4 * 8);
    assert.throws(() => r.readBatchSync(pool, 257, out, 8, 0, 0), { code: 'ZB_INVALID_ARGUMENT' });
    assert.throws(() => r.readBatchSync(pool, 0, new Float64Array(8), 8, 0, 0), { code: 'ZB_INVALID_ARGUMENT' });
    assert.throws(() => r.readBatchSync(pool, 0, new Float32Array(40) as never, 8, 0, 0), { code: 'ZB_INVALID_ARGUMENT' });
    assert.throws(() => w.writeBatchSync(0, 1, 'x' as never), { code: 'ZB_INVALID_ARGUMENT', message: 'Invalid argument frames[1]: must be a Uint8Array' });
    assert.equal(w.writeBatchSync(0, 0, new Uint8Array(3), 'x' as never, new Uint8Array(2)), 1, 'stops before the bad element');
    assert.equal(w.writeBatchSync(0, 0, Uint8Array.of(7, 8)), 1);
    assert.equal(r.readBatchSync(pool, 10, out, 8, 64, 0), null);
    assert.deepEqual(Array.from(out.subarray(0, 9)), [2, 0, 1, 3, 10, 0, 2, 2, 13]);
    assert.deepEqual(Array.from(pool.subarray(13, 15)), [7, 8]);
    assert.equal(r.readBatchSync(pool, 0, out, 8, 64, 0), null);
    assert.equal(out[0], 0, 'nothing ready');
  });

  it('writeBatchSync with a timeout of 0 writes nothing and returns 0 when the first frame does not fit', () => {
    const name = uniqueName();
    const r = track(native().createReaderSync(name, 0, 1024));
    const w = track(native().connectWriterSync(name));
    const frame = new Uint8Array(200);
    let written = 0;
    for (let n; (n = w.writeBatchSync(0, 0, frame, frame, frame)) > 0; ) written += n;
    assert.ok(written >= 4, `written ${written}`);
    assert.equal(w.writeBatchSync(0, 0, frame), 0, 'a full ring is no error with a timeout of 0');
    assert.equal(w.nextSequence, BigInt(written + 1), 'and publishes nothing');
    assert.equal(r.oiebSnapshot().payloadWrittenCount, BigInt(written));
    assert.throws(() => w.writeBatchSync(10, 0, frame), { code: 'ZB_BUFFER_FULL' }, 'with a timeout it is');
    assert.throws(() => w.writeBatchSync(0, 0, new Uint8Array(4096)), { code: 'ZB_FRAME_TOO_LARGE' }, 'a frame that can never fit still throws');
  });

  it('an asynchronous readBatch whose pool was detached while it waited rejects and keeps the frame', async () => {
    const name = uniqueName();
    const r = track(native().createReaderSync(name, 0, 4096));
    const w = track(native().connectWriterSync(name));
    const pool = new Uint8Array(256);
    const out = new Float64Array(1 + 4 * 8);
    const waiting = r.readBatch(pool, 10, out, 8, 64, 2000);
    native().detachArrayBuffer(pool.buffer);
    w.writeSync(Uint8Array.of(5, 6), 1000);
    await assert.rejects(waiting, { code: 'ZB_INVALID_ARGUMENT', message: 'Invalid argument pool/out: detached or resized while the read waited' });
    const fresh = new Uint8Array(256);
    assert.equal(r.readBatchSync(fresh, 0, out, 8, 64, 1000), null);
    assert.deepEqual(Array.from(out.subarray(0, 5)), [1, 0, 1, 2, 0], 'the frame is read by the next call');
    assert.deepEqual(Array.from(fresh.subarray(0, 2)), [5, 6]);
  });
});
