// Metadata: B05.
import { defineStep } from '../harness/registry';
import { expectEqual } from '../harness/assert';
import { metadataPattern } from '../harness/model/patterns';

defineStep({
  id: 'B05',
  keyword: 'When',
  pattern: "the '{role}' process writes metadata with size '{uint}'",
  runsIn: 'process',
  summary: 'setMetadata(Mpat(size)) must succeed; OIEB metadata_written_bytes = 8 + size and metadata_free_bytes = metadata_size − 8 − size.',
  servo: (ctx, _role: string, size: number) => {
    const w = ctx.requireWriter();
    w.writer.setMetadata(metadataPattern(size));
    const o = ctx.snapWriter(w).oieb;
    expectEqual(`after writing ${size} bytes of metadata: metadata_written_bytes = 8 + size`, BigInt(8 + size), o.metadataWrittenBytes);
    expectEqual(`after writing ${size} bytes of metadata: metadata_free_bytes = metadata_size − 8 − size`, o.metadataSize - BigInt(8 + size), o.metadataFreeBytes);
  },
});
