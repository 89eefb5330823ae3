// The OIEB v1 layout (protocol.md §3.2) as data, and its encoder: the inverse of snap.ts's
// parseOieb. The host uses it to plant whole segments (P17: an orphaned segment with dead PIDs);
// the alignment checks (Q10) walk the same field table.
import type { OiebSnapshot } from '../../src/native';
import { align64 } from '../model/ring-model';
import { OIEB_BYTES } from './snap';

/** One u64 field of the OIEB: its protocol name, its OiebSnapshot key and its byte offset. */
export interface OiebU64Field {
  name: string;
  key: Exclude<keyof OiebSnapshot, 'oiebSize' | 'version' | 'reserved'>;
  offset: number;
}

/** Offset of the u32 `oieb_size` and of the four version bytes. */
export const OIEB_SIZE_OFFSET = 0x00;
export const OIEB_VERSION_OFFSET = 0x04;
/** Offset of the four reserved u64 words. */
export const OIEB_RESERVED_OFFSET = 0x60;
export const OIEB_RESERVED_WORDS = 4;

/** The named u64 fields, in layout order (0x08 … 0x58). */
export const OIEB_U64_FIELDS: readonly OiebU64Field[] = [
  { name: 'metadata_size', key: 'metadataSize', offset: 0x08 },
  { name: 'metadata_free_bytes', key: 'metadataFreeBytes', offset: 0x10 },
  { name: 'metadata_written_bytes', key: 'metadataWrittenBytes', offset: 0x18 },
  { name: 'payload_size', key: 'payloadSize', offset: 0x20 },
  { name: 'payload_free_bytes', key: 'payloadFreeBytes', offset: 0x28 },
  { name: 'payload_write_pos', key: 'payloadWritePos', offset: 0x30 },
  { name: 'payload_read_pos', key: 'payloadReadPos', offset: 0x38 },
  { name: 'payload_written_count', key: 'payloadWrittenCount', offset: 0x40 },
  { name: 'payload_read_count', key: 'payloadReadCount', offset: 0x48 },
  { name: 'writer_pid', key: 'writerPid', offset: 0x50 },
  { name: 'reader_pid', key: 'readerPid', offset: 0x58 },
];

/** Byte offsets of every 64-bit word of the OIEB: the named fields, then the reserved words. */
export function oiebU64Offsets(): { name: string; offset: number }[] {
  const reserved = Array.from({ length: OIEB_RESERVED_WORDS }, (_, i) => ({ name: `reserved[${i}]`, offset: OIEB_RESERVED_OFFSET + 8 * i }));
  return [...OIEB_U64_FIELDS.map((f) => ({ name: f.name, offset: f.offset })), ...reserved];
}

/** Encodes an OIEB (128 bytes, little endian). Every u64 must be in [0, 2^64 − 1]. */
export function encodeOieb(o: OiebSnapshot): Buffer {
  const b = Buffer.alloc(OIEB_BYTES);
  b.writeUInt32LE(o.oiebSize, OIEB_SIZE_OFFSET);
  const v = o.version;
  b.set([v.major, v.minor, v.patch, v.reserved], OIEB_VERSION_OFFSET);
  for (const f of OIEB_U64_FIELDS) b.writeBigUInt64LE(o[f.key], f.offset);
  if (o.reserved.length !== OIEB_RESERVED_WORDS) throw new RangeError(`OIEB has ${OIEB_RESERVED_WORDS} reserved words, got ${o.reserved.length}`);
  o.reserved.forEach((w, i) => b.writeBigUInt64LE(w, OIEB_RESERVED_OFFSET + 8 * i));
  return b;
}

/**
 * The OIEB a Reader initialises for requested sizes M and P (protocol.md §3.3): sizes and free
 * bytes align64(·), positions and counts 0, no writer, `readerPid` as given, reserved words 0.
 */
export function freshOieb(metadataSize: number, payloadSize: number, readerPid: number | bigint): OiebSnapshot {
  const m = BigInt(align64(metadataSize));
  const p = BigInt(align64(payloadSize));
  return {
    oiebSize: OIEB_BYTES,
    version: { major: 1, minor: 0, patch: 0, reserved: 0 },
    metadataSize: m,
    metadataFreeBytes: m,
    metadataWrittenBytes: 0n,
    payloadSize: p,
    payloadFreeBytes: p,
    payloadWritePos: 0n,
    payloadReadPos: 0n,
    payloadWrittenCount: 0n,
    payloadReadCount: 0n,
    writerPid: 0n,
    readerPid: BigInt(readerPid),
    reserved: [0n, 0n, 0n, 0n],
  };
}
