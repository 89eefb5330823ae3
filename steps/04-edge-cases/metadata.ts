// Feature 04 — a buffer with a zero-sized metadata block (scenario 4.3): X12–X16.
import { MetadataTooLargeError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { framePattern, metadataPattern } from '../../harness/model/patterns';
import { SEQ_FRAME_SIZE } from '../../harness/model/config';
import { T_WRITE } from '../../harness/model/timing';
import { checkCounter, checkWrittenFrame, lastRecordedWrite, recordedWrite } from '../../harness/servo/actions/write';
import { checkF, readNext, releaseChecked } from '../../harness/servo/actions/read';
import { attemptMetadata } from '../../harness/servo/actions/metadata';

/** X12 attempts Mpat of this many bytes (steps.md X12). */
const ATTEMPTED_METADATA_SIZE = 100;

defineStep({
  id: 'X12',
  keyword: 'When',
  pattern: "the '{role}' process attempts to write metadata",
  runsIn: 'process',
  summary: `SNAP; attempt setMetadata(Mpat(${ATTEMPTED_METADATA_SIZE})); record lastMetadata.`,
  servo: async (ctx) => {
    const o = await attemptMetadata(ctx, metadataPattern(ATTEMPTED_METADATA_SIZE), 'Mpat');
    return { ok: o.ok };
  },
});

defineStep({
  id: 'X13',
  keyword: 'Then',
  pattern: "the '{role}' process metadata write should fail appropriately",
  runsIn: 'process',
  summary: 'lastMetadata failed with MetadataTooLargeError ZB_METADATA_TOO_LARGE; metadata fields unchanged (metadata_written_bytes 0).',
  servo: (ctx) => {
    const o = ctx.outcomes.get('lastMetadata');
    expectErrorClassCode(`lastMetadata (setMetadata of ${String(o.details.size)} bytes)`, o.ok ? undefined : o.error, MetadataTooLargeError, 'ZB_METADATA_TOO_LARGE');
    const before = o.snapBefore;
    if (before === null) fail('lastMetadata carries no SNAP taken before the attempt');
    const now = ctx.snapWriter().oieb;
    expectEqual('metadata_written_bytes unchanged by the failed metadata write', before.oieb.metadataWrittenBytes, now.metadataWrittenBytes);
    expectEqual('metadata_free_bytes unchanged by the failed metadata write', before.oieb.metadataFreeBytes, now.metadataFreeBytes);
    expectEqual('metadata_written_bytes after the failed metadata write', 0n, now.metadataWrittenBytes);
  },
});

defineStep({
  id: 'X14',
  keyword: 'When',
  pattern: "the '{role}' process writes frame without metadata",
  runsIn: 'process',
  summary: `Write F(${SEQ_FRAME_SIZE}, next) (T_write); must succeed (recorded as the last write).`,
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const r = await recordedWrite(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq), T_WRITE);
    if (!r.ok) fail(`write of F(${SEQ_FRAME_SIZE}, ${r.seqBefore}) without metadata: expected success, observed ${describeError(r.error)}`);
  },
});

defineStep({
  id: 'X15',
  keyword: 'Then',
  pattern: "the '{role}' process should verify frame write succeeded",
  runsIn: 'process',
  summary:
    "The last write succeeded; the writer's sequence counter = 1 + frames it published; payload_written_count ≥ that number; the header at the frame's offset carries its size and sequence; metadata_written_bytes = 0.",
  servo: (ctx) => {
    const w = ctx.objects.requireWriter();
    const { size, result: r } = lastRecordedWrite(ctx);
    if (!r.ok) fail(`the last write (${size} bytes): expected success, observed ${describeError(r.error)}`);
    checkCounter(w);
    expectEqual(`writer ${w.name}: sequence counter = 1 + frames it published (${w.published})`, BigInt(w.published) + 1n, w.nextSeq);
    const now = ctx.snapWriter(w).oieb;
    expectTrue(`payload_written_count ≥ frames published (${w.published})`, now.payloadWrittenCount >= BigInt(w.published), now.payloadWrittenCount);
    checkWrittenFrame(w, { sequence: r.seqBefore, before: r.before, after: r.after }, size);
    expectEqual('metadata_written_bytes', 0n, now.metadataWrittenBytes);
  },
});

defineStep({
  id: 'X16',
  keyword: 'Then',
  pattern: "the '{role}' process should verify system works correctly without metadata",
  runsIn: 'process',
  summary: `Read (T_read): next expected sequence, size ${SEQ_FRAME_SIZE}, data F; release it. getMetadata() returns 0 bytes and metadata_size = 0.`,
  servo: async (ctx) => {
    const h = await readNext(ctx);
    expectEqual('frame size', SEQ_FRAME_SIZE, h.size);
    checkF('frame data', h);
    releaseChecked(ctx, h);
    const e = ctx.objects.requireReader();
    expectEqual('getMetadata() length', 0, e.reader.getMetadata().length);
    expectEqual('OIEB metadata_size', 0n, ctx.snapReader(e).oieb.metadataSize);
  },
});
