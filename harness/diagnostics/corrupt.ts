// Inspection and corruption of a buffer through the diagnostic interface (steps.md §5.2):
// positional reads and writes on /dev/shm/<n> — on tmpfs file I/O and every process's mapping share
// the same pages. Every write is read back and compared; writes are only made while the buffer is
// quiescent (corruption steps, §6.5). OIEB fields are corrupted by name (C01) and frame header
// fields at the next unread header (C03, S01); the library is never told.
import * as fs from 'node:fs';
import { expectEqual, expectTrue, fail } from '../assert';
import { osObjectPaths } from '../model/naming';
import { FRAME_HEADER } from '../model/ring-model';
import { OIEB_BYTES, readFrameHeader, readShm } from './snap';
import type { OiebSnapshot } from '../../src/native';

/** A u64 field of a structure in the segment, at a byte offset from the structure's start. */
export interface U64Field {
  offset: number;
}

/** Frame header fields accepted by the corruption steps (steps.md §6.5); `sequence` is an alias. */
export const FRAME_HEADER_FIELDS: Readonly<Record<string, U64Field>> = {
  payload_size: { offset: 0 },
  sequence_number: { offset: 8 },
  sequence: { offset: 8 },
};

export function frameHeaderField(name: string): U64Field {
  const f = FRAME_HEADER_FIELDS[name];
  if (f === undefined) fail(`unknown frame header field ${JSON.stringify(name)} (accepted: ${Object.keys(FRAME_HEADER_FIELDS).join(', ')})`);
  return f;
}

/** Positional read of `len` bytes at a file offset of /dev/shm/<resolved>. */
export function readSegmentBytes(resolved: string, fileOffset: number, len: number): Buffer {
  const fd = fs.openSync(osObjectPaths(resolved).shm, 'r');
  try {
    const b = Buffer.alloc(len);
    const n = fs.readSync(fd, b, 0, len, fileOffset);
    if (n !== len) fail(`short read of /dev/shm/${resolved} at offset ${fileOffset}: ${n} of ${len} bytes`);
    return b;
  } finally {
    fs.closeSync(fd);
  }
}

/** Width in bytes of an unsigned little-endian field of the segment. */
export type FieldWidth = 1 | 4 | 8;

/** Reads an unsigned little-endian field of `width` bytes at a file offset of /dev/shm/<resolved>. */
export function readUIntAt(resolved: string, fileOffset: number, width: FieldWidth): bigint {
  const b = readSegmentBytes(resolved, fileOffset, width);
  return width === 8 ? b.readBigUInt64LE(0) : BigInt(b.readUIntLE(0, width));
}

/** Reads a u64 (little endian) at a file offset of /dev/shm/<resolved>. */
export function readU64At(resolved: string, fileOffset: number): bigint {
  return readUIntAt(resolved, fileOffset, 8);
}

/**
 * Writes an unsigned little-endian field of `width` bytes at a file offset of /dev/shm/<resolved>,
 * reads it back and compares. A value that does not fit the width fails (nothing is written).
 */
export function writeUIntAt(resolved: string, fileOffset: number, width: FieldWidth, value: bigint, what: string): void {
  const max = (1n << BigInt(8 * width)) - 1n;
  if (value < 0n || value > max) fail(`${what}: value ${value} does not fit a ${width}-byte unsigned field (0 … ${max})`);
  const b = Buffer.alloc(width);
  if (width === 8) b.writeBigUInt64LE(value, 0);
  else b.writeUIntLE(Number(value), 0, width);
  const fd = fs.openSync(osObjectPaths(resolved).shm, 'r+');
  try {
    const n = fs.writeSync(fd, b, 0, width, fileOffset);
    if (n !== width) fail(`short write of ${what} to /dev/shm/${resolved} at offset ${fileOffset}: ${n} of ${width} bytes`);
  } finally {
    fs.closeSync(fd);
  }
  expectEqual(`${what} read back from /dev/shm/${resolved} at offset ${fileOffset}`, value, readUIntAt(resolved, fileOffset, width));
}

/** How C01 corrupts one OIEB field (steps.md §6.5 field table). */
export interface OiebFieldCorruption {
  /** Byte offset in the OIEB (= file offset). */
  offset: number;
  width: FieldWidth;
  /** The table's rule, for messages. */
  rule: string;
  /** The wrong value to store, given the stored one. */
  wrongValue(stored: bigint): bigint;
}

const OIEB_SIZE_FIELD: OiebFieldCorruption = { offset: 0x00, width: 4, rule: 'u32 oieb_size := 256', wrongValue: () => 256n };
const PLUS_ONE = (stored: bigint): bigint => stored + 1n;

/**
 * OIEB fields accepted by C01 and their wrong values (steps.md §6.5). `operation_size` is the
 * historical name of the first field, `oieb_size` (Appendix B, 5.1).
 */
export const OIEB_FIELD_CORRUPTIONS: Readonly<Record<string, OiebFieldCorruption>> = {
  operation_size: OIEB_SIZE_FIELD,
  oieb_size: OIEB_SIZE_FIELD,
  version: { offset: 0x04, width: 1, rule: 'version major byte := 2', wrongValue: () => 2n },
  metadata_size: { offset: 0x08, width: 8, rule: 'u64 metadata_size := stored value + 1', wrongValue: PLUS_ONE },
  payload_size: { offset: 0x20, width: 8, rule: 'u64 payload_size := stored value + 1', wrongValue: PLUS_ONE },
};

export function oiebFieldCorruption(name: string): OiebFieldCorruption {
  const f = OIEB_FIELD_CORRUPTIONS[name];
  if (f === undefined) fail(`unknown OIEB field ${JSON.stringify(name)} (accepted: ${Object.keys(OIEB_FIELD_CORRUPTIONS).join(', ')})`);
  return f;
}

export interface FieldCorruption {
  resolved: string;
  field: string;
  fileOffset: number;
  width: FieldWidth;
  before: bigint;
  after: bigint;
}

/** C01: writes the wrong value of OIEB `field` into /dev/shm/<resolved>, read back and compared. */
export function corruptOiebField(resolved: string, field: string): FieldCorruption {
  const f = oiebFieldCorruption(field);
  const shm = readShm(resolved);
  if (!shm.exists) fail(`corrupt OIEB field ${field}: /dev/shm/${resolved} does not exist`);
  if (shm.oieb === null) fail(`corrupt OIEB field ${field}: /dev/shm/${resolved} is ${shm.size} bytes, smaller than the OIEB`);
  const before = readUIntAt(resolved, f.offset, f.width);
  const after = f.wrongValue(before);
  // a "corruption" that stores the value already there would leave a valid segment behind
  expectTrue(`corrupt OIEB field ${field} (${f.rule}): the wrong value ${after} differs from the stored value ${before}`, after !== before);
  writeUIntAt(resolved, f.offset, f.width, after, `OIEB field ${field} (${f.rule})`);
  return { resolved, field, fileOffset: f.offset, width: f.width, before, after };
}

/**
 * Ring offset of the next unread frame header (steps.md §6.5): `payload_read_pos`, except 0 when
 * fewer than 16 bytes remain before the ring end or when the header at `payload_read_pos` (> 0) is
 * a wrap marker (size 0). Requires `payload_written_count` > `payload_read_count`.
 */
export function nextUnreadHeaderOffset(resolved: string, oieb: OiebSnapshot): number {
  expectTrue(
    `next unread header of ${resolved}: an unread frame exists (payload_written_count ${oieb.payloadWrittenCount} > payload_read_count ${oieb.payloadReadCount})`,
    oieb.payloadWrittenCount > oieb.payloadReadCount,
  );
  const P = Number(oieb.payloadSize);
  const rp = Number(oieb.payloadReadPos);
  if (rp > 0 && P - rp < FRAME_HEADER) return 0;
  if (rp > 0 && readFrameHeader(resolved, Number(oieb.metadataSize), rp).size === 0n) return 0;
  return rp;
}

export interface HeaderCorruption extends FieldCorruption {
  /** Ring offset of the corrupted header. */
  ringOffset: number;
}

/** Writes `value` into `field` of the next unread frame header of /dev/shm/<resolved>, read back and compared. */
export function corruptNextFrameHeader(resolved: string, field: string, value: bigint): HeaderCorruption {
  const f = frameHeaderField(field);
  const shm = readShm(resolved);
  if (!shm.exists) fail(`corrupt frame header: /dev/shm/${resolved} does not exist`);
  if (shm.oieb === null) fail(`corrupt frame header: /dev/shm/${resolved} is ${shm.size} bytes, smaller than the OIEB`);
  const ringOffset = nextUnreadHeaderOffset(resolved, shm.oieb);
  const fileOffset = OIEB_BYTES + Number(shm.oieb.metadataSize) + ringOffset + f.offset;
  const before = readU64At(resolved, fileOffset);
  writeUIntAt(resolved, fileOffset, 8, value, `frame header field ${field} (ring offset ${ringOffset})`);
  return { resolved, field, ringOffset, fileOffset, width: 8, before, after: value };
}
