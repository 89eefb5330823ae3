// The NativeWriter contract of src/native.ts, called directly (no TS-layer validation in front):
// which check wins when several apply, the messages naming the operation, what close() does to a
// pending acquisition, and the asynchronous acquire that waits for space (protocol.md §4.3, §5.7
// W1, §10.1, §15.3, §15.4).
import { after, afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { native, type NativeReader, type NativeWritableFrame, type NativeWriter } from '../src/native';
import { removeLeftovers, uniqueName } from './helpers';

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const x of open.splice(0)) x.close();
});
after(() => {
  assert.deepEqual(removeLeftovers(), []);
});

function pair(payloadSize = 4096): { r: NativeReader; w: NativeWriter } {
  const name = uniqueName();
  const r = native().createReaderSync(name, 1024, payloadSize);
  open.push(r);
  const w = native().connectWriterSync(name);
  open.unshift(w); // closed before its Reader
  return { r, w };
}

function codeAndMessage(err: unknown): [string, string] {
  assert.ok(err instanceof Error, String(err));
  return [String((err as { code?: unknown }).code), err.message];
}

/** The raw native error of a synchronous call. */
function thrown(fn: () => unknown, code: string, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.deepEqual(codeAndMessage(err), [code, message]);
    return true;
  });
}

/** The raw native rejection of an asynchronous call (which never throws synchronously). */
async function rejects(fn: () => unknown, code: string, message: string): Promise<void> {
  let p: unknown;
  assert.doesNotThrow(() => {
    p = fn();
  });
  assert.ok(p instanceof Promise, 'an error of an asynchronous call is a rejected promise');
  await assert.rejects(p, (err: unknown) => {
    assert.deepEqual(codeAndMessage(err), [code, message]);
    return true;
  });
}

const bad = 'not bytes' as unknown as Uint8Array;

describe('NativeWriter frame state (W1, §10.1)', () => {
  it('a pending frame is reported before the arguments are looked at', async () => {
    const { w } = pair();
    const f = w.acquireSync(8, 0);
    assert.equal(w.hasPendingFrame, true);
    const held = 'called while a zero-copy frame is acquired (commit or abort it first)';
    thrown(() => w.writeSync(bad, -1), 'ZB_INVALID_STATE', `writeSync() ${held}`);
    thrown(() => w.acquireSync(-1, -1), 'ZB_INVALID_STATE', `acquireSync() ${held}`);
    await rejects(() => w.write(bad, -1), 'ZB_INVALID_STATE', `write() ${held}`);
    await rejects(() => w.acquire(-1, -1), 'ZB_INVALID_STATE', `acquire() ${held}`);
    f.data.fill(7);
    assert.equal(w.commit(), 1n);
    assert.equal(f.data.length, 0, 'commit detaches the view');
    assert.equal(w.hasPendingFrame, false);
    thrown(() => w.commit(), 'ZB_INVALID_STATE', 'commit() called without a pending acquired frame');
    thrown(() => w.abort(), 'ZB_INVALID_STATE', 'abort() called without a pending acquired frame');
    // Without a pending frame the arguments are checked first.
    thrown(() => w.writeSync(bad, 0), 'ZB_INVALID_ARGUMENT', 'Invalid argument data: must be a Uint8Array');
  });

  it('the acquired frame carries the next sequence; abort consumes none', () => {
    const { r, w } = pair();
    const a = w.acquireSync(4, 0);
    assert.equal(a.sequence, 1n);
    w.abort();
    assert.equal(a.data.length, 0, 'abort detaches the view');
    assert.equal(w.nextSequence, 1n);
    const b = w.acquireSync(3, 0);
    assert.equal(b.sequence, 1n);
    b.data.set([1, 2, 3]);
    assert.equal(w.commit(), 1n);
    const got = r.readSync(1000)!;
    assert.deepEqual(Array.from(got.data), [1, 2, 3]);
    r.release(got.token);
  });

  it('a frame can be written from a view of the same ring', async () => {
    const { r, w } = pair();
    w.writeSync(Uint8Array.from([1, 2, 3, 4]), 0);
    const held = r.readSync(1000)!;
    assert.equal(w.writeSync(held.data, 0), 2n);
    assert.equal(await w.write(held.data.subarray(1), 0), 3n);
    r.release(held.token);
    const a = r.readSync(1000)!;
    const b = r.readSync(1000)!;
    assert.deepEqual([Array.from(a.data), Array.from(b.data)], [[1, 2, 3, 4], [2, 3, 4]]);
    r.release(a.token);
    r.release(b.token);
  });

  it('close() drops a pending frame without writing it to the OIEB or posting', () => {
    const { r, w } = pair();
    const f = w.acquireSync(16, 0);
    f.data.fill(1);
    const before = r.oiebSnapshot();
    w.close();
    assert.equal(f.data.length, 0);
    assert.equal(w.hasPendingFrame, false);
    const after = r.oiebSnapshot();
    assert.equal(after.payloadWrittenCount, before.payloadWrittenCount);
    assert.equal(after.payloadFreeBytes, before.payloadFreeBytes);
    assert.equal(after.payloadWritePos, before.payloadWritePos);
    assert.equal(r.semaphoreValues().data, 0);
    thrown(() => w.commit(), 'ZB_CLOSED', `Writer ${JSON.stringify(w.name)} is closed`);
  });

  it('acquired without a view: fill() copies into the ring, frameData() makes the view once asked', async () => {
    const { r, w } = pair();
    const f = w.acquireSync(4, 0, false);
    assert.deepEqual([Object.hasOwn(f, 'data'), f.sequence, f.size, f.isZeroCopy], [false, 1n, 4, true]);
    w.fill(1, Uint8Array.of(5, 6));
    const view = w.frameData();
    assert.deepEqual([...view], [0, 5, 6, 0], 'the view shows what fill() copied');
    view[3] = 9;
    w.fill(0, Uint8Array.of(4)); // into the view now
    thrown(() => w.fill(2, new Uint8Array(3)), 'ZB_INVALID_ARGUMENT', 'Invalid argument source: 3 bytes at offset 2 do not fit in a frame of 4');
    thrown(() => w.fill(0, bad), 'ZB_INVALID_ARGUMENT', 'Invalid argument source: must be a Uint8Array');
    assert.equal(w.commit(), 1n);
    assert.equal(view.length, 0, 'commit detaches a view made on demand');
    thrown(() => w.fill(0, new Uint8Array(1)), 'ZB_INVALID_STATE', 'fill: no frame is pending');
    thrown(() => w.frameData(), 'ZB_INVALID_STATE', 'frameData: no frame is pending');
    const got = r.readSync(1000)!;
    assert.deepEqual(Array.from(got.data), [4, 5, 6, 9]);
    r.release(got.token);
    const later = (await w.acquire(2, 0, false)) as { data?: Uint8Array };
    assert.equal(later.data, undefined, 'the asynchronous acquire without a view');
    w.close();
    thrown(() => w.fill(0, new Uint8Array(1)), 'ZB_CLOSED', `Writer ${JSON.stringify(w.name)} is closed`);
  });
});

describe('NativeWriter asynchronous operations (§15.3, §15.4)', () => {
  it('with space, write and acquire return their result itself, not a promise (no thread hop)', () => {
    const { r, w } = pair(4096);
    assert.equal(w.write(new Uint8Array([1, 2, 3]), 5000), 1n);
    const f = w.acquire(10, 0) as NativeWritableFrame;
    assert.ok(!(f instanceof Promise));
    assert.deepEqual([f.sequence, f.size, f.data.length, w.hasPendingFrame], [2n, 10, 10, true]);
    assert.equal(w.commit(), 2n);
    assert.deepEqual([...r.readSync(0)!.data], [1, 2, 3]);
  });

  it('an async acquire waits for space, then hands out the frame on the JS thread', async () => {
    const { r, w } = pair(4096);
    w.writeSync(new Uint8Array(2000), 0);
    w.writeSync(new Uint8Array(2000), 0);
    const pending = w.acquire(100, 5000);
    const inFlight = 'called while an asynchronous write/acquire is in flight';
    thrown(() => w.writeSync(new Uint8Array(1), 0), 'ZB_INVALID_STATE', `writeSync() ${inFlight}`);
    thrown(() => w.acquireSync(1, 0), 'ZB_INVALID_STATE', `acquireSync() ${inFlight}`);
    await rejects(() => w.write(new Uint8Array(1), 0), 'ZB_INVALID_STATE', 'write() called while another asynchronous write/acquire is in flight');
    assert.equal(w.hasPendingFrame, false, 'nothing is pending while the acquire waits');
    const first = r.readSync(1000)!;
    r.release(first.token);
    const f = await pending;
    assert.equal(f.sequence, 3n);
    assert.equal(f.size, 100);
    assert.equal(w.hasPendingFrame, true);
    f.data.fill(9);
    assert.equal(w.commit(), 3n);
    const second = r.readSync(1000)!;
    r.release(second.token);
    const third = r.readSync(1000)!;
    assert.equal(third.sequence, 3n);
    assert.equal(third.data[99], 9);
    r.release(third.token);
  });

  it('close() ends a waiting write with ZB_CLOSED; closed is reported before in-flight', async () => {
    const { w } = pair(4096);
    w.writeSync(new Uint8Array(2000), 0);
    w.writeSync(new Uint8Array(2000), 0);
    const pending = w.write(new Uint8Array(100), Infinity);
    assert.ok(pending instanceof Promise, 'no space: the write waits');
    w.close();
    const closed = `Writer ${JSON.stringify(w.name)} is closed`;
    thrown(() => w.writeSync(new Uint8Array(1), 0), 'ZB_CLOSED', closed);
    await assert.rejects(pending, (err: unknown) => {
      assert.deepEqual(codeAndMessage(err), ['ZB_CLOSED', closed]);
      return true;
    });
  });
});

describe('NativeWriter metadata state (§4.2, §4.3)', () => {
  it('a pending acquisition is reported before the arguments; commit and abort need one', () => {
    const { r, w } = pair();
    const m = w.acquireMetadata(4);
    const held = 'called while a metadata acquisition is pending';
    thrown(() => w.setMetadata(bad), 'ZB_INVALID_STATE', `setMetadata() ${held}`);
    thrown(() => w.acquireMetadata(-1), 'ZB_INVALID_STATE', `acquireMetadata() ${held}`);
    w.abortMetadata();
    assert.equal(m.length, 0);
    thrown(() => w.abortMetadata(), 'ZB_INVALID_STATE', 'abortMetadata() called without a pending metadata acquisition');
    thrown(() => w.commitMetadata(), 'ZB_INVALID_STATE', 'commitMetadata() called without a pending metadata acquisition');
    assert.equal(w.metadataWritten, false);
    const n = w.acquireMetadata(3);
    n.set([4, 5, 6]);
    w.commitMetadata();
    assert.equal(n.length, 0);
    assert.equal(w.metadataWritten, true);
    assert.deepEqual(Array.from(r.getMetadata()), [4, 5, 6]);
    thrown(() => w.setMetadata(new Uint8Array(1)), 'ZB_METADATA_ALREADY_WRITTEN', `Metadata already written for buffer ${JSON.stringify(w.name)}`);
  });
});
