// SNAP, FRESH, UNCHANGED and PRE-SNAPSHOT (steps.md §4.5).
//
// Inside a process that holds a reader or writer of the buffer a SNAP comes from that object's
// oiebSnapshot()/semaphoreValues(); elsewhere from positional reads of /dev/shm/<n> (on tmpfs,
// file I/O and every process's mapping share the same pages) plus the test-support module.
import * as fs from 'node:fs';
import type { StaleLockGuard } from './lock-guard';
import type { OiebSnapshot, SemaphoreValues } from '../../src/native';
import { osObjectPaths } from '../model/naming';
import { align64 } from '../model/ring-model';
import { expectEqual, expectTrue, fail } from '../assert';
import { isPidAlive } from './pids';
import { fileInode, flockProbe, semaphoreValue, type FlockProbe } from './support';

export const OIEB_BYTES = 128;

export interface Snap {
  name: string;
  source: 'reader' | 'writer' | 'shm';
  oieb: OiebSnapshot;
  sem: { data: number | null; space: number | null };
  inode: bigint | null;
  segmentSize: number | null;
  takenAt: number;
}

/** Decode the 128-byte OIEB (protocol.md §3.2). */
export function parseOieb(b: Buffer): OiebSnapshot {
  if (b.length < OIEB_BYTES) throw new Error(`OIEB needs ${OIEB_BYTES} bytes, got ${b.length}`);
  const u = (o: number) => b.readBigUInt64LE(o);
  return {
    oiebSize: b.readUInt32LE(0),
    version: { major: b[4]!, minor: b[5]!, patch: b[6]!, reserved: b[7]! },
    metadataSize: u(0x08),
    metadataFreeBytes: u(0x10),
    metadataWrittenBytes: u(0x18),
    payloadSize: u(0x20),
    payloadFreeBytes: u(0x28),
    payloadWritePos: u(0x30),
    payloadReadPos: u(0x38),
    payloadWrittenCount: u(0x40),
    payloadReadCount: u(0x48),
    writerPid: u(0x50),
    readerPid: u(0x58),
    reserved: [u(0x60), u(0x68), u(0x70), u(0x78)],
  };
}

export interface ShmRead {
  exists: boolean;
  inode: bigint | null;
  size: number | null;
  oieb: OiebSnapshot | null;
}

/** Positional read of the OIEB of /dev/shm/<resolved>. */
export function readShm(resolved: string): ShmRead {
  const p = osObjectPaths(resolved).shm;
  let fd: number;
  try {
    fd = fs.openSync(p, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, inode: null, size: null, oieb: null };
    throw e;
  }
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    const size = Number(st.size);
    if (size < OIEB_BYTES) return { exists: true, inode: st.ino, size, oieb: null };
    const buf = Buffer.alloc(OIEB_BYTES);
    fs.readSync(fd, buf, 0, OIEB_BYTES, 0);
    return { exists: true, inode: st.ino, size, oieb: parseOieb(buf) };
  } finally {
    fs.closeSync(fd);
  }
}

/** The OIEB of /dev/shm/<resolved> by inspection (steps.md §5.2); fails when the buffer is missing. */
export function inspectOieb(resolved: string): OiebSnapshot {
  const r = readShm(resolved);
  if (!r.exists) fail(`inspection of ${resolved}: /dev/shm/${resolved} does not exist`);
  if (r.oieb === null) fail(`inspection of ${resolved}: the ${r.size}-byte segment holds no OIEB`);
  return r.oieb;
}

export function semValues(resolved: string): { data: number | null; space: number | null } {
  return { data: semaphoreValue(`/sem-w-${resolved}`), space: semaphoreValue(`/sem-r-${resolved}`) };
}

/** SNAP through the diagnostic interface. Fails when the segment is missing or too small. */
export function snapFromShm(resolved: string): Snap {
  const r = readShm(resolved);
  if (!r.exists) fail(`SNAP of ${resolved}: /dev/shm/${resolved} does not exist`);
  if (r.oieb === null) fail(`SNAP of ${resolved}: segment is ${r.size} bytes, smaller than the ${OIEB_BYTES}-byte OIEB`);
  return { name: resolved, source: 'shm', oieb: r.oieb, sem: semValues(resolved), inode: r.inode, segmentSize: r.size, takenAt: performance.now() };
}

interface Diagnosable {
  oiebSnapshot(): OiebSnapshot;
  semaphoreValues(): SemaphoreValues;
}

/** SNAP from a reader/writer object of this process. */
export function snapFromObject(resolved: string, source: 'reader' | 'writer', obj: Diagnosable): Snap {
  const oieb = obj.oiebSnapshot();
  const sv = obj.semaphoreValues();
  let inode: bigint | null = null;
  let size: number | null = null;
  try {
    const st = fs.statSync(osObjectPaths(resolved).shm, { bigint: true });
    inode = st.ino;
    size = Number(st.size);
  } catch {
    // segment unlinked (e.g. replaced by a new reader) — the mapping is still valid
  }
  return { name: resolved, source, oieb, sem: { data: sv.data, space: sv.space }, inode, segmentSize: size, takenAt: performance.now() };
}

/**
 * FRESH(M, P) for a just-created buffer (steps.md §4.5). `creatorPid` is the PID expected in
 * reader_pid; the lock-held probe is done on a new descriptor.
 */
export function checkFresh(s: Snap, M: number, P: number, creatorPid: number): void {
  const m = BigInt(align64(M));
  const p = BigInt(align64(P));
  const o = s.oieb;
  const c = `FRESH(${M}, ${P}) of ${s.name}`;
  expectEqual(`${c}: oieb_size`, 128, o.oiebSize);
  expectEqual(`${c}: version`, '1.0.0.0', `${o.version.major}.${o.version.minor}.${o.version.patch}.${o.version.reserved}`);
  expectEqual(`${c}: metadata_size = align64(M)`, m, o.metadataSize);
  expectEqual(`${c}: metadata_free_bytes = align64(M)`, m, o.metadataFreeBytes);
  expectEqual(`${c}: metadata_written_bytes`, 0n, o.metadataWrittenBytes);
  expectEqual(`${c}: payload_size = align64(P)`, p, o.payloadSize);
  expectEqual(`${c}: payload_free_bytes = align64(P)`, p, o.payloadFreeBytes);
  expectEqual(`${c}: payload_write_pos`, 0n, o.payloadWritePos);
  expectEqual(`${c}: payload_read_pos`, 0n, o.payloadReadPos);
  expectEqual(`${c}: payload_written_count`, 0n, o.payloadWrittenCount);
  expectEqual(`${c}: payload_read_count`, 0n, o.payloadReadCount);
  expectEqual(`${c}: writer_pid`, 0n, o.writerPid);
  expectEqual(`${c}: reader_pid = PID of the creating process`, BigInt(creatorPid), o.readerPid);
  expectTrue(`${c}: reader_pid ${o.readerPid} alive`, isPidAlive(o.readerPid));
  o.reserved.forEach((r, i) => expectEqual(`${c}: reserved word ${i}`, 0n, r));
  expectEqual(`${c}: segment size = 128 + align64(M) + align64(P)`, 128 + Number(m) + Number(p), s.segmentSize);
  const sem = semValues(s.name);
  expectEqual(`${c}: data semaphore (sem-w) value`, 0, sem.data);
  expectEqual(`${c}: space semaphore (sem-r) value`, 0, sem.space);
  const lock = osObjectPaths(s.name).lock;
  expectEqual(`${c}: lock file ${lock} present and held (non-blocking flock probe)`, 'held', flockProbe(lock));
}

/** UNCHANGED: the listed OIEB fields equal the snapshot taken before the action. */
export function checkUnchanged(what: string, before: Snap, after: Snap): void {
  const fields = [
    'payloadWritePos',
    'payloadReadPos',
    'payloadWrittenCount',
    'payloadReadCount',
    'payloadFreeBytes',
    'metadataWrittenBytes',
    'metadataFreeBytes',
    'writerPid',
  ] as const;
  for (const f of fields) expectEqual(`UNCHANGED after ${what}: ${f}`, before.oieb[f], after.oieb[f]);
}

export interface PreSnapshot {
  name: string;
  lock: { present: boolean; probe: FlockProbe; inode: bigint | null };
  shm: { present: boolean; inode: bigint | null; size: number | null; readerPid: bigint | null; writerPid: bigint | null; readerAlive: boolean; writerAlive: boolean };
  semData: { present: boolean; inode: bigint | null; value: number | null };
  semSpace: { present: boolean; inode: bigint | null; value: number | null };
}

/**
 * PRE-SNAPSHOT(n): state of the four OS objects of n before a creation. A stale-lock guard
 * (lock-guard.ts) is released in the syscall right before the lock probe, so the probe sees the
 * dead owner's lock exactly as the crash left it. The lock is probed last: once the guard is gone,
 * another process's stale scan (protocol.md §13) may remove the objects of a name whose PIDs are
 * all dead, so the segment and the semaphores are observed while the guard still protects them.
 */
export function preSnapshot(resolved: string, guard?: StaleLockGuard | null): PreSnapshot {
  const p = osObjectPaths(resolved);
  const shm = readShm(resolved);
  const dIno = fileInode(p.semData);
  const sIno = fileInode(p.semSpace);
  const semData = { present: dIno !== null, inode: dIno, value: dIno !== null ? semaphoreValue(`/sem-w-${resolved}`) : null };
  const semSpace = { present: sIno !== null, inode: sIno, value: sIno !== null ? semaphoreValue(`/sem-r-${resolved}`) : null };
  const lockInode = fileInode(p.lock);
  const probe = guard?.holds(p.lock) === true ? guard.releaseAndProbe(p.lock) : flockProbe(p.lock);
  guard?.release();
  return {
    name: resolved,
    lock: { present: lockInode !== null, probe, inode: lockInode },
    shm: {
      present: shm.exists,
      inode: shm.inode,
      size: shm.size,
      readerPid: shm.oieb?.readerPid ?? null,
      writerPid: shm.oieb?.writerPid ?? null,
      readerAlive: shm.oieb !== null ? isPidAlive(shm.oieb.readerPid) : false,
      writerAlive: shm.oieb !== null ? isPidAlive(shm.oieb.writerPid) : false,
    },
    semData,
    semSpace,
  };
}

/** Positional read of `len` bytes at ring offset `offset` of /dev/shm/<resolved> (payload starts at 128 + M). */
export function readRingBytes(resolved: string, metadataSize: number, offset: number, len: number): Buffer {
  const fd = fs.openSync(osObjectPaths(resolved).shm, 'r');
  try {
    const buf = Buffer.alloc(len);
    const n = fs.readSync(fd, buf, 0, len, OIEB_BYTES + metadataSize + offset);
    if (n !== len) fail(`short read of ${resolved} at ring offset ${offset}: ${n} of ${len} bytes`);
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}

/** Frame header {size, sequence} at a ring offset. */
export function readFrameHeader(resolved: string, metadataSize: number, offset: number): { size: bigint; sequence: bigint } {
  const b = readRingBytes(resolved, metadataSize, offset, 16);
  return { size: b.readBigUInt64LE(0), sequence: b.readBigUInt64LE(8) };
}
