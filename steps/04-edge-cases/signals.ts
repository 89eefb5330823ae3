// Feature 04 — semaphore signal coalescing (scenario 4.2): X07–X11. The data semaphore is posted
// once per published frame; frames written while the reader sleeps must leave exactly that many
// posts, and a reader that drains them must end with a zero semaphore and no phantom wake-up.
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectTrue, fail } from '../../harness/assert';
import { framePattern } from '../../harness/model/patterns';
import { T_QUIET, T_READ, T_WRITE } from '../../harness/model/timing';
import { write } from '../../harness/servo/actions/write';
import { checkF, read, releaseChecked } from '../../harness/servo/actions/read';
import type { ServoContext } from '../../harness/servo/context';
import type { HeldFrame } from '../../harness/servo/state/held-frames';
import type { ReaderEntry } from '../../harness/servo/state/objects';

/** Frames of X07 are F(100, seq) (steps.md X07). */
const RAPID_FRAME_SIZE = 100;

/** What X09 observed on a reader: semaphore and unconsumed count before, the frames drained. */
interface Drain {
  semBefore: number;
  unconsumedBefore: bigint;
  sequences: bigint[];
  /** The read that ended the drain returned null (no phantom wake-up, no error). */
  endedWithNull: boolean;
}

const drains = new WeakMap<ReaderEntry, Drain>();

function requireDrain(ctx: ServoContext): Drain {
  const e = ctx.objects.requireReader();
  const d = drains.get(e);
  if (d === undefined) fail(`reader ${e.name} has not woken to process all frames (no drain recorded)`);
  return d;
}

defineStep({
  id: 'X07',
  keyword: 'When',
  pattern: "the '{role}' process writes '{uint}' frames rapidly without reader consuming",
  runsIn: 'process',
  bound: (_role: string, count: number) => count * T_WRITE + 5000,
  summary: `SNAP; write count frames F(${RAPID_FRAME_SIZE}, next) back-to-back (T_write each); none may have WAITED; payload_read_count unchanged at the end.`,
  servo: async (ctx, _role: string, count: number) => {
    const w = ctx.objects.requireWriter();
    await ctx.writes.settle(w);
    const before = ctx.snapWriter(w);
    for (let i = 0; i < count; i++) {
      const r = await write(ctx, w, framePattern(RAPID_FRAME_SIZE, w.nextSeq), T_WRITE);
      expectEqual(
        `frame ${i + 1} of ${count} (sequence ${r.sequence}) WAITED (RING MODEL on the SNAP before: wp ${r.before.oieb.payloadWritePos}, free ${r.before.oieb.payloadFreeBytes})`,
        false,
        r.waited,
      );
    }
    const after = ctx.snapWriter(w);
    expectEqual(`payload_read_count after writing ${count} frames (the reader must not consume)`, before.oieb.payloadReadCount, after.oieb.payloadReadCount);
  },
});

defineStep({
  id: 'X08',
  keyword: 'Then',
  pattern: "the '{role}' process the semaphore count should represent pending frames",
  runsIn: 'process',
  summary:
    'Data-semaphore value = payload_written_count − payload_read_count = frames this writer published that the reader has not consumed; must be ≥ 1.',
  servo: (ctx) => {
    const w = ctx.objects.requireWriter();
    const s = ctx.snapWriter(w);
    const unconsumed = s.oieb.payloadWrittenCount - s.oieb.payloadReadCount;
    const c = `written ${s.oieb.payloadWrittenCount} − read ${s.oieb.payloadReadCount}`;
    expectEqual(`data semaphore (sem-w) value = unconsumed frames (${c})`, unconsumed, s.sem.data);
    expectTrue(`unconsumed frames (${c}) ≥ 1`, unconsumed >= 1n, unconsumed);
    expectTrue(
      `unconsumed frames (${c}) ≤ frames this writer published (${w.published})`,
      unconsumed <= BigInt(w.published),
      unconsumed,
    );
    return { semaphore: s.sem.data, unconsumed: String(unconsumed) };
  },
});

defineStep({
  id: 'X09',
  keyword: 'When',
  pattern: "the '{role}' process wakes and processes all frames",
  runsIn: 'process',
  summary:
    'Record P0 = data-semaphore value and U0 = written − read; read (T_read first, then T_quiet) until a read returns null, validating each frame (next expected sequence, F data) and releasing it.',
  servo: async (ctx) => {
    const e = ctx.objects.requireReader();
    const s = ctx.snapReader(e);
    if (s.sem.data === null) fail(`data semaphore of ${e.name} could not be read`);
    const d: Drain = { semBefore: s.sem.data, unconsumedBefore: s.oieb.payloadWrittenCount - s.oieb.payloadReadCount, sequences: [], endedWithNull: false };
    drains.set(e, d);
    for (;;) {
      const expected = e.expectedNext;
      let h: HeldFrame | null;
      try {
        h = await read(ctx, d.sequences.length === 0 ? T_READ : T_QUIET);
      } catch (err) {
        fail(`read #${d.sequences.length + 1} while processing all frames (expecting sequence ${expected}): ${describeError(err)}`);
      }
      if (h === null) break;
      expectEqual(`frame #${d.sequences.length + 1}: sequence = next expected`, expected, h.sequence);
      checkF(`frame #${d.sequences.length + 1}`, h);
      releaseChecked(ctx, h);
      d.sequences.push(h.sequence);
    }
    d.endedWithNull = true;
    return { frames: d.sequences.length, semaphoreBefore: d.semBefore, unconsumedBefore: String(d.unconsumedBefore) };
  },
});

defineStep({
  id: 'X10',
  keyword: 'Then',
  pattern: "the '{role}' process all frames should be read correctly",
  runsIn: 'process',
  summary: 'X09 read exactly U0 = P0 ≥ 1 frames, with consecutive sequences and valid data.',
  servo: (ctx) => {
    const d = requireDrain(ctx);
    expectEqual('data-semaphore value before processing (P0) = unconsumed frames (U0 = written − read)', d.unconsumedBefore, d.semBefore);
    expectTrue('frames pending before processing (P0) ≥ 1', d.semBefore >= 1, d.semBefore);
    expectEqual('frames read while processing all frames = U0', d.unconsumedBefore, d.sequences.length);
    for (let i = 1; i < d.sequences.length; i++) expectEqual(`sequence of frame #${i + 1} = previous + 1`, d.sequences[i - 1]! + 1n, d.sequences[i]!);
  },
});

defineStep({
  id: 'X11',
  keyword: 'Then',
  pattern: "the '{role}' process the coalesced signals should be handled properly",
  runsIn: 'process',
  summary: 'After X09: data-semaphore value 0, payload_written_count = payload_read_count, and X09’s final read returned null (no phantom wake-up, no error).',
  servo: (ctx) => {
    const d = requireDrain(ctx);
    const s = ctx.snapReader();
    expectEqual('data semaphore (sem-w) value after processing all frames', 0, s.sem.data);
    expectEqual('payload_read_count after processing all frames = payload_written_count', s.oieb.payloadWrittenCount, s.oieb.payloadReadCount);
    expectTrue('the read that ended the processing returned null (no phantom wake-up, no error)', d.endedWithNull);
  },
});
