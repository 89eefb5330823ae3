// /proc observers of steps.md §4.5: FDS(pid), a process's umask, and file modes.
import * as fs from 'node:fs';

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
