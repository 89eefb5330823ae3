// Feature 01 — flow control: B13–B16.
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectTrue, fail } from '../../harness/assert';
import { SEQ_FRAME_SIZE } from '../../harness/model/config';
import { framePattern } from '../../harness/model/patterns';
import { T_IMMEDIATE, T_WRITE } from '../../harness/model/timing';
import { fillUntilFull, probeFullBuffer, tryWrite } from '../../harness/servo/actions/write';
import { checkPatternOk, readNext } from '../../harness/servo/actions/read';

defineStep({
  id: 'B13',
  keyword: 'When',
  pattern: "the '{role}' process writes frames until buffer is full",
  runsIn: 'process',
  summary:
    'k = RING MODEL capacity for 1024-byte frames from a SNAP; write F(1024, next) with T_probe until a write fails: exactly k succeed (k ≥ 1), the error is BufferFullError ZB_BUFFER_FULL, and a 1024-byte frame does not fit the final SNAP.',
  servo: async (ctx) => {
    await fillUntilFull(ctx);
  },
});

defineStep({
  id: 'B14',
  keyword: 'Then',
  pattern: "the '{role}' process should experience timeout on next write",
  runsIn: 'process',
  summary: 'One F(1024, next) write with T_probe must fail with BufferFullError ZB_BUFFER_FULL after having waited (90 ms ≤ elapsed ≤ 1 s); UNCHANGED.',
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const r = await probeFullBuffer(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq));
    expectTrue(`the failing write waited ≥ 90 ms (elapsed ${r.elapsedMs.toFixed(1)} ms)`, r.elapsedMs >= 90);
    expectTrue(`the failing write returned within 1 s (elapsed ${r.elapsedMs.toFixed(1)} ms)`, r.elapsedMs <= 1000);
  },
});

defineStep({
  id: 'B15',
  keyword: 'When',
  pattern: "the '{role}' process reads one frame",
  runsIn: 'process',
  summary: 'Read (T_read): a frame whose sequence is the next expected one and which is PATTERN-OK. Held.',
  servo: async (ctx) => {
    const h = await readNext(ctx);
    checkPatternOk('frame data', h);
  },
});

defineStep({
  id: 'B16',
  keyword: 'Then',
  pattern: "the '{role}' process should write successfully immediately",
  runsIn: 'process',
  summary: `Write F(1024, next) (T_write): succeeds within T_immediate (${T_IMMEDIATE} ms) and did not WAIT (the RING MODEL on the SNAP before says it fits).`,
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const r = await tryWrite(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq), T_WRITE);
    if (!r.ok) fail(`write of F(${SEQ_FRAME_SIZE}, ${r.seqBefore}): expected success, observed ${describeError(r.error)}`);
    expectEqual(`WAITED (RING MODEL on the SNAP before: wp ${r.before.oieb.payloadWritePos}, free ${r.before.oieb.payloadFreeBytes})`, false, r.waited);
    expectTrue(`write completed within T_immediate = ${T_IMMEDIATE} ms (elapsed ${r.elapsedMs.toFixed(1)} ms)`, r.elapsedMs <= T_IMMEDIATE);
  },
});
