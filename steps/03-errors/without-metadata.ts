// Feature 03 — a buffer without a metadata block carries frames normally: E06–E08.
import { defineStep } from '../../harness/registry';
import { expectEqual, expectTrue } from '../../harness/assert';
import { OIEB_BYTES, readFrameHeader, readShm } from '../../harness/diagnostics/snap';
import { SEQ_FRAME_SIZE } from '../../harness/model/config';
import { framePattern } from '../../harness/model/patterns';
import { FRAME_HEADER } from '../../harness/model/ring-model';
import { T_QUIET, T_WRITE } from '../../harness/model/timing';
import { write } from '../../harness/servo/actions/write';
import { expectNoFrame, readFramesF } from '../../harness/servo/actions/read';

/** E06 writes and E07 reads this many frames (steps.md §6.3). */
const FRAMES_WITHOUT_METADATA = 3;

defineStep({
  id: 'E06',
  keyword: 'When',
  pattern: "the '{role}' process writes frames without metadata",
  runsIn: 'process',
  summary: `Write ${FRAMES_WITHOUT_METADATA} frames F(1024, next) (T_write each), all must succeed; metadata_written_bytes is 0 afterwards.`,
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    for (let i = 0; i < FRAMES_WITHOUT_METADATA; i++) await write(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq), T_WRITE);
    expectEqual(`metadata_written_bytes after ${FRAMES_WITHOUT_METADATA} frames without metadata`, 0n, ctx.snapWriter(w).oieb.metadataWrittenBytes);
  },
});

defineStep({
  id: 'E07',
  keyword: 'Then',
  pattern: "the '{role}' process should read frames successfully",
  runsIn: 'process',
  summary: `Read exactly ${FRAMES_WITHOUT_METADATA} frames (T_read each): consecutive sequences from the next expected, size 1024, data F; release each. A following T_quiet read returns null.`,
  servo: async (ctx) => {
    await readFramesF(ctx, FRAMES_WITHOUT_METADATA, SEQ_FRAME_SIZE);
    await expectNoFrame(ctx, T_QUIET, `no frame after the ${FRAMES_WITHOUT_METADATA} written`);
  },
});

defineStep({
  id: 'E08',
  keyword: 'Then',
  pattern: "the '{role}' process verifies the system should work without metadata",
  runsIn: 'process',
  summary:
    'OIEB metadata_size = 0 and metadata_written_bytes = 0; getMetadata() returns 0 bytes; the payload block starts at offset 128 (the ring-offset-0 frame header is found there) and the segment size is 128 + payload_size.',
  servo: (ctx) => {
    const e = ctx.objects.requireReader();
    const o = ctx.snapReader(e).oieb;
    expectEqual('OIEB metadata_size', 0n, o.metadataSize);
    expectEqual('OIEB metadata_written_bytes', 0n, o.metadataWrittenBytes);
    expectEqual('getMetadata() length', 0, e.reader.getMetadata().length);
    expectEqual(`segment size of ${e.name} = 128 + payload_size`, OIEB_BYTES + Number(o.payloadSize), readShm(e.name).size);
    // The first frame of a fresh ring is written at ring offset 0 and that offset always holds a
    // frame header afterwards: with no metadata block it must be found at file offset 128.
    expectTrue(`frames were written to ${e.name} (payload_written_count ${o.payloadWrittenCount} ≥ 1), so ring offset 0 holds a frame header`, o.payloadWrittenCount >= 1n);
    const hdr = readFrameHeader(e.name, Number(o.metadataSize), 0);
    const maxSize = o.payloadSize - BigInt(FRAME_HEADER);
    expectTrue(`frame header at file offset ${OIEB_BYTES}: payload_size in [1, ${maxSize}]`, hdr.size >= 1n && hdr.size <= maxSize, hdr.size);
    expectTrue(`frame header at file offset ${OIEB_BYTES}: sequence in [1, ${o.payloadWrittenCount}]`, hdr.sequence >= 1n && hdr.sequence <= o.payloadWrittenCount, hdr.sequence);
  },
});
