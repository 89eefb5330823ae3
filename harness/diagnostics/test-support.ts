// Typed loader of the harness-only native module build/Release/zerobuffer_test_support.node
// (native/test_support/test_support.cpp). Never used by the library.
import { loadAddon } from '../../src/native';

export type FlockProbeResult = 'missing' | 'free' | 'held';

export interface TestSupport {
  /** open(O_RDONLY|O_CLOEXEC|O_NOFOLLOW) + flock(LOCK_EX|LOCK_NB), released at once. */
  flockProbe(path: string): FlockProbeResult;
  /** sem_open(name, 0) + sem_getvalue of an existing semaphore ('/sem-w-foo'); null on ENOENT. */
  semaphoreValue(semName: string): number | null;
  /** sem_unlink; true when something was unlinked. */
  semaphoreUnlink(semName: string): boolean;
  /**
   * pidfd_getfd(2) of process `pid`'s descriptor of `path`: the returned descriptor shares the
   * open file description, and so any flock on it, which survives the process's death.
   */
  shareLockFd(pid: number, path: string): number;
  /**
   * flockProbe(path) for a caller holding the lock through `guardFd`: opens the probe descriptor,
   * drops the guard's lock, probes in the very next syscall, and closes guardFd.
   */
  probeReleasingGuard(guardFd: number, path: string): FlockProbeResult;
  /**
   * open(O_RDONLY|O_CLOEXEC|O_NOFOLLOW) + flock(LOCK_EX|LOCK_NB) kept: returns the descriptor that
   * holds the lock (closing it releases the lock). Throws (with errno) when the file is missing or
   * already locked.
   */
  flockHold(path: string): number;
  /** sem_open(name, O_CREAT|O_EXCL, 0666, value) then sem_close. Throws (with errno) on failure. */
  semaphoreCreate(semName: string, value: number): void;
}

let loaded: TestSupport | undefined;

/** Loads build/Release/zerobuffer_test_support.node once. */
export function testSupport(): TestSupport {
  loaded ??= loadAddon<TestSupport>('zerobuffer_test_support.node');
  return loaded;
}
