// Unit tests of the harness's RING MODEL (steps.md §4.5; protocol.md §5.4, §5.5, §5.10), plus a
// seeded fast-check property comparing its capacity with a step-by-step simulation written here.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import {
  FRAME_HEADER,
  afterWrite,
  align64,
  capacity,
  fits,
  placeable,
  placement,
  ringStateOf,
  unplaceable,
  type RingState,
} from '../harness/model/ring-model';

const P = 10240;

describe('harness ring model: placement rule', () => {
  it('frame at wp when there is room for it and a marker after it (ste ≥ T + 16)', () => {
    const p = placement(P, 0, 1024);
    assert.deepEqual(p, { wrap: false, need: 1040, offset: 0, nextWritePos: 1040, markerWritten: false, wastedTail: 0 });
    // ste = T + 16 exactly: still at wp, the tail left is 16 (room for a marker)
    const wp = P - (1040 + 16);
    assert.deepEqual(placement(P, wp, 1024), { wrap: false, need: 1040, offset: wp, nextWritePos: wp + 1040, markerWritten: false, wastedTail: 0 });
  });

  it('exact fit (ste = T): frame at wp, needs T, write position becomes 0 (never P)', () => {
    const wp = P - 1040;
    const p = placement(P, wp, 1024);
    assert.equal(p.wrap, false);
    assert.equal(p.need, 1040);
    assert.equal(p.offset, wp);
    assert.equal(p.nextWritePos, 0);
    // the whole ring as one frame
    assert.deepEqual(placement(P, 0, P - 16), { wrap: false, need: P, offset: 0, nextWritePos: 0, markerWritten: false, wastedTail: 0 });
  });

  it('early wrap: a tail of 1–15 bytes after the frame is never left; the frame goes to 0 with a marker', () => {
    for (let tail = 1; tail <= 15; tail++) {
      const ste = 1040 + tail;
      const wp = P - ste;
      const p = placement(P, wp, 1024);
      assert.equal(p.wrap, true, `tail ${tail}: wraps`);
      assert.equal(p.offset, 0);
      assert.equal(p.need, ste + 1040, `tail ${tail}: needs ste + T`);
      assert.equal(p.markerWritten, true, `tail ${tail}: ste = ${ste} ≥ 16, so a marker is written`);
      assert.equal(p.wastedTail, ste);
      assert.equal(p.nextWritePos, 1040);
    }
  });

  it('wrap with marker when ste < T and ste ≥ 16; without marker when ste < 16 (tail left by another writer)', () => {
    const withMarker = placement(P, P - 16, 1024);
    assert.deepEqual(withMarker, { wrap: true, need: 16 + 1040, offset: 0, nextWritePos: 1040, markerWritten: true, wastedTail: 16 });
    const big = placement(P, P - 1039, 1024);
    assert.equal(big.wrap, true);
    assert.equal(big.need, 1039 + 1040);
    assert.equal(big.markerWritten, true);
    for (const ste of [1, 8, 15]) {
      const p = placement(P, P - ste, 100);
      assert.equal(p.wrap, true);
      assert.equal(p.markerWritten, false, `ste ${ste} < 16: no marker`);
      assert.equal(p.need, ste + 116);
      assert.equal(p.wastedTail, ste);
    }
  });

  it('wp = P (left by another writer) is treated as 0', () => {
    assert.deepEqual(placement(P, P, 1024), placement(P, 0, 1024));
  });

  it('fits iff F ≥ need', () => {
    const st = (wp: number, free: number): RingState => ({ payloadSize: P, writePos: wp, freeBytes: free });
    assert.equal(fits(st(0, 1040), 1024), true);
    assert.equal(fits(st(0, 1039), 1024), false);
    // wrap: needs ste + T
    assert.equal(fits(st(P - 880, 1920), 1024), true);
    assert.equal(fits(st(P - 880, 1919), 1024), false);
  });
});

describe('harness ring model: placeable sizes', () => {
  it('P = 64: 1–32 and 48 are placeable; 0, 33–47, 49+ are not', () => {
    for (let size = 0; size <= 80; size++) {
      const expected = (size >= 1 && size <= 32) || size === 48;
      assert.equal(placeable(64, size), expected, `P = 64, size ${size}`);
    }
  });

  it('P = 10240: 10224 and 10208 yes; 10209–10223 and 10225 no', () => {
    assert.equal(placeable(P, 10224), true);
    assert.equal(placeable(P, 10208), true);
    for (let s = 10209; s <= 10223; s++) assert.equal(placeable(P, s), false, `size ${s}`);
    assert.equal(placeable(P, 10225), false);
    assert.equal(placeable(P, 0), false);
    assert.equal(placeable(P, 1), true);
  });

  it('a size is placeable iff an empty ring can take one frame of it', () => {
    for (const ringSize of [64, 128, 1024, P]) {
      for (let size = 1; size <= ringSize + 1; size++) {
        assert.equal(placeable(ringSize, size), capacity({ payloadSize: ringSize, writePos: 0, freeBytes: ringSize }, size) >= 1, `P ${ringSize}, size ${size}`);
      }
    }
  });
});

describe('harness ring model: capacity and unplaceable frames', () => {
  it('capacity for 1024-byte frames in an empty 10240-byte ring is 9', () => {
    assert.equal(capacity({ payloadSize: P, writePos: 0, freeBytes: P }, 1024), 9);
  });

  it('capacity from a state with wp and free bytes set', () => {
    // two frames written, the first released: wp = 2080, F = 9200. Frames at 2080 … 8320 (7), then
    // ste = 880 < 1040 → wrap needs 880 + 1040 = 1920 = F → fits exactly: 8 frames.
    assert.equal(capacity({ payloadSize: P, writePos: 2080, freeBytes: 9200 }, 1024), 8);
    // everything released at wp = 9360: the first frame wraps (1920), then 8 more
    assert.equal(capacity({ payloadSize: P, writePos: 9360, freeBytes: P }, 1024), 9);
    // one byte short for the wrap
    assert.equal(capacity({ payloadSize: P, writePos: 2080, freeBytes: 9199 }, 1024), 7);
    assert.equal(capacity({ payloadSize: P, writePos: 0, freeBytes: 0 }, 1), 0);
    // single-byte frames (T = 17): after 601 frames wp = 10217, ste = 23 would leave a 6-byte tail →
    // early wrap needs 23 + 17 = 40 > F = 23
    assert.equal(capacity({ payloadSize: P, writePos: 0, freeBytes: P }, 1), 601);
    assert.equal(capacity({ payloadSize: P, writePos: 0, freeBytes: P }, 10225), 0, 'not placeable → 0');
    assert.equal(capacity({ payloadSize: P, writePos: 0, freeBytes: P }, 1024, 3), 3, 'limit');
  });

  it('afterWrite moves wp and consumes need', () => {
    assert.deepEqual(afterWrite({ payloadSize: P, writePos: 0, freeBytes: P }, 1024), { payloadSize: P, writePos: 1040, freeBytes: P - 1040 });
    assert.deepEqual(afterWrite({ payloadSize: P, writePos: 9360, freeBytes: 5000 }, 1024), { payloadSize: P, writePos: 1040, freeBytes: 5000 - 1920 });
    assert.deepEqual(afterWrite({ payloadSize: P, writePos: P - 1040, freeBytes: 1040 }, 1024), { payloadSize: P, writePos: 0, freeBytes: 0 });
  });

  it('protocol.md §5.10: wp = 116 → a 10224-byte frame is unplaceable (needs 10124 + 10240)', () => {
    const st: RingState = { payloadSize: P, writePos: 116, freeBytes: P };
    assert.equal(placement(P, 116, 10224).need, 10124 + 10240);
    assert.equal(unplaceable(st, 10224), true);
    assert.equal(fits(st, 10224), false);
    assert.equal(capacity(st, 10224), 0);
    assert.equal(unplaceable({ payloadSize: P, writePos: 0, freeBytes: P }, 10224), false, 'at wp = 0 it fills the ring exactly');
  });

  it('protocol.md §5.10: wp = 6160 → a 7168-byte frame needs 4080 + 7184 = 11264 and is unplaceable', () => {
    const st: RingState = { payloadSize: P, writePos: 6160, freeBytes: P };
    const p = placement(P, 6160, 7168);
    assert.equal(p.need, 11264);
    assert.equal(p.wrap, true);
    assert.equal(unplaceable(st, 7168), true);
    assert.equal(unplaceable(st, 4064), false, 'a frame that fits the tail exactly is placeable here');
  });

  it('ringStateOf converts an OIEB snapshot; align64 rounds up to 64', () => {
    assert.deepEqual(ringStateOf({ payloadSize: 10240n, payloadWritePos: 116n, payloadFreeBytes: 10124n }), { payloadSize: 10240, writePos: 116, freeBytes: 10124 });
    assert.deepEqual([0, 1, 63, 64, 65, 10240, 10241].map(align64), [0, 64, 64, 64, 128, 10240, 10304]);
    assert.equal(FRAME_HEADER, 16);
  });
});

// --- property test ---------------------------------------------------------------------------

/**
 * Independent step-by-step simulation: the ring is walked frame by frame, tracking the position
 * and the free count, with the rule stated from protocol.md §5.4/§5.5 (sizes that would leave
 * a 1–15-byte tail at offset 0 are rejected; a frame is placed at the write position only when
 * it ends exactly at the ring end or leaves room for a 16-byte marker).
 */
function simulateCapacity(P: number, wp0: number, free0: number, size: number): number {
  const total = size + 16;
  // §5.4: the frame alone must fit the ring exactly, or leave ≥ 16 bytes after it
  if (size < 1 || !(total === P || P - total >= 16)) return 0;
  let pos = wp0 % P;
  let free = free0;
  let count = 0;
  for (;;) {
    const remaining = P - pos;
    const leftover = remaining - total; // what placing at pos would leave before the ring end
    let cost: number;
    let end: number;
    if (leftover === 0 || leftover >= 16) {
      cost = total;
      end = pos + total;
    } else {
      cost = remaining + total; // waste the tail, place at 0
      end = total;
    }
    if (cost > free) return count;
    free -= cost;
    pos = end === P ? 0 : end;
    count++;
    if (count > 1_000_000) throw new Error('simulation runaway');
  }
}

describe('harness ring model: property test against a step-by-step simulation', () => {
  it('capacity(state, size) equals the simulation for random rings, positions, free counts and sizes (seeded)', () => {
    const t0 = performance.now();
    const arb = fc
      .record({
        P: fc.integer({ min: 1, max: 256 }).map((k) => k * 64),
        wpFrac: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        freeFrac: fc.double({ min: 0, max: 1, noNaN: true }),
        sizeKind: fc.constantFrom('small', 'any', 'edge'),
        sizeFrac: fc.double({ min: 0, max: 1, noNaN: true }),
        edge: fc.integer({ min: -40, max: 8 }),
      })
      .map(({ P, wpFrac, freeFrac, sizeKind, sizeFrac, edge }) => {
        const wp = Math.min(P - 1, Math.floor(wpFrac * P));
        const free = Math.floor(freeFrac * P);
        const size =
          sizeKind === 'small' ? 1 + Math.floor(sizeFrac * 64) : sizeKind === 'edge' ? Math.max(1, P - 16 + edge) : 1 + Math.floor(sizeFrac * P);
        return { P, wp, free, size };
      });
    fc.assert(
      fc.property(arb, ({ P, wp, free, size }) => {
        const model = capacity({ payloadSize: P, writePos: wp, freeBytes: free }, size);
        const sim = simulateCapacity(P, wp, free, size);
        assert.equal(model, sim, `P ${P}, wp ${wp}, free ${free}, size ${size}`);
      }),
      { seed: 20240611, numRuns: 1500 },
    );
    assert.ok(performance.now() - t0 < 1000, 'property test stays under 1 s');
  });

  it('from an empty ring, a writer following the model never leaves wp in (P − 16, P) (protocol.md §5.9)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }).map((k) => k * 64),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }),
        (P, fracs) => {
          let st: RingState = { payloadSize: P, writePos: 0, freeBytes: P };
          for (const f of fracs) {
            const size = Math.max(1, Math.floor(f * (P - 32)));
            if (!placeable(P, size)) continue;
            st = { ...st, freeBytes: P }; // the reader released everything
            if (!fits(st, size)) continue;
            st = afterWrite(st, size);
            assert.ok(st.writePos >= 0 && st.writePos < P, `wp ${st.writePos} within the ring`);
            assert.ok(!(st.writePos > P - 16), `wp ${st.writePos} must not be in (P − 16, P) for P ${P}`);
          }
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});
