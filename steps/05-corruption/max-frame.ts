// Feature 05 — the largest frame (scenario 5.7): a frame of exactly payload size − 16 fills the
// ring (C24, C25); one byte more is rejected up front although the full ring would otherwise make
// the write wait (C26, C27).
import { FrameTooLargeError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { expectEqual, fail } from '../../harness/assert';
import { simplePattern } from '../../harness/model/patterns';
import { FRAME_HEADER } from '../../harness/model/ring-model';
import { T_WRITE } from '../../harness/model/timing';
import { REJECTED_BEFORE_WAITING_MS, checkRejectedWrite, checkWrittenFrame, recordedWrite, settledSnap, write, type WriteResult } from '../../harness/servo/actions/write';
import type { WriterEntry } from '../../harness/servo/state/objects';

/** Per writer connection: the C24 write of the whole ring. */
const wholeRingWrites = new WeakMap<WriterEntry, { size: number; result: WriteResult }>();

defineStep({
  id: 'C24',
  keyword: 'When',
  pattern: 'writes frame matching exactly payload size minus header',
  runsIn: 'process',
  summary: 'Inherited writer: SNAP; write S(payload_size − 16) (T_write); must succeed.',
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const size = Number((await settledSnap(ctx, w)).oieb.payloadSize) - FRAME_HEADER;
    const result = await write(ctx, w, simplePattern(size), T_WRITE);
    wholeRingWrites.set(w, { size, result });
    return { size, elapsedMs: Math.round(result.elapsedMs) };
  },
});

defineStep({
  id: 'C25',
  keyword: 'Then',
  pattern: "the '{role}' process should verify frame was written successfully",
  runsIn: 'process',
  summary: 'After C24: payload_free_bytes = 0, payload_write_pos = 0 (stored modulo the payload size), payload_written_count +1, frame offset 0 (its header there carries its size and sequence).',
  servo: (ctx) => {
    const w = ctx.objects.requireWriter();
    const c24 = wholeRingWrites.get(w);
    if (c24 === undefined) fail(`writer ${w.name} has not written a frame of exactly payload size − 16`);
    const now = ctx.snapWriter(w).oieb;
    expectEqual(`payload_free_bytes after the ${c24.size}-byte frame`, 0n, now.payloadFreeBytes);
    expectEqual(`payload_write_pos after the ${c24.size}-byte frame (stored modulo the payload size ${now.payloadSize})`, 0n, now.payloadWritePos);
    // offset 0 (from the OIEB and the RING MODEL), header at 0, payload_written_count + 1
    checkWrittenFrame(w, c24.result, c24.size);
  },
});

defineStep({
  id: 'C26',
  keyword: 'When',
  pattern: "the '{role}' process attempts to write frame exceeding payload size",
  runsIn: 'process',
  summary: 'SNAP; attempt S(payload_size − 15) (one byte more than fits) with T_write; record lastWrite with elapsed time.',
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const size = Number((await settledSnap(ctx, w)).oieb.payloadSize) - FRAME_HEADER + 1;
    const r = await recordedWrite(ctx, w, simplePattern(size), T_WRITE);
    return { size, ok: r.ok, elapsedMs: Math.round(r.elapsedMs) };
  },
});

defineStep({
  id: 'C27',
  keyword: 'Then',
  pattern: "the '{role}' process write should be rejected with appropriate error",
  runsIn: 'process',
  summary: `lastWrite failed with FrameTooLargeError ZB_FRAME_TOO_LARGE within ${REJECTED_BEFORE_WAITING_MS} ms (up front, although the ring is full and a wait would otherwise start); UNCHANGED.`,
  servo: (ctx) => {
    checkRejectedWrite(ctx, FrameTooLargeError, 'ZB_FRAME_TOO_LARGE');
  },
});
