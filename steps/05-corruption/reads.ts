// Feature 05 — reads of corrupted frames: C04 (the attempt every corruption check examines).
import { defineStep } from '../../harness/registry';
import { T_READ } from '../../harness/model/timing';
import { read } from '../../harness/servo/actions/read';

defineStep({
  id: 'C04',
  keyword: 'When',
  pattern: "the '{role}' process attempts to read frame",
  runsIn: 'process',
  summary: 'SNAP; read (T_read); record lastRead (a returned frame is held).',
  servo: async (ctx) => {
    const e = ctx.objects.requireReader();
    await ctx.outcomes.attempt('lastRead', ctx.snapReader(e), () => read(ctx, T_READ));
  },
});
