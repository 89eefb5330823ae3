// /proc observers of steps.md §4.5: FDS(pid), a process's umask, file modes, MAPS(pid, n) and
// BASE(pid, n) from /proc/<pid>/maps (with the page size from smaps), and the locks of a file from
// /proc/locks, with the checks steps make on them (regular file, flock owner).
import * as fs from 'node:fs';
import { expectTrue, fail } from '../assert';

/** FDS(pid): number of entries in /proc/<pid>/fd ('self' counts the directory read's own descriptor too). */
export function fdCount(pid: number | 'self'): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

/** The umask of a live process (the `Umask:` line of /proc/<pid>/status). */
export function umaskOf(pid: number): number {
  const m = /^Umask:\s*([0-7]+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no Umask line in /proc/${pid}/status`);
  return parseInt(m[1]!, 8);
}

/** Permission bits of a file, or null when it does not exist. */
export function fileMode(path: string): number | null {
  try {
    return fs.statSync(path).mode & 0o7777;
  } catch {
    return null;
  }
}

/** `path` exists (lstat) and is a regular file; returns its stats. */
export function checkRegularFile(what: string, path: string): fs.Stats {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(path);
  } catch (e) {
    fail(`${what} ${path} exists: ${(e as Error).message}`);
  }
  expectTrue(`${what} ${path} is a regular file`, st.isFile());
  return st;
}

/** One line of /proc/<pid>/maps. */
export interface MapsEntry {
  start: bigint;
  end: bigint;
  perms: string;
  /** File offset of the mapping's first byte. */
  offset: bigint;
  inode: bigint;
  /** The mapped path ('' for anonymous mappings); a ' (deleted)' suffix is kept. */
  path: string;
}

/** Parses one /proc/<pid>/maps line (`start-end perms offset dev inode [path]`). */
export function parseMapsLine(line: string): MapsEntry {
  const m = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S+)\s+([0-9a-f]+)\s+\S+\s+(\d+)\s*(.*)$/.exec(line);
  if (m === null) throw new Error(`not a /proc/<pid>/maps line: ${JSON.stringify(line)}`);
  return { start: BigInt(`0x${m[1]}`), end: BigInt(`0x${m[2]}`), perms: m[3]!, offset: BigInt(`0x${m[4]}`), inode: BigInt(m[5]!), path: m[6]! };
}

/** Every mapping of a process ('self' for this one). */
export function mapsOf(pid: number | 'self'): MapsEntry[] {
  return fs
    .readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map(parseMapsLine);
}

/** Does a mapped path refer to `file` (also once the file was unlinked)? */
function mapsFile(e: MapsEntry, file: string): boolean {
  return e.path === file || e.path === `${file} (deleted)`;
}

/** MAPS(pid, n) (steps.md §4.5): mappings of a process that refer to an OS object of resolved name n. */
export function mapsOfObject(pid: number | 'self', paths: { shm: string; semData: string; semSpace: string; lock: string }): MapsEntry[] {
  const files = Object.values(paths);
  return mapsOf(pid).filter((e) => files.some((f) => mapsFile(e, f)));
}

/**
 * BASE(pid, n) (steps.md §4.5): start address of the mapping of `shmPath` whose file offset is 0;
 * null when the process has no such mapping. Fails when it has more than one (ambiguous base).
 */
export function mappingBase(pid: number | 'self', shmPath: string): bigint | null {
  const starts = mapsOf(pid).filter((e) => mapsFile(e, shmPath) && e.offset === 0n);
  if (starts.length > 1) throw new Error(`process ${pid} maps ${shmPath} ${starts.length} times from offset 0: no single BASE`);
  return starts[0]?.start ?? null;
}

/** KernelPageSize (bytes) of the mapping that starts at `start`, from /proc/<pid>/smaps. */
export function mappingPageSize(pid: number | 'self', start: bigint): number {
  const text = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const head = `${start.toString(16)}-`;
  const at = text.split('\n').findIndex((l) => l.startsWith(head));
  if (at < 0) throw new Error(`no mapping starting at 0x${start.toString(16)} in /proc/${pid}/smaps`);
  for (const l of text.split('\n').slice(at + 1)) {
    if (/^[0-9a-f]+-[0-9a-f]+\s/.test(l)) break;
    const m = /^KernelPageSize:\s+(\d+) kB$/.exec(l);
    if (m !== null) return Number(m[1]) * 1024;
  }
  throw new Error(`no KernelPageSize for the mapping at 0x${start.toString(16)} in /proc/${pid}/smaps`);
}

/** One lock of /proc/locks. */
export interface LockEntry {
  /** FLOCK (BSD flock), POSIX (fcntl/lockf), OFDLCK … */
  type: string;
  mode: string;
  pid: number;
  major: number;
  minor: number;
  inode: bigint;
}

/** Parses one /proc/locks line (`N: TYPE ADVISORY MODE pid maj:min:inode start end`); null for blocked waiters (`->`). */
export function parseLocksLine(line: string): LockEntry | null {
  if (/^\d+:\s+->/.test(line)) return null;
  const m = /^\d+:\s+(\S+)\s+\S+\s+(\S+)\s+(-?\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/.exec(line);
  if (m === null) throw new Error(`not a /proc/locks line: ${JSON.stringify(line)}`);
  return { type: m[1]!, mode: m[2]!, pid: Number(m[3]), major: parseInt(m[4]!, 16), minor: parseInt(m[5]!, 16), inode: BigInt(m[6]!) };
}

/** The locks the kernel records on the file at `path` (matched by device and inode). */
export function locksOn(path: string): LockEntry[] {
  const st = fs.statSync(path, { bigint: true });
  const dev = st.dev;
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return fs
    .readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map(parseLocksLine)
    .filter((e): e is LockEntry => e !== null && e.inode === st.ino && e.major === major && e.minor === minor);
}

/** `path` is locked with a BSD flock taken by process `pid`, per /proc/locks. */
export function checkFlockedBy(path: string, pid: number): void {
  const holders = locksOn(path).map((l) => `${l.type} ${l.pid}`);
  expectTrue(`${path} is locked with a BSD flock by process ${pid} per /proc/locks`, holders.includes(`FLOCK ${pid}`), holders);
}
