// Feature 04 — a continuous writer against a slower reader (4.5): X22–X27. X27's check is shared
// with S11 (feature 06).
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectTrue, fail } from '../../harness/assert';
import { capacity } from '../../harness/model/ring-model';
import { within } from '../../harness/model/timing';
import { startContinuousWriter, stopContinuousWriter } from '../../harness/servo/actions/continuous-writer';
import { checkAcceptedSequences, checkTargetReached, requireLoop, requireRunningLoop, startReaderLoop } from '../../harness/servo/actions/reader-loop';
import type { ServoContext } from '../../harness/servo/context';

/** Frame size of X22's continuous writer (steps.md §6.4). */
const HIGH_SPEED_FRAME_SIZE = 100;
/** X26: share of the writes after the ring's capacity that must have WAITED. */
const WAITED_SHARE = 0.8;
/** X24's own bound; the computed bound count × (delay + 100 ms) + 10 s must fit in it. */
const X24_BOUND_MS = 300_000;

defineStep({
  id: 'X22',
  keyword: 'When',
  pattern: "the '{role}' process writes continuously at high speed",
  runsIn: 'process',
  summary: `Start a CONTINUOUS WRITER of F(${HIGH_SPEED_FRAME_SIZE}, seq) frames.`,
  servo: async (ctx) => {
    await startContinuousWriter(ctx, HIGH_SPEED_FRAME_SIZE);
  },
});

defineStep({
  id: 'X23',
  keyword: 'When',
  pattern: "the '{role}' process reads with '{uint}' ms delay per frame",
  runsIn: 'process',
  summary: 'Start a background READER LOOP (content F, release, then sleep delay ms).',
  servo: (ctx, _role: string, delay: number) => {
    startReaderLoop(ctx, { content: 'F', delayMs: delay });
  },
});

defineStep({
  id: 'X24',
  keyword: 'When',
  pattern: "the '{role}' process the test runs for '{uint}' frames",
  runsIn: 'process',
  boundMs: X24_BOUND_MS,
  summary:
    "Set the running loop's target to count and wait until reached (bound count × (delay + 100 ms) + 10 s): the loop accepts exactly count frames and stops. Fails on the bound or if the loop ended for another reason.",
  servo: async (ctx, _role: string, count: number) => {
    const loop = requireRunningLoop(ctx);
    const pace = loop.options.delayMs ?? loop.options.periodMs ?? 0;
    const bound = count * (pace + 100) + 10_000;
    if (bound > X24_BOUND_MS - 5000) fail(`the wait for ${count} frames (bound ${bound} ms) exceeds this step's ${X24_BOUND_MS / 1000} s bound`);
    expectTrue(`frames accepted before the target was set (${loop.result.accepted.length}) ≤ target ${count}`, loop.result.accepted.length <= count);
    loop.setTarget(count);
    const res = await within(loop.done, bound, null);
    if (res === null) fail(`the reader loop did not reach its target of ${count} frames within ${bound} ms (${loop.result.accepted.length} accepted)`);
    checkTargetReached(res);
    return { frames: res.accepted.length };
  },
});

defineStep({
  id: 'X25',
  keyword: 'Then',
  pattern: "the '{role}' process should receive all frames without loss",
  runsIn: 'process',
  summary: 'The loop ended with target, accepted exactly the target count, first sequence 1, each next = previous + 1, all data valid.',
  servo: (ctx) => {
    const l = requireLoop(ctx);
    checkTargetReached(l);
    checkAcceptedSequences(l, 1n);
  },
});

defineStep({
  id: 'X26',
  keyword: 'Then',
  pattern: "the '{role}' process should block appropriately",
  runsIn: 'process',
  summary: `Stop the continuous writer. C = RING MODEL capacity for its frames in an empty ring of this payload size: frames written must exceed C, and ≥ ${WAITED_SHARE * 100} % of the successful writes after the first C must have WAITED.`,
  servo: async (ctx) => {
    const cw = await stopContinuousWriter(ctx);
    const P = cw.payloadSize;
    const C = capacity({ payloadSize: P, writePos: 0, freeBytes: P }, cw.size);
    expectTrue(`frames written (${cw.written}) > C = ${C}, the capacity of an empty ${P}-byte ring for ${cw.size}-byte frames`, cw.written > C);
    const after = cw.waitedAfter(C);
    expectTrue(
      `WAITED writes after the first ${C}: ${after.waited} of ${after.writes} (${((100 * after.waited) / after.writes).toFixed(1)} %) ≥ ${WAITED_SHARE * 100} %`,
      after.waited >= WAITED_SHARE * after.writes,
    );
  },
});

/**
 * X27/S11: stop the continuous writer if still running; every post-write payload_free_bytes was
 * in [0, P]; at least one write WAITED; every failed call was BufferFullError ZB_BUFFER_FULL during
 * which payload_read_count did not advance; no interval > 2 s passed without a successful write
 * while payload_read_count was advancing.
 */
export async function checkFlowControl(ctx: ServoContext): Promise<void> {
  const cw = await stopContinuousWriter(ctx);
  if (cw.error !== null) fail(`continuous writer: every failed call must be BufferFullError (code ZB_BUFFER_FULL), observed ${describeError(cw.error)}`);
  expectEqual(`post-write samples with payload_free_bytes outside [0, ${cw.payloadSize}]`, 'none', cw.freeOutOfRange.describe());
  expectTrue(`at least one write WAITED (${cw.describe()})`, cw.waitedWrites >= 1);
  expectEqual('failed calls (ZB_BUFFER_FULL) during which payload_read_count advanced', 'none', cw.failedWhileReaderAdvanced.describe());
  expectEqual('intervals > 2 s without a successful write while payload_read_count advanced', 'none', cw.stalls.describe());
}

defineStep({
  id: 'X27',
  keyword: 'Then',
  pattern: "the '{role}' process flow control should work correctly",
  runsIn: 'process',
  summary:
    'Stop the continuous writer if still running. Every post-write sample had 0 ≤ payload_free_bytes ≤ payload_size; at least one write WAITED; every failed call was BufferFullError ZB_BUFFER_FULL during which payload_read_count did not advance; no interval > 2 s without a successful write while payload_read_count was advancing.',
  servo: (ctx) => checkFlowControl(ctx),
});
