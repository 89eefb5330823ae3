// Feature 06 — the data semaphore counts published frames (6.4): S12–S15.
import { defineStep } from '../../harness/registry';
import { expectEqual, fail } from '../../harness/assert';
import { SEQ_FRAME_SIZE } from '../../harness/model/config';
import { framePattern } from '../../harness/model/patterns';
import { T_QUIET, T_WRITE } from '../../harness/model/timing';
import { write } from '../../harness/servo/actions/write';
import { expectNoFrame, readFramesF } from '../../harness/servo/actions/read';
import type { Snap } from '../../harness/diagnostics/snap';
import type { WriterEntry } from '../../harness/servo/state/objects';

/** Data-semaphore value S12 read before its write, per writer (S13 compares against it). */
const semaphoreBaseline = new WeakMap<WriterEntry, number>();

/** Data-semaphore (sem-w) value of a SNAP; fails when it could not be read. */
function dataSemaphore(s: Snap): number {
  if (s.sem.data === null) fail(`data semaphore of ${s.name} could not be read`);
  return s.sem.data;
}

defineStep({
  id: 'S12',
  keyword: 'When',
  pattern: "the '{role}' process writes frame and signal",
  runsIn: 'process',
  summary: 'Read the data-semaphore value v0; write F(1024, next) (T_write); the value must now be v0 + 1.',
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const r = await write(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq), T_WRITE);
    const v0 = dataSemaphore(r.before);
    semaphoreBaseline.set(w, v0);
    expectEqual(`data semaphore after writing frame ${r.sequence} (v0 = ${v0})`, v0 + 1, dataSemaphore(r.after));
  },
});

defineStep({
  id: 'S13',
  keyword: 'When',
  pattern: "the '{role}' process immediately writes another frame before reader wakes",
  runsIn: 'process',
  summary: 'Immediately write F(1024, next); the data-semaphore value must be v0 + 2 and payload_written_count − payload_read_count = 2 (the reader consumed neither).',
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const v0 = semaphoreBaseline.get(w);
    if (v0 === undefined) fail(`writer ${w.name} has no data-semaphore baseline (no earlier 'writes frame and signal' step)`);
    const r = await write(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq), T_WRITE);
    const o = r.after.oieb;
    expectEqual(`payload_written_count − payload_read_count after two frames (${o.payloadWrittenCount} − ${o.payloadReadCount})`, 2n, o.payloadWrittenCount - o.payloadReadCount);
    expectEqual(`data semaphore after the second frame (v0 = ${v0})`, v0 + 2, dataSemaphore(r.after));
  },
});

defineStep({
  id: 'S14',
  keyword: 'Then',
  pattern: "the '{role}' process should process both frames correctly",
  runsIn: 'process',
  summary: 'Read two frames (T_read each): consecutive sequences from the next expected, data F(1024, seq); release both.',
  servo: (ctx) => readFramesF(ctx, 2, SEQ_FRAME_SIZE),
});

defineStep({
  id: 'S15',
  keyword: 'Then',
  pattern: 'the semaphore count should reflect pending frames',
  runsIn: 'process',
  summary: 'Data-semaphore value = payload_written_count − payload_read_count (0 after S14), and a T_quiet read returns null (no leftover signal).',
  servo: async (ctx) => {
    const s = ctx.snapReader();
    const pending = s.oieb.payloadWrittenCount - s.oieb.payloadReadCount;
    expectEqual(`data semaphore = payload_written_count − payload_read_count (${s.oieb.payloadWrittenCount} − ${s.oieb.payloadReadCount})`, pending, BigInt(dataSemaphore(s)));
    await expectNoFrame(ctx, T_QUIET, 'no leftover signal');
  },
});
