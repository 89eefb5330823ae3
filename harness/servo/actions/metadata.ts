// Metadata operations the steps share (E01–E05, X12/X13): an attempted setMetadata recorded in
// the lastMetadata slot, and the checks of metadata content against Mpat — through the library or
// by inspection of the segment's metadata block (protocol.md §4: length prefix at offset 128,
// content from offset 136).
import { describeMismatch, firstMismatch, metadataPattern } from '../../model/patterns';
import { expectEqual, fail } from '../../assert';
import { readSegmentBytes, readU64At } from '../../diagnostics/corrupt';
import { OIEB_BYTES } from '../../diagnostics/snap';
import type { ServoContext } from '../context';
import type { Outcome } from '../state/outcomes';

const METADATA_PREFIX = 8;

/** SNAP, then attempt setMetadata(data) on the current writer; recorded in lastMetadata with its size and pattern. */
export function attemptMetadata(ctx: ServoContext, data: Uint8Array, pattern: 'Mpat' | 'Mrev'): Promise<Outcome> {
  const w = ctx.objects.requireWriter();
  return ctx.outcomes.attempt('lastMetadata', ctx.snapWriter(w), () => w.writer.setMetadata(data), { size: data.length, pattern });
}

/** Every byte of `data` equals Mpat(data.length). */
export function checkMpat(what: string, data: Uint8Array): void {
  const mm = firstMismatch(data, metadataPattern(data.length));
  if (mm !== null) fail(describeMismatch(`${what} vs Mpat(${data.length})`, mm));
}

/**
 * By inspection of /dev/shm/<resolved>: the metadata block holds a length prefix N with
 * 8 + N = metadata_written_bytes, followed by Mpat(N).
 */
export function checkStoredMetadataIsMpat(resolved: string, metadataWrittenBytes: bigint): void {
  const n = metadataWrittenBytes - BigInt(METADATA_PREFIX);
  if (n <= 0n) fail(`metadata block of ${resolved}: metadata_written_bytes ${metadataWrittenBytes} leaves no content after the ${METADATA_PREFIX}-byte prefix`);
  expectEqual(`metadata block of ${resolved}: length prefix at offset ${OIEB_BYTES} = metadata_written_bytes − 8`, n, readU64At(resolved, OIEB_BYTES));
  checkMpat(`metadata block of ${resolved} (inspection, offset ${OIEB_BYTES + METADATA_PREFIX})`, readSegmentBytes(resolved, OIEB_BYTES + METADATA_PREFIX, Number(n)));
}
