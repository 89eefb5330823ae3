// The copy path's payload copy into the ring (native/posix/ring_copy.hpp): frames around the size
// from which it copies with `rep movsb`, from sources at odd addresses into ring positions that are
// not line-aligned, and from a zero-copy view of the very ring being written — every byte read back.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Reader, Writer, type Frame } from '../src/index';
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
