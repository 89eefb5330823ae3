// Model-based testing — frame phrases the generated programs need and steps.md lacks: a read that
// checks sequence, size and F data in one step (MB02), the release of any held frame, in or out of
// order (MB03), a read that must find nothing (MB04) and a write of any size that must time out (MB05).
import { defineStep } from '../../harness/registry';
import { fail } from '../../harness/assert';
import { T_QUIET } from '../../harness/model/timing';
import { checkF, expectNoFrame, mustReadFrame, releaseChecked } from '../../harness/servo/actions/read';
import { probeFullBuffer } from '../../harness/servo/actions/write';
import { framePattern } from '../../harness/model/patterns';

defineStep({
  id: 'MB02',
  keyword: 'Then',
  pattern: "the '{role}' process should read and hold frame with sequence '{u64}' and size '{uint}'",
  runsIn: 'process',
  summary: 'Read (T_read): a frame must be returned with header sequence = seq, size = size and every byte F(size, seq). The frame is held.',
  servo: async (ctx, _role: string, seq: bigint, size: number) => {
    checkF('frame data', await mustReadFrame(ctx, seq, size));
  },
});

defineStep({
  id: 'MB03',
  keyword: 'When',
  pattern: "the '{role}' process releases held frame with sequence '{u64}'",
  runsIn: 'process',
  summary:
    'The held frame with this sequence (any position in the held FIFO, fails if not held) still carries F(size, seq) — nothing overwrote it while held — and is released; its views have length 0.',
  servo: (ctx, _role: string, seq: bigint) => {
    const h = ctx.frames.held.find((x) => x.sequence === seq);
    if (h === undefined) fail(`process '${ctx.role}' holds no frame with sequence ${seq} (held: ${ctx.frames.held.map((x) => x.sequence).join(', ') || 'none'})`);
    checkF(`held frame ${seq} right before its release`, h);
    releaseChecked(ctx, h);
  },
});

defineStep({
  id: 'MB04',
  keyword: 'Then',
  pattern: "the '{role}' process should find no frame pending",
  runsIn: 'process',
  summary: 'A read with T_quiet (200 ms) returns null: no frame is pending and the writer is alive (or never connected).',
  servo: (ctx) => expectNoFrame(ctx, T_QUIET, 'the model says no frame is pending'),
});

defineStep({
  id: 'MB05',
  keyword: 'Then',
  pattern: "the '{role}' process should time out writing frame with size '{uint}'",
  runsIn: 'process',
  summary:
    "Write F(size, next) with T_probe (100 ms): must fail with BufferFullError ZB_BUFFER_FULL (the frame is placeable but there is no room for it) and leave the OIEB and the writer's next sequence UNCHANGED.",
  servo: async (ctx, _role: string, size: number) => {
    const w = ctx.objects.requireWriter();
    await probeFullBuffer(ctx, w, framePattern(size, w.nextSeq));
  },
});
