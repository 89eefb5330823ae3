// Streams that never wait still let the event loop turn (src/event-loop.ts): an async read that
// finds frames ready, or a write or acquire that finds space, settles without one, so a stream
// never short of frames or space would starve timers, I/O and the freeing of zero-copy views.
// Each loop below keeps its operations ready and ends at the first timer callback; without the
// turns it runs its whole bound and the timer fires only afterwards.
import { after, afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { Reader, Writer } from '../src/index';
import { removeLeftovers, uniqueName } from './helpers';

/** Far more frames than pass in TURN_AFTER_MS (5 ms), far fewer than a test's time allows. */
const BOUND = 200_000;
const SIZE = 4096;

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const x of open.splice(0).reverse()) x.close(); // Writers before their Reader
});
after(() => {
  assert.deepEqual(removeLeftovers(), [], 'closed Readers must leave nothing behind');
});

function pair(): { r: Reader; w: Writer } {
  const name = uniqueName();
  const r = Reader.createSync(name, { metadataSize: 0, payloadSize: 1 << 20 });
  open.push(r);
  const w = Writer.connectSync(name);
  open.push(w);
  return { r, w };
}

/** Runs `step` until a timer set before the loop has fired (or BOUND steps); returns the steps run. */
async function untilTimer(step: () => Promise<void>): Promise<number> {
  let fired = false;
  setTimeout(() => (fired = true), 1);
  let steps = 0;
  while (!fired && steps < BOUND) {
    await step();
    steps++;
  }
  assert.equal(fired, true, `the timer did not fire during ${steps} ready operations`);
  return steps;
}

const frame = new Uint8Array(SIZE).fill(7);

/** Reads and releases every frame there is, without waiting. */
function drain(r: Reader): void {
  for (let b = r.readManySync({ timeoutMs: 0 }); b.length > 0; b = r.readManySync({ timeoutMs: 0 })) for (const f of b) f.release();
}

describe('event loop turns during a stream of ready operations', () => {
  it('await readMany() over a ring that always has frames (zero-copy views)', async () => {
    const { r, w } = pair();
    await untilTimer(async () => {
      w.writeSync(frame, 0);
      const batch = await r.readMany({ copyMaxBytes: 0 });
      assert.equal(batch.length, 1);
      batch[0]!.release();
    });
  });

  it('for await over frames() while the writer stays ahead', async () => {
    const { r, w } = pair();
    let fired = false;
    setTimeout(() => (fired = true), 1);
    let n = 0;
    w.writeSync(frame, 0);
    for await (const f of r.frames({ copyMaxBytes: 0 })) {
      f.release();
      if (fired || ++n === BOUND) break;
      w.writeSync(frame, 0);
    }
    assert.equal(fired, true, `the timer did not fire during ${n} frames`);
  });

  it('await write(), acquire() and writeMany() while the reader keeps up', async () => {
    const { r, w } = pair();
    await untilTimer(async () => {
      await w.write(frame);
      drain(r);
    });
    await untilTimer(async () => {
      const f = await w.acquire(SIZE);
      f.data.set(frame);
      f.commit();
      drain(r);
    });
    await untilTimer(async () => {
      await w.writeMany([frame, frame]);
      drain(r);
    });
  });
});
