// Inspection and corruption of a buffer through the diagnostic interface (steps.md §5.2):
// positional reads and writes on /dev/shm/<n> — on tmpfs file I/O and every process's mapping share
// the same pages. Every write is read back and compared; writes are only made while the buffer is
// quiescent (corruption steps, §6.5).
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

/** Reads a u64 (little endian) at a file offset of /dev/shm/<resolved>. */
export function readU64At(resolved: string, fileOffset: number): bigint {
  return readSegmentBytes(resolved, fileOffset, 8).readBigUInt64LE(0);
}

/** Writes a u64 (little endian) at a file offset of /dev/shm/<resolved>, reads it back and compares. */
export function writeU64At(resolved: string, fileOffset: number, value: bigint, what: string): void {
  const fd = fs.openSync(osObjectPaths(resolved).shm, 'r+');
  try {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(value, 0);
    const n = fs.writeSync(fd, b, 0, 8, fileOffset);
    if (n !== 8) fail(`short write of ${what} to /dev/shm/${resolved} at offset ${fileOffset}: ${n} of 8 bytes`);
  } finally {
    fs.closeSync(fd);
  }
  expectEqual(`${what} read back from /dev/shm/${resolved} at offset ${fileOffset}`, value, readU64At(resolved, fileOffset));
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

export interface HeaderCorruption {
  resolved: string;
  field: string;
  /** Ring offset of the corrupted header. */
  ringOffset: number;
  fileOffset: number;
  before: bigint;
  after: bigint;
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
  writeU64At(resolved, fileOffset, value, `frame header field ${field} (ring offset ${ringOffset})`);
  return { resolved, field, ringOffset, fileOffset, before, after: value };
}
