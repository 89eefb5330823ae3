// Feature 01 — metadata and sequenced frames: B05–B12.
import { defineStep } from '../../harness/registry';
import { expectEqual, expectTrue } from '../../harness/assert';
import { SEQ_FRAME_SIZE } from '../../harness/model/config';
import { metadataPattern } from '../../harness/model/patterns';
import { writeSequenced } from '../../harness/servo/actions/write';
import { checkF, mustReadFrame, readSequenced, releaseChecked } from '../../harness/servo/actions/read';

defineStep({
  id: 'B05',
  keyword: 'When',
  pattern: "the '{role}' process writes metadata with size '{uint}'",
  runsIn: 'process',
  summary: 'setMetadata(Mpat(size)) must succeed; OIEB metadata_written_bytes = 8 + size and metadata_free_bytes = metadata_size − 8 − size.',
  servo: (ctx, _role: string, size: number) => {
    const w = ctx.objects.requireWriter();
    w.writer.setMetadata(metadataPattern(size));
    const o = ctx.snapWriter(w).oieb;
    expectEqual(`after writing ${size} bytes of metadata: metadata_written_bytes = 8 + size`, BigInt(8 + size), o.metadataWrittenBytes);
    expectEqual(`after writing ${size} bytes of metadata: metadata_free_bytes = metadata_size − 8 − size`, o.metadataSize - BigInt(8 + size), o.metadataFreeBytes);
  },
});

defineStep({
  id: 'B06',
  keyword: 'When',
  pattern: "the '{role}' process writes frame with size '{uint}' and sequence '{u64}'",
  runsIn: 'process',
  summary:
    "The writer's next sequence must equal seq; write F(size, seq) (T_write); the header at the frame's offset carries size and seq; payload_written_count grows by 1 (2 with a wrap marker).",
  servo: async (ctx, _role: string, size: number, seq: bigint) => {
    await writeSequenced(ctx, size, seq);
  },
});

defineStep({
  id: 'B07',
  keyword: 'Then',
  pattern: "the '{role}' process should read frame with sequence '{u64}' and size '{uint}'",
  runsIn: 'process',
  summary: 'Read (T_read); a frame must be returned with header sequence = seq and size = size. The frame is held.',
  servo: async (ctx, _role: string, seq: bigint, size: number) => {
    await mustReadFrame(ctx, seq, size);
  },
});

defineStep({
  id: 'B08',
  keyword: 'Then',
  pattern: "the '{role}' process should validate frame data",
  runsIn: 'process',
  summary: 'The most recently read held frame: every byte equals F(size, frame.sequence). Fails if no frame is held.',
  servo: (ctx) => checkF('validate frame data', ctx.frames.newest()),
});

defineStep({
  id: 'B09',
  keyword: 'Then',
  pattern: "the '{role}' process signals space available",
  runsIn: 'process',
  summary:
    "Release the oldest held frame (fails if none); its views have length 0; if payload_written_count did not change across the release, payload_free_bytes rose by exactly 16 + size plus the tails of wrap markers queued behind it.",
  servo: (ctx) => {
    const h = ctx.frames.oldest();
    const before = ctx.snapReader(h.reader);
    const returned = releaseChecked(ctx, h);
    const after = ctx.snapReader(h.reader);
    if (before.oieb.payloadWrittenCount === after.oieb.payloadWrittenCount) {
      expectEqual(
        `payload_free_bytes rise on releasing frame ${h.sequence} (16 + ${h.size} plus queued wrap tails)`,
        BigInt(returned),
        after.oieb.payloadFreeBytes - before.oieb.payloadFreeBytes,
      );
    } else {
      ctx.logger.info('payload_written_count changed during the release; free-bytes delta not asserted');
    }
  },
});

defineStep({
  id: 'B10',
  keyword: 'When',
  pattern: "the '{role}' process writes frame with sequence '{u64}'",
  runsIn: 'process',
  summary: "The writer's next sequence must equal seq; write F(1024, seq) (T_write); must succeed.",
  servo: async (ctx, _role: string, seq: bigint) => {
    await writeSequenced(ctx, SEQ_FRAME_SIZE, seq);
  },
});

defineStep({
  id: 'B11',
  keyword: 'Then',
  pattern: "the '{role}' process should read frame with sequence '{u64}';",
  runsIn: 'process',
  summary: 'Read (T_read): a frame with sequence = seq, size 1024 and data F(1024, seq). Held. (The trailing `;` is literal.)',
  servo: async (ctx, _role: string, seq: bigint) => {
    await readSequenced(ctx, seq);
  },
});

defineStep({
  id: 'B12',
  keyword: 'Then',
  pattern: "the '{role}' process should verify all frames maintain sequential order",
  runsIn: 'process',
  summary: "The process's sequence log has ≥ 2 entries, each = previous + 1; no SequenceError was recorded.",
  servo: (ctx) => {
    const log = ctx.frames.sequenceLog;
    expectTrue(`sequence log has at least 2 entries`, log.length >= 2, log.map(String));
    for (let i = 1; i < log.length; i++) expectEqual(`sequence log entry ${i} = previous + 1`, log[i - 1]! + 1n, log[i]!);
    expectEqual('SequenceErrors recorded in this process', 0, ctx.frames.sequenceErrors.length);
  },
});
