// OS objects the host plants for a buffer name through the diagnostic interface (steps.md §5.2,
// P16–P18): an unlocked stale lock file, an orphaned shared-memory segment with a given OIEB, and
// orphaned semaphores with a given value — exactly what a crashed peer leaves behind, made without
// the library.
//
// Immunity to other processes' stale scans. Every Reader created anywhere on the machine scans
// /tmp/zerobuffer (protocol.md §13) and removes a lock file nobody holds together with the shm and
// semaphores of its name when their PIDs are dead — precisely the planted state. A planted lock
// file is therefore created under a staging name that no scan considers (it does not end in
// `.lock`), checked to be unlocked there, then optionally guarded by a flock of the harness and
// renamed into place: from the first instant it is visible to scans it is held, so every scan
// skips it (and with it the segment and the semaphores of that name). The guard is handed to the
// process that will take the PRE-SNAPSHOT (lock-guard.ts), which drops it in the syscall right
// before its own probe.
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { expectEqual, expectTrue, fail } from '../assert';
import { osObjectPaths } from '../model/naming';
import type { OiebSnapshot } from '../../src/native';
import { encodeOieb } from './oieb';
import { isPidAlive, processState } from './pids';
import { flockProbe, semaphoreValue, type FlockProbe } from './support';
import { testSupport } from './test-support';
import { OIEB_BYTES, readShm } from './snap';

/** Mode of every planted object (the mode a Reader requests, protocol.md §2.6; the umask is undone). */
export const PLANTED_MODE = 0o666;

/**
 * The PID of a child this process started and reaped: a PID that belongs to no process (until the
 * kernel reuses it, which takes a full cycle of the PID space).
 */
export function reapedChildPid(): number {
  const r = spawnSync('/bin/true', { stdio: 'ignore' });
  if (r.error !== undefined) fail(`starting a child to obtain a dead PID failed: ${r.error.message}`);
  const pid = r.pid;
  if (pid === undefined || pid <= 0) fail(`the child started to obtain a dead PID reported no PID (${String(pid)})`);
  expectEqual(`child ${pid} (started to obtain a dead PID) exited normally`, 0, r.status);
  expectEqual(`child ${pid} is reaped (no zombie)`, 'gone', processState(pid));
  expectTrue(`PID ${pid} of the reaped child is dead`, !isPidAlive(pid));
  return pid;
}

/** A flock the harness holds on a planted lock file (released by close(), idempotent). */
export class HeldLock {
  #fd: number | null;

  constructor(
    readonly path: string,
    fd: number,
  ) {
    this.#fd = fd;
  }

  get held(): boolean {
    return this.#fd !== null;
  }

  close(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    fs.closeSync(fd);
  }
}

export interface PlantedLock {
  path: string;
  inode: bigint;
  /** Non-blocking flock probe made after the creating descriptor was closed (before any guard). */
  probe: FlockProbe;
  /** The harness's guard, when one was asked for. */
  guard: HeldLock | null;
}

function createFile(path: string, content: Buffer, size: number): void {
  const fd = fs.openSync(path, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW, PLANTED_MODE);
  try {
    fs.fchmodSync(fd, PLANTED_MODE);
    if (content.length > 0) fs.writeSync(fd, content, 0, content.length, 0);
    fs.ftruncateSync(fd, size);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * P16: `/tmp/zerobuffer/<resolved>.lock`, a regular empty file of mode 0666 that was created and
 * closed without ever being locked. With `guard` the harness holds a flock on it from before it
 * appears under its name (see the header comment).
 */
export function plantStaleLock(resolved: string, guard: boolean): PlantedLock {
  const path = osObjectPaths(resolved).lock;
  if (fs.existsSync(path)) fail(`plant stale lock file: ${path} already exists`);
  const staging = `${path}.plant`;
  createFile(staging, Buffer.alloc(0), 0);
  let held: HeldLock | null = null;
  try {
    const probe = flockProbe(staging);
    if (guard) held = new HeldLock(path, testSupport().flockHold(staging));
    fs.renameSync(staging, path);
    const st = fs.lstatSync(path, { bigint: true });
    return { path, inode: st.ino, probe, guard: held };
  } catch (e) {
    held?.close();
    fs.rmSync(staging, { force: true });
    throw e;
  }
}

/**
 * P17: `/dev/shm/<resolved>` holding `oieb` followed by zeros, `128 + metadata_size +
 * payload_size` bytes, mode 0666; no descriptor stays open. Read back and compared.
 */
export function plantSegment(resolved: string, oieb: OiebSnapshot): { path: string; inode: bigint; size: number } {
  const path = osObjectPaths(resolved).shm;
  const size = OIEB_BYTES + Number(oieb.metadataSize) + Number(oieb.payloadSize);
  const bytes = encodeOieb(oieb);
  createFile(path, bytes, size);
  const back = readShm(resolved);
  expectTrue(`planted segment ${path} exists`, back.exists);
  expectEqual(`planted segment ${path}: size`, size, back.size);
  const fd = fs.openSync(path, 'r');
  try {
    const head = Buffer.alloc(OIEB_BYTES);
    fs.readSync(fd, head, 0, OIEB_BYTES, 0);
    expectTrue(`planted segment ${path}: the OIEB reads back byte for byte`, head.equals(bytes));
  } finally {
    fs.closeSync(fd);
  }
  return { path, inode: back.inode!, size };
}

/** P18: both semaphores of `resolved` created (exclusively) with `value`, closed, and read back. */
export function plantSemaphores(resolved: string, value: number): void {
  for (const sem of [`/sem-w-${resolved}`, `/sem-r-${resolved}`]) {
    testSupport().semaphoreCreate(sem, value);
    expectEqual(`planted semaphore ${sem}: value`, value, semaphoreValue(sem));
  }
}
