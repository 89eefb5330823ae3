// Feature 03 — metadata write-once and size limit: E01–E05.
import { MetadataAlreadyWrittenError, MetadataTooLargeError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { expectEqual, expectErrorClassCode, expectTrue } from '../../harness/assert';
import { metadataPattern, metadataReversePattern } from '../../harness/model/patterns';
import { attemptMetadata, checkMpat, checkStoredMetadataIsMpat } from '../../harness/servo/actions/metadata';

defineStep({
  id: 'E01',
  keyword: 'When',
  pattern: "the '{role}' process attempts to write metadata again with size '{uint}'",
  runsIn: 'process',
  summary: 'SNAP, then attempt setMetadata(Mrev(size)); record lastMetadata.',
  servo: async (ctx, _role: string, size: number) => {
    await attemptMetadata(ctx, metadataReversePattern(size), 'Mrev');
  },
});

defineStep({
  id: 'E02',
  keyword: 'Then',
  pattern: "the '{role}' process verifies the second metadata write should fail",
  runsIn: 'process',
  summary:
    'lastMetadata failed with MetadataAlreadyWrittenError ZB_METADATA_ALREADY_WRITTEN; metadata_written_bytes and metadata_free_bytes unchanged; the metadata bytes in the segment (inspection) still equal Mpat.',
  servo: (ctx) => {
    const o = ctx.outcomes.get('lastMetadata');
    expectErrorClassCode('the second metadata write', o.ok ? undefined : o.error, MetadataAlreadyWrittenError, 'ZB_METADATA_ALREADY_WRITTEN');
    const before = o.snapBefore!.oieb;
    const now = ctx.snapWriter().oieb;
    expectEqual('metadata_written_bytes unchanged by the rejected write', before.metadataWrittenBytes, now.metadataWrittenBytes);
    expectEqual('metadata_free_bytes unchanged by the rejected write', before.metadataFreeBytes, now.metadataFreeBytes);
    checkStoredMetadataIsMpat(ctx.objects.requireWriter().name, now.metadataWrittenBytes);
  },
});

defineStep({
  id: 'E03',
  keyword: 'Then',
  pattern: "the '{role}' process verifies the original metadata should remain unchanged",
  runsIn: 'process',
  summary: 'getMetadata() returns n > 0 bytes with 8 + n = metadata_written_bytes, all equal to Mpat(n) (an overwrite with Mrev would differ at byte 0).',
  servo: (ctx) => {
    const e = ctx.objects.requireReader();
    const md = e.reader.getMetadata();
    expectTrue('getMetadata() returns metadata (n > 0 bytes)', md.length > 0, md.length);
    expectEqual('8 + n = OIEB metadata_written_bytes', ctx.snapReader(e).oieb.metadataWrittenBytes, BigInt(8 + md.length));
    checkMpat('getMetadata()', md);
  },
});

defineStep({
  id: 'E04',
  keyword: 'When',
  pattern: "the '{role}' process attempts to write metadata with size '{uint}'",
  runsIn: 'process',
  summary: 'SNAP, then attempt setMetadata(Mpat(size)); record lastMetadata.',
  servo: async (ctx, _role: string, size: number) => {
    await attemptMetadata(ctx, metadataPattern(size), 'Mpat');
  },
});

defineStep({
  id: 'E05',
  keyword: 'Then',
  pattern: "the '{role}' process verifies the metadata write should fail with size error",
  runsIn: 'process',
  summary:
    'lastMetadata failed with MetadataTooLargeError ZB_METADATA_TOO_LARGE; the attempted size satisfies 8 + size > metadata_size; metadata_written_bytes is still 0.',
  servo: (ctx) => {
    const o = ctx.outcomes.get('lastMetadata');
    expectErrorClassCode('the oversized metadata write', o.ok ? undefined : o.error, MetadataTooLargeError, 'ZB_METADATA_TOO_LARGE');
    const size = o.details.size as number;
    const metadataSize = o.snapBefore!.oieb.metadataSize;
    expectTrue(`the attempted size is too large: 8 + ${size} > metadata_size ${metadataSize}`, BigInt(8 + size) > metadataSize);
    expectEqual('metadata_written_bytes after the rejected write', 0n, ctx.snapWriter().oieb.metadataWrittenBytes);
  },
});
