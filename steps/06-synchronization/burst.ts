// Feature 06 — frames written in one burst before a late reader: S04–S07.
import { WriterDeadError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { expectEqual, expectTrue } from '../../harness/assert';
import { T_READ, sleepAtLeast } from '../../harness/model/timing';
import { expectNoSequenceErrors, expectReadError } from '../../harness/servo/actions/read';
import { checkAcceptedSequences, checkTargetReached, requireLoop, runReaderLoop } from '../../harness/servo/actions/reader-loop';

defineStep({
  id: 'S04',
  keyword: 'When',
  pattern: "the '{role}' process waits '{uint}' second before reading",
  runsIn: 'process',
  bound: (_role: string, n: number) => n * 1000 + 5000,
  summary: 'Sleep n s on the monotonic clock; elapsed ≥ n s.',
  servo: async (ctx, _role: string, n: number) => {
    const ms = n * 1000;
    const elapsed = await sleepAtLeast(ms);
    expectTrue(`waited ≥ ${n} s on the monotonic clock (elapsed ${(elapsed / 1000).toFixed(3)} s)`, elapsed >= ms);
  },
});

defineStep({
  id: 'S05',
  keyword: 'When',
  pattern: "the '{role}' process reads all '{uint}' frames",
  runsIn: 'process',
  bound: (_role: string, count: number) => count * T_READ + 5000,
  summary:
    'Read exactly count frames (a foreground READER LOOP with target count: T_read without a frame ends it): each has the next expected sequence and data F(size, sequence); release each; record them.',
  servo: async (ctx, _role: string, count: number) => {
    const res = await runReaderLoop(ctx, { content: 'F', target: count, capMs: count * T_READ });
    res.observed = true;
    checkTargetReached(res);
    return { frames: res.accepted.length };
  },
});

defineStep({
  id: 'S06',
  keyword: 'Then',
  pattern: 'all frames should be received correctly',
  runsIn: 'process',
  summary:
    'S05 accepted count frames with sequences 1 … count, and one more read (1 s timeout) ends with WriterDeadError ZB_WRITER_DEAD while writer_pid is 0 (the bulk writer closed; no extra frame).',
  servo: async (ctx) => {
    const l = requireLoop(ctx);
    checkTargetReached(l);
    checkAcceptedSequences(l, 1n);
    await expectReadError(ctx, 1000, `read after the last of ${l.target} frames`, WriterDeadError, 'ZB_WRITER_DEAD');
    expectEqual('OIEB writer_pid at end of stream (graceful close)', 0n, ctx.snapReader().oieb.writerPid);
  },
});

defineStep({
  id: 'S07',
  keyword: 'Then',
  pattern: 'data integrity should be maintained',
  runsIn: 'process',
  summary: 'Every frame of S05 passed full-byte validation, all have the same size (one burst), and no SequenceError was recorded in this process.',
  servo: (ctx) => {
    const l = requireLoop(ctx);
    checkTargetReached(l);
    const size = l.sizes[0];
    l.sizes.forEach((s, i) => {
      if (s !== size) expectEqual(`size of accepted frame #${i + 1} (one burst: every frame has the first frame's size)`, size, s);
    });
    expectNoSequenceErrors(ctx);
  },
});
