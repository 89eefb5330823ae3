// 100,000 frames of random sizes (1 byte to about half the ring) through a small ring between two
// processes, with full content verification and no SequenceError. Both sides derive every size and
// every byte from a seeded PRNG whose seed travels in argv.
import { after, afterEach, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Reader, WriterDeadError } from '../src/index';
import { Child, killChildren, removeLeftovers, StressStream, uniqueName } from './helpers';

const FRAMES = 100_000;
const RING = 16 * 1024;
// Largest frame with total ≤ (P − 15) / 2: always placeable eventually (§5.10).
const MAX_SIZE = Math.floor((RING - 15) / 2) - 16;

afterEach(async () => {
  await killChildren();
});
after(() => {
  assert.deepEqual(removeLeftovers(), []);
});

it(`${FRAMES} random-size frames across processes, every byte verified`, { timeout: 120_000 }, async () => {
  const seed = (Date.now() ^ process.pid) >>> 0;
  const name = uniqueName('stress');
  const reader = await Reader.create(name, { metadataSize: 0, payloadSize: RING });
  try {
    const child = new Child('xp-writer.js', ['stress', name, String(seed), String(FRAMES), String(MAX_SIZE)]);
    const stream = new StressStream(seed, MAX_SIZE);
    const expected = Buffer.alloc(MAX_SIZE);
    let bytes = 0;
    for (let k = 0; k < FRAMES; k++) {
      const f = await reader.read(10_000);
      assert.ok(f !== null, `timeout at frame ${k} (seed ${seed}); writer stderr: ${child.stderr}`);
      const { size, start } = stream.next();
      assert.equal(f.sequence, BigInt(k + 1));
      assert.equal(f.size, size, `size of frame ${k} (seed ${seed})`);
      const exp = expected.subarray(0, size);
      StressStream.fill(exp, k, start);
      if (!Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength).equals(exp)) {
        assert.fail(`content of frame ${k} differs (seed ${seed})`);
      }
      bytes += size;
      f.release();
    }
    await assert.rejects(reader.read(10_000), WriterDeadError, 'writer closed after the last frame');
    const ev = await child.waitEvent('done');
    assert.equal(ev.count, FRAMES);
    assert.equal((await child.exit).code, 0);
    const o = reader.oiebSnapshot();
    assert.equal(o.payloadFreeBytes, BigInt(RING));
    assert.equal(o.payloadWrittenCount, o.payloadReadCount);
    assert.ok(bytes > FRAMES, 'random sizes');
  } finally {
    reader.close();
  }
});
