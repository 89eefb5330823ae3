// File helpers of the host's build checks (build.ts, native-build.ts), of the mutant builds
// (model/mutants.ts, which servos load too) and of the step tools: a recursive listing, a
// modification time, and a mkdir lock shared by parallel cucumber workers and servos.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isPidAlive } from '../diagnostics/pids';

/** Every file under `dir` (recursively) whose name `keep` accepts. */
export function walk(dir: string, keep: (name: string) => boolean, out: string[] = []): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, keep, out);
    else if (keep(e.name)) out.push(p);
  }
  return out;
}

/** Modification time in ms; -1 if the file is missing. */
export function mtime(p: string): number {
  try {
    return fs.statSync(p).mtimeMs;
  } catch {
    return -1;
  }
}

/**
 * Runs `fn` holding a mkdir lock at `lockDir` (shared by parallel cucumber workers and servos), waiting
 * up to `maxWaitMs` for a live holder; a lock left by a dead process is taken over.
 */
export function withLock<T>(lockDir: string, fn: () => T, maxWaitMs = 180_000): T {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {
        // being created
      }
      if (Number.isFinite(owner) && !isPidAlive(owner)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`build lock ${lockDir} held for more than ${Math.round(maxWaitMs / 1000)} s`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}
