// Feature 06 — flow control between a continuous writer and a periodic reader (6.3): S08–S11.
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, fail } from '../../harness/assert';
import { SEQ_FRAME_SIZE } from '../../harness/model/config';
import { latestContinuousWriter, startContinuousWriter } from '../../harness/servo/actions/continuous-writer';
import { startReaderLoop } from '../../harness/servo/actions/reader-loop';
import { checkFlowControl } from '../04-edge-cases/flow-control';

/** S10: how long the step waits for a write that WAITED. */
const S10_WINDOW_MS = 5000;

defineStep({
  id: 'S08',
  keyword: 'When',
  pattern: "the '{role}' process writes frames continuously",
  runsIn: 'process',
  summary: `Start a CONTINUOUS WRITER of F(${SEQ_FRAME_SIZE}, seq) frames.`,
  servo: async (ctx) => {
    await startContinuousWriter(ctx, SEQ_FRAME_SIZE);
  },
});

defineStep({
  id: 'S09',
  keyword: 'When',
  pattern: "the '{role}' process reads one frame every '{uint}' ms",
  runsIn: 'process',
  summary: 'Start a background READER LOOP that starts one read every ms milliseconds (validate F, release).',
  servo: (ctx, _role: string, ms: number) => {
    startReaderLoop(ctx, { content: 'F', periodMs: ms });
  },
});

defineStep({
  id: 'S10',
  keyword: 'Then',
  pattern: "the '{role}' process should block when buffer full",
  runsIn: 'process',
  summary: `Within ${S10_WINDOW_MS / 1000} s the continuous writer has ≥ 1 successful write that WAITED, and ≥ 1 pre-call SNAP on which a ${SEQ_FRAME_SIZE}-byte frame did not fit (RING MODEL).`,
  servo: async (ctx) => {
    const cw = latestContinuousWriter(ctx);
    if (cw === null) fail(`process '${ctx.role}' has started no continuous writer`);
    expectEqual(`frame size of the continuous writer (the step judges ${SEQ_FRAME_SIZE}-byte frames)`, SEQ_FRAME_SIZE, cw.size);
    const blocked = await cw.waitUntil(() => cw.waitedWrites >= 1 && cw.firstNoFitAt !== null, S10_WINDOW_MS);
    if (!blocked) {
      cw.observed = true;
      fail(`within ${S10_WINDOW_MS} ms: expected a write that WAITED and a sample on which a ${SEQ_FRAME_SIZE}-byte frame did not fit, observed ${cw.describe()}${cw.error !== null ? ` (writer ended: ${describeError(cw.error)})` : ''}`);
    }
    return { waitedAtMs: Math.round(cw.firstWaitedAt!), noFitAtMs: Math.round(cw.firstNoFitAt!) };
  },
});

defineStep({
  id: 'S11',
  keyword: 'Then',
  pattern: 'flow control should work correctly',
  runsIn: 'process',
  summary: 'Same as X27: stop the continuous writer if still running; free bytes always in [0, P]; ≥ 1 write WAITED; failed calls only ZB_BUFFER_FULL without reader progress; no 2 s stall while the reader progressed.',
  servo: (ctx) => checkFlowControl(ctx),
});
