// Feature 05 — the reader dies while the writer works (scenario 5.3): a large write is started
// (C06), the reader is SIGKILLed (C07), the write that fitted is published anyway (C08), and the
// next write reports the dead reader (C09–C11).
import { ReaderDeadError, ZeroBufferError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { simplePattern } from '../../harness/model/patterns';
import { T_WRITE } from '../../harness/model/timing';
import { awaitSettled, checkWriterUnchanged, lastRecordedWrite, recordedWrite, startPendingWrite } from '../../harness/servo/actions/write';

/** C10: the failed write must have ended within its timeout plus this margin. */
const DETECTION_MARGIN_MS = 1000;

defineStep({
  id: 'C06',
  keyword: 'When',
  pattern: "the '{role}' process starts writing large frame of '{uint}' bytes",
  runsIn: 'process',
  summary: 'SNAP; pending-capable write of S(size) with T_write; an error within T_settle fails the step.',
  servo: async (ctx, _role: string, size: number) => {
    const p = await startPendingWrite(ctx, ctx.objects.requireWriter(), simplePattern(size), T_WRITE);
    if (p.settled && p.outcome?.ok !== true) {
      p.observed = true;
      fail(`the ${size}-byte write failed within T_settle: ${describeError(p.outcome?.error)}`);
    }
    return { settled: p.settled };
  },
});

defineStep({
  id: 'C07',
  keyword: 'When',
  pattern: "the '{role}' process crashes while write in progress",
  runsIn: 'host-role',
  boundMs: 10_000,
  summary:
    "Real SIGKILL (steps.md §1.3), regardless of the writer's progress: wait for exit and reaping (≤ 5 s), exit caused by SIGKILL, role marked dead; the victim's PID is still recorded in the scenario buffer's OIEB slot it occupied.",
  host: (hctx, role: string) => hctx.killRole(role),
});

defineStep({
  id: 'C08',
  keyword: 'Then',
  pattern: "the '{role}' process completes write operation",
  runsIn: 'process',
  boundMs: T_WRITE + 5_000,
  summary: 'The write started by C06/A08 settles within T_write + 1 s and succeeded (a frame that fitted is published whatever happens to the reader).',
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const p = ctx.writes.requirePending(w, 'completes write operation');
    await awaitSettled(p, 'completes write operation');
    p.observed = true;
    if (p.outcome?.ok !== true) fail(`the ${p.size}-byte write (sequence ${p.expectedSeq}): expected success, observed ${describeError(p.outcome?.error)}`);
    return { sequence: String(p.expectedSeq), elapsedMs: Math.round(p.outcome.elapsedMs) };
  },
});

defineStep({
  id: 'C09',
  keyword: 'When',
  pattern: "the '{role}' process attempts next operation",
  runsIn: 'process',
  boundMs: T_WRITE + 5_000,
  summary: "SNAP; attempt S(s), s = size of the previous write (this writer's last published frame), with T_write; record lastWrite with elapsed time.",
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    // an earlier pending write is settled first: its size is the previous write's
    await ctx.writes.settle(w);
    const size = w.lastFrameSize;
    if (size === null) fail(`writer ${w.name} has written no frame yet (the size of the previous write is unknown)`);
    const r = await recordedWrite(ctx, w, simplePattern(size), T_WRITE);
    return { size, ok: r.ok, elapsedMs: Math.round(r.elapsedMs) };
  },
});

defineStep({
  id: 'C10',
  keyword: 'Then',
  pattern: "the '{role}' process should detect reader death",
  runsIn: 'process',
  summary: `lastWrite failed (any ZeroBufferError) within T_write + ${DETECTION_MARGIN_MS / 1000} s, and isReaderConnected() is false.`,
  servo: (ctx) => {
    const w = ctx.objects.requireWriter();
    const { size, result: r } = lastRecordedWrite(ctx);
    if (r.ok) fail(`lastWrite (S(${size})): expected a failure (the reader is dead), observed success`);
    expectTrue(`lastWrite (S(${size})) failed with a ZeroBufferError`, r.error instanceof ZeroBufferError, describeError(r.error));
    const limit = T_WRITE + DETECTION_MARGIN_MS;
    expectTrue(`lastWrite (S(${size})) failed within T_write + ${DETECTION_MARGIN_MS} ms = ${limit} ms (elapsed ${r.elapsedMs.toFixed(1)} ms)`, r.elapsedMs <= limit);
    expectEqual(`writer ${w.name}: isReaderConnected()`, false, w.writer.isReaderConnected());
  },
});

defineStep({
  id: 'C11',
  keyword: 'Then',
  pattern: "the '{role}' process should throw reader dead exception",
  runsIn: 'process',
  summary: 'lastWrite failed with ReaderDeadError ZB_READER_DEAD; UNCHANGED versus its SNAP.',
  servo: (ctx) => {
    const w = ctx.objects.requireWriter();
    const { size, result: r } = lastRecordedWrite(ctx);
    expectErrorClassCode(`lastWrite (S(${size}))`, r.ok ? undefined : r.error, ReaderDeadError, 'ZB_READER_DEAD');
    checkWriterUnchanged(`the ${size}-byte write to a dead reader`, w, r.before, ctx.snapWriter(w), r.seqBefore);
  },
});
