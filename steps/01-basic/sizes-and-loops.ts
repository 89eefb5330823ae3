// Feature 01 — mixed sizes, bulk writer and reader loop: B22–B28.
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectTrue, fail } from '../../harness/assert';
import { simplePattern } from '../../harness/model/patterns';
import { T_WRITE, LOOP_CAP } from '../../harness/model/timing';
import { startPendingWrite } from '../../harness/servo/actions/write';
import { mustRead, checkS, expectNoSequenceErrors } from '../../harness/servo/actions/read';
import { startBulkWriter } from '../../harness/servo/actions/bulk-writer';
import { checkAcceptedSequences, requireLoop, runCappedReaderLoop } from '../../harness/servo/actions/reader-loop';

defineStep({
  id: 'B22',
  keyword: 'When',
  pattern: "the '{role}' process writes frame with size '{uint}'",
  runsIn: 'process',
  summary:
    'Pending-capable write of S(size) with T_write: an error within T_settle fails the step; still unsettled after T_settle → stays pending (a later step examines it).',
  servo: async (ctx, _role: string, size: number) => {
    const w = ctx.objects.requireWriter();
    const p = await startPendingWrite(ctx, w, simplePattern(size), T_WRITE);
    if (p.settled) {
      p.observed = true;
      if (p.outcome !== null && !p.outcome.ok) fail(`write of S(${size}): expected success or pending, observed ${describeError(p.outcome.error)}`);
      return { settled: true };
    }
    ctx.logger.info({ size, seq: p.expectedSeq }, 'write still pending after T_settle');
    return { settled: false };
  },
});

defineStep({
  id: 'B23',
  keyword: 'Then',
  pattern: "the '{role}' process should read {count} frames with sizes '{sizes}' in order",
  runsIn: 'process',
  summary:
    'count must equal the number of listed sizes. Read count frames (T_read each): frame k has size sizes[k], sequence = previous + 1 and data S(size); each is released after validation.',
  servo: async (ctx, _role: string, count: number, sizes: number[]) => {
    expectEqual('number of listed sizes = quoted frame count', count, sizes.length);
    let prev = ctx.objects.requireReader().expectedNext - 1n;
    for (let k = 0; k < count; k++) {
      const h = await mustRead(ctx);
      expectEqual(`frame ${k + 1} of ${count}: size`, sizes[k], h.size);
      expectEqual(`frame ${k + 1} of ${count}: sequence = previous + 1`, prev + 1n, h.sequence);
      checkS(`frame ${k + 1} of ${count}`, h);
      prev = h.sequence;
      ctx.frames.release(h);
    }
  },
});

defineStep({
  id: 'B24',
  keyword: 'When',
  pattern: "the '{role}' process writes '{uint}' frames of size '{uint}' as fast as possible",
  runsIn: 'process',
  summary: 'Start a BULK WRITER of count frames F(size, seq) in the background; returns after the first write completed (fails if it failed). The writer is closed after the last frame.',
  servo: async (ctx, _role: string, count: number, size: number) => {
    await startBulkWriter(ctx, count, size);
    return { started: true };
  },
});

defineStep({
  id: 'B25',
  keyword: 'When',
  pattern: "the '{role}' process reads frames with '{uint}' ms delay between each read",
  runsIn: 'process',
  boundMs: LOOP_CAP + 5000,
  summary:
    'Run a READER LOOP in the foreground (content F), sleeping delay ms after releasing each frame, until it ends (cap 120 s). Fails only on cap or a non-ZeroBuffer exception; results are asserted by B26–B28.',
  servo: async (ctx, _role: string, delay: number) => {
    const res = await runCappedReaderLoop(ctx, delay);
    return { reason: res.reason, frames: res.accepted.length };
  },
});

defineStep({
  id: 'B26',
  keyword: 'Then',
  pattern: "the '{role}' process should have read '{uint}' frames",
  runsIn: 'process',
  summary: 'The last reader loop accepted exactly count frames.',
  servo: (ctx, _role: string, count: number) => {
    const l = requireLoop(ctx);
    expectEqual(`frames accepted by the last reader loop (ended: ${l.reason}${l.detail ? ` — ${l.detail}` : ''})`, count, l.accepted.length);
  },
});

defineStep({
  id: 'B27',
  keyword: 'Then',
  pattern: "the '{role}' process should verify all frames have sequential sequence numbers starting from '{u64}'",
  runsIn: 'process',
  summary: "The last loop's accepted sequences are non-empty, start at first and increase by exactly 1.",
  servo: (ctx, _role: string, first: bigint) => {
    checkAcceptedSequences(requireLoop(ctx), first);
  },
});

defineStep({
  id: 'B28',
  keyword: 'Then',
  pattern: 'no sequence errors should have occurred',
  runsIn: 'process',
  summary: 'No SequenceError was raised by any read of this process during the scenario, and the last reader loop did not end with validation-error.',
  servo: (ctx) => {
    expectNoSequenceErrors(ctx);
    if (ctx.background.lastLoop !== null) {
      ctx.background.lastLoop.observed = true;
      expectTrue(`the last reader loop did not end with validation-error (${ctx.background.lastLoop.detail})`, ctx.background.lastLoop.reason !== 'validation-error', ctx.background.lastLoop.reason);
    }
  },
});
