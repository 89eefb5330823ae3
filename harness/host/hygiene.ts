// OS-object hygiene. Only names of our own run-id format are ever touched:
//  - per scenario: everything whose name contains the scenario's run id (leftovers of killed
//    processes), removed after the servos are gone;
//  - at start-up: leftovers of earlier runs whose host PID is dead.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPidAlive } from '../diagnostics/pids';
import { logsRoot, reportsDir } from '../paths';

export const OBJECT_DIRS = ['/dev/shm', '/tmp/zerobuffer', '/tmp/zerobuffer-faults'];

/** An OS object name of ours: [sem.sem-{w,r}-]<base>_<runId>[_request|_response][.lock]. */
const OUR_OBJECT = /^(?:sem\.sem-[wr]-)?[A-Za-z0-9._-]*?_(\d+)-(\d+)-(\d+)-([0-9a-f]{4})(?:_request|_response)?(?:\.lock)?$/;

export function parseOurObject(entry: string): { hostPid: number; runId: string } | null {
  const m = OUR_OBJECT.exec(entry);
  if (m === null) return null;
  return { hostPid: Number(m[1]), runId: `${m[1]}-${m[2]}-${m[3]}-${m[4]}` };
}

function list(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function unlink(p: string): boolean {
  try {
    fs.unlinkSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Unlink every OS object whose run id is `runId`. Returns the removed paths. */
export function removeRunObjects(runId: string): string[] {
  const removed: string[] = [];
  for (const dir of OBJECT_DIRS) {
    for (const e of list(dir)) {
      const o = parseOurObject(e);
      if (o !== null && o.runId === runId) {
        const p = path.join(dir, e);
        if (unlink(p)) removed.push(p);
      }
    }
  }
  return removed;
}

/** Entries that contain the run id (for B01's isolation check). */
export function runObjectsPresent(runId: string): string[] {
  const out: string[] = [];
  for (const dir of OBJECT_DIRS) for (const e of list(dir)) if (e.includes(`_${runId}`)) out.push(path.join(dir, e));
  return out;
}

/** Start-up clean-up: objects and log directories of earlier runs whose host PID is dead. */
export function removeDeadHostLeftovers(): { objects: string[]; logDirs: string[] } {
  const objects: string[] = [];
  for (const dir of OBJECT_DIRS) {
    for (const e of list(dir)) {
      const o = parseOurObject(e);
      if (o === null || o.hostPid === process.pid || isPidAlive(o.hostPid)) continue;
      const p = path.join(dir, e);
      if (unlink(p)) objects.push(p);
    }
  }
  const logDirs: string[] = [];
  const root = logsRoot();
  for (const e of list(root)) {
    const m = /^(\d+)-\d+-\d+-[0-9a-f]{4}$/.exec(e) ?? /^host-(\d+)-w\d+\.log$/.exec(e);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isPidAlive(pid)) continue;
    try {
      fs.rmSync(path.join(root, e), { recursive: true, force: true });
      logDirs.push(path.join(root, e));
    } catch {
      // ignore
    }
  }
  const timingsDir = path.join(reportsDir(), 'timings');
  for (const e of list(timingsDir)) {
    const m = /^harness-(\d+)-w\d+\.json$/.exec(e);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isPidAlive(pid)) continue;
    try {
      fs.rmSync(path.join(timingsDir, e), { force: true });
    } catch {
      // ignore
    }
  }
  return { objects, logDirs };
}

/** Objects created under this host process's run ids (used when the host is interrupted). */
export function removeOwnHostObjects(): string[] {
  const removed: string[] = [];
  for (const dir of OBJECT_DIRS) {
    for (const e of list(dir)) {
      const o = parseOurObject(e);
      if (o === null || o.hostPid !== process.pid) continue;
      const p = path.join(dir, e);
      if (unlink(p)) removed.push(p);
    }
  }
  return removed;
}
