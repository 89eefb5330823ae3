// StaleLockGuard: keeps a dead Reader's lock file exactly as the crash left it.
//
// protocol.md §13 makes every Reader created anywhere on the machine delete lock files whose
// owner is dead. Scenario 2.3 has to observe such a stale lock file (L12) after a SIGKILL, so a
// Reader creation elsewhere (another cucumber worker, another test run) between the kill and the
// new reader's PRE-SNAPSHOT would make it fail. The replacement process therefore duplicates the
// victim's lock descriptor before the kill (pidfd_getfd): it shares the victim's flock, which so
// survives the victim's death, and every stale scan keeps skipping the file. The PRE-SNAPSHOT
// drops the guard in the syscall right before its own non-blocking probe, which then observes the
// dead owner's lock as free — the state the crash left.
import * as fs from 'node:fs';
import { testSupport, type FlockProbeResult } from './test-support';

export class StaleLockGuard {
  readonly #fd: number;
  #closed = false;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.#fd = fd;
  }

  /** Shares process `ownerPid`'s descriptor (and flock) of `lockPath`. Throws when impossible. */
  static share(ownerPid: number, lockPath: string): StaleLockGuard {
    return new StaleLockGuard(lockPath, testSupport().shareLockFd(ownerPid, lockPath));
  }

  /** The guard's descriptor still refers to the file at `path` (same device and inode). */
  holds(path: string): boolean {
    if (this.#closed || path !== this.path) return false;
    try {
      const a = fs.fstatSync(this.#fd, { bigint: true });
      const b = fs.lstatSync(path, { bigint: true });
      return a.dev === b.dev && a.ino === b.ino;
    } catch {
      return false;
    }
  }

  /** Releases the guard and returns the non-blocking flock probe of `path` made right after. */
  releaseAndProbe(path: string): FlockProbeResult {
    if (this.#closed) throw new Error(`stale-lock guard of ${this.path} already released`);
    this.#closed = true;
    return testSupport().probeReleasingGuard(this.#fd, path);
  }

  /** Closes the descriptor; the flock goes with the last reference. Idempotent. */
  release(): void {
    if (this.#closed) return;
    this.#closed = true;
    fs.closeSync(this.#fd);
  }
}
