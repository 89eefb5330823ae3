// The copy path's payload copy into the ring (native/posix/ring_copy.hpp): frames around the size
// from which it copies with `rep movsb`, from sources at odd addresses into ring positions that are
// not line-aligned, and from a zero-copy view of the very ring being written — every byte read back.
// WritableFrame.set fills an acquired frame with the same copy: pieces at offsets, a source inside
// the frame itself (memmove), and the arguments it refuses without touching the frame.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { ClosedError, InvalidArgumentError, InvalidStateError, Reader, Writer, type Frame } from '../src/index';
import { makePattern } from '../src/cli/patterns';
import { closeAfterEachTest, uniqueName } from './helpers';

const track = closeAfterEachTest();
const KiB = 1024;
/** kRepMovsbMinBytes of ring_copy.hpp. */
const REP_MOVSB_MIN = 64 * KiB;

/** The next frame; fails the test when none arrives within a second. */
function next(r: Reader): Frame {
  const f = r.readSync(1000);
  assert.ok(f !== null, 'a frame within 1 s');
  return f;
}

async function pair(payloadSize: number): Promise<{ r: Reader; w: Writer }> {
  const name = uniqueName();
  const r = track(await Reader.create(name, { metadataSize: 0, payloadSize }));
  return { r, w: track(await Writer.connect(name)) };
}

/** `size` bytes of the sequential pattern starting at `seed`, at an odd byte offset of their buffer. */
function oddSource(size: number, seed: number): Uint8Array {
  const b = makePattern(size + 3, 'sequential', seed - 3);
  return b.subarray(3, 3 + size);
}

describe('copy path: the payload copy into the ring', () => {
  it('copies every byte of frames below, at and above the rep movsb size, from odd addresses, across odd ring offsets', async () => {
    const sizes = [REP_MOVSB_MIN - 1, REP_MOVSB_MIN, REP_MOVSB_MIN + 1, 5, 1024 * KiB, 1024 * KiB + 17, 333 * KiB + 7];
    const { r, w } = await pair(4 * 1024 * KiB);
    for (const [i, size] of sizes.entries()) {
      const src = oddSource(size, i * 37);
      w.writeSync(src, 1000);
      const f = next(r);
      assert.equal(f.size, size);
      assert.ok(Buffer.from(f.data).equals(src), `frame of ${size} bytes`);
      f.release();
    }
  });

  it('copies from a zero-copy view of the same ring (a frame the Reader still holds)', async () => {
    const size = 256 * KiB;
    const { r, w } = await pair(1024 * KiB);
    const first = oddSource(size, 11);
    w.writeSync(first, 1000);
    const held = next(r);
    assert.equal(held.isZeroCopy, true);
    w.writeSync(held.data, 1000); // source and destination in one mapping, disjoint ranges
    const second = next(r);
    assert.ok(Buffer.from(second.data).equals(first));
    assert.ok(Buffer.from(held.data).equals(first), 'the source frame is unchanged');
    held.release();
    second.release();
  });

  it('writeMany copies large frames the same way', async () => {
    const { r, w } = await pair(4 * 1024 * KiB);
    const frames = [oddSource(REP_MOVSB_MIN + 5, 1), oddSource(700 * KiB + 1, 2), oddSource(REP_MOVSB_MIN - 9, 3)];
    assert.equal(w.writeManySync(frames, 1000), 3n);
    for (const src of frames) {
      const f = next(r);
      assert.ok(Buffer.from(f.data).equals(src));
      f.release();
    }
  });
});

describe('WritableFrame.set: an acquired frame filled with the copy path\'s copy', () => {
  it('copies pieces at offsets, below, at and above the rep movsb size, from odd addresses', async () => {
    const { r, w } = await pair(4 * 1024 * KiB);
    for (const [i, size] of [REP_MOVSB_MIN - 1, REP_MOVSB_MIN, 1024 * KiB + 17, 3 * REP_MOVSB_MIN + 5].entries()) {
      const whole = oddSource(size, i * 53);
      const cut = Math.floor(size / 3) + 1; // an odd place inside the frame
      const f = w.acquireSync(size, 1000);
      f.set(whole.subarray(0, cut));
      f.set(whole.subarray(cut), cut);
      f.commit();
      const got = next(r);
      assert.ok(Buffer.from(got.data).equals(whole), `frame of ${size} bytes in two pieces`);
      got.release();
    }
  });

  it('copies a source inside the frame itself as memmove does', async () => {
    const { r, w } = await pair(1024 * KiB);
    const size = 3 * REP_MOVSB_MIN;
    const f = w.acquireSync(size, 1000);
    f.set(oddSource(size, 7));
    const expected = Uint8Array.from(f.data).copyWithin(5, 0, 2 * REP_MOVSB_MIN);
    f.set(f.data.subarray(0, 2 * REP_MOVSB_MIN), 5); // forward, overlapping
    f.set(f.data.subarray(9, 9 + REP_MOVSB_MIN), 2); // backward, overlapping
    expected.copyWithin(2, 9, 9 + REP_MOVSB_MIN);
    f.commit();
    const got = next(r);
    assert.ok(Buffer.from(got.data).equals(expected));
    got.release();
  });

  it('refuses what does not fit, bad offsets and non-Uint8Array sources, leaving the frame as it was', async () => {
    const { r, w } = await pair(64 * KiB);
    const f = w.acquireSync(100, 1000);
    f.set(oddSource(100, 3));
    const before = Uint8Array.from(f.data);
    const refused: Array<[string, () => void]> = [
      ['101 bytes', () => f.set(new Uint8Array(101))],
      ['offset past the end', () => f.set(new Uint8Array(10), 91)],
      ['offset 101, empty source', () => f.set(new Uint8Array(0), 101)],
      ['negative offset', () => f.set(new Uint8Array(1), -1)],
      ['fractional offset', () => f.set(new Uint8Array(1), 1.5)],
      ['NaN offset', () => f.set(new Uint8Array(1), NaN)],
      ['Int8Array', () => f.set(new Int8Array(4) as unknown as Uint8Array)],
      ['array', () => f.set([1, 2] as unknown as Uint8Array)],
    ];
    for (const [what, call] of refused) {
      assert.throws(call, (e: unknown) => e instanceof InvalidArgumentError && e.code === 'ZB_INVALID_ARGUMENT', what);
    }
    assert.ok(Buffer.from(f.data).equals(before), 'the frame is unchanged');
    f.set(new Uint8Array(0), 100); // an empty copy at the end fits
    f.commit();
    const got = next(r);
    assert.ok(Buffer.from(got.data).equals(before));
    got.release();
  });

  it('refuses a frame that is no longer pending: committed, aborted, or its Writer closed', async () => {
    const { w } = await pair(64 * KiB);
    const committed = w.acquireSync(8, 1000);
    committed.commit();
    assert.throws(() => committed.set(new Uint8Array(1)), InvalidStateError);
    const aborted = w.acquireSync(8, 1000);
    aborted.abort();
    assert.throws(() => aborted.set(new Uint8Array(1)), InvalidStateError);
    const orphan = w.acquireSync(8, 1000);
    w.close();
    assert.throws(() => orphan.set(new Uint8Array(1)), ClosedError);
  });
});
