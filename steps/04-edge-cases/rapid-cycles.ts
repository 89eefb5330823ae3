// Feature 04 — rapid write-read cycles (4.9): X39–X43. X42 also serves the writer side of 6.3.
import { defineStep } from '../../harness/registry';
import { expectEqual, expectTrue, fail } from '../../harness/assert';
import { isPidAlive } from '../../harness/diagnostics/pids';
import { LOOP_CAP, now, sleep } from '../../harness/model/timing';
import { scaled } from '../../harness/model/scale';
import { startBulkWriter } from '../../harness/servo/actions/bulk-writer';
import { latestContinuousWriter, stopContinuousWriter } from '../../harness/servo/actions/continuous-writer';
import { expectNoSequenceErrors } from '../../harness/servo/actions/read';
import { ReaderLoop, checkAcceptedSequences, requireLoop, runCappedReaderLoop } from '../../harness/servo/actions/reader-loop';
import type { ServoContext } from '../../harness/servo/context';

/** X39 at smoke scale (steps.md §3.6): SCALE(quoted; 2000), never more than quoted. */
const X39_SMOKE_FRAMES = 2000;
/** X42 writer side: how long the reader may take to consume every published frame. */
const DRAIN_LIMIT_MS = 15_000;
const DRAIN_POLL_MS = 50;
/** X43: a gap between consecutive frames this long counts as a stall. */
const DEADLOCK_GAP_MS = 2000;

defineStep({
  id: 'X39',
  keyword: 'When',
  pattern: "the '{role}' process writes '{uint}' frames of size '{uint}' rapidly",
  runsIn: 'process',
  summary: `Start a BULK WRITER of SCALE(count; smoke ${X39_SMOKE_FRAMES}) frames F(size, seq) (as B24): returns after the first write; the writer is closed after the last frame.`,
  servo: async (ctx, _role: string, count: number, size: number) => {
    const frames = scaled(count, Math.min(count, X39_SMOKE_FRAMES));
    await startBulkWriter(ctx, frames, size);
    return { frames };
  },
});

defineStep({
  id: 'X40',
  keyword: 'When',
  pattern: "the '{role}' process reads all frames and signals immediately",
  runsIn: 'process',
  boundMs: LOOP_CAP + 5000,
  summary:
    'Foreground READER LOOP with no delay, releasing every frame right after validation; cap 120 s; records end reason and longest inter-frame gap. Fails only on cap or a non-ZeroBuffer exception.',
  servo: async (ctx) => {
    const res = await runCappedReaderLoop(ctx, 0);
    return { reason: res.reason, frames: res.accepted.length, longestGapMs: Math.round(res.longestGapMs) };
  },
});

defineStep({
  id: 'X41',
  keyword: 'Then',
  pattern: 'all sequence numbers should be correct',
  runsIn: 'process',
  summary: "The loop's accepted sequences are non-empty, start at 1 and increase by exactly 1; no SequenceError recorded.",
  servo: (ctx) => {
    checkAcceptedSequences(requireLoop(ctx), 1n);
    expectNoSequenceErrors(ctx);
  },
});

/** Reader side: graceful end of stream with everything consumed. */
function checkNothingLostByReader(ctx: ServoContext): void {
  const l = requireLoop(ctx);
  expectEqual(`how the last reader loop ended (${l.detail})`, 'eos', l.reason);
  expectTrue('the last reader loop accepted at least one frame', l.accepted.length >= 1, l.accepted.length);
  const o = ctx.snapReader().oieb;
  expectEqual('payload_read_count = payload_written_count (every published frame consumed)', o.payloadWrittenCount, o.payloadReadCount);
}

/** Writer side: after the continuous writer stops, the reader consumes every published frame within 15 s. */
async function checkNothingLostByWriter(ctx: ServoContext): Promise<void> {
  await stopContinuousWriter(ctx);
  const w = ctx.objects.requireWriter();
  const t0 = now();
  let o = w.writer.oiebSnapshot();
  while (o.payloadReadCount < o.payloadWrittenCount && now() - t0 < DRAIN_LIMIT_MS) {
    await sleep(DRAIN_POLL_MS);
    o = w.writer.oiebSnapshot();
  }
  expectEqual(`payload_read_count within ${DRAIN_LIMIT_MS} ms of stopping the writer (= payload_written_count)`, o.payloadWrittenCount, o.payloadReadCount);
  expectTrue(`OIEB reader_pid ${o.readerPid} alive`, isPidAlive(o.readerPid));
  ctx.logger.info({ frames: o.payloadWrittenCount, drainMs: Math.round(now() - t0) }, 'every published frame consumed');
}

defineStep({
  id: 'X42',
  keyword: 'Then',
  pattern: 'no frames should be lost',
  runsIn: 'process',
  boundMs: DRAIN_LIMIT_MS + 5000,
  summary:
    'In a process with a reader loop: the last loop ended with eos, accepted ≥ 1 frame, payload_written_count = payload_read_count. In a process with a continuous writer: stop it, then within 15 s payload_read_count reaches payload_written_count and reader_pid is alive.',
  servo: async (ctx) => {
    const writer = latestContinuousWriter(ctx) !== null;
    const reader = ctx.background.latest(ReaderLoop) !== null || ctx.background.lastLoop !== null;
    if (writer && reader) fail(`process '${ctx.role}' holds both a continuous writer and a reader loop: 'no frames should be lost' has no single meaning here`);
    if (writer) return checkNothingLostByWriter(ctx);
    if (reader) return checkNothingLostByReader(ctx);
    fail(`process '${ctx.role}' holds neither a reader loop result nor a continuous writer`);
  },
});

defineStep({
  id: 'X43',
  keyword: 'Then',
  pattern: 'no deadlocks should occur',
  runsIn: 'process',
  summary: `The last loop ended with eos (not idle, writer-crash or cap) and its longest gap between consecutive frames was < ${DEADLOCK_GAP_MS / 1000} s.`,
  servo: (ctx) => {
    const l = requireLoop(ctx);
    expectEqual(`how the last reader loop ended (${l.detail})`, 'eos', l.reason);
    expectTrue(`longest gap between consecutive frames (${Math.round(l.longestGapMs)} ms) < ${DEADLOCK_GAP_MS} ms`, l.longestGapMs < DEADLOCK_GAP_MS);
  },
});
