// Diagnostics and maintenance — deliberately separate from the normal Reader/Writer API.
//
// These functions look at (or clean up) buffers by name without owning them: the CLI's
// `inspect` and `clean` commands, tests and operators use them. Nothing here is needed to move
// frames.
import { native, type BufferInspection } from './native';
import { InvalidArgumentError } from './errors';
import { callNative } from './error-factory';
import { validateName } from './config';
import { duplexServerState as serverState, type ImmutableDuplexServer, type DuplexServerState } from './duplex/server';

export type { BufferInspection, OiebSnapshot, SemaphoreValues } from './native';
export type { DuplexServerState, DuplexServerPhase } from './duplex/server';

/** Fixed lock directory (§2.5; never `$TMPDIR`). */
export const LOCK_DIR = '/tmp/zerobuffer';

/** OS paths of a buffer's resources on glibc (§2.1). */
export interface ResourcePaths {
  /** Shared memory object, `/dev/shm/<name>`. */
  shm: string;
  /** Data semaphore sem-w, `/dev/shm/sem.sem-w-<name>`. */
  semData: string;
  /** Space semaphore sem-r, `/dev/shm/sem.sem-r-<name>`. */
  semSpace: string;
  /** Lock file, `/tmp/zerobuffer/<name>.lock`. */
  lock: string;
}

/** The paths of every OS resource of buffer `name` (§2.1). Validates the name. */
export function resourcePaths(name: string): ResourcePaths {
  validateName(name);
  return {
    shm: `/dev/shm/${name}`,
    semData: `/dev/shm/sem.sem-w-${name}`,
    semSpace: `/dev/shm/sem.sem-r-${name}`,
    lock: `${LOCK_DIR}/${name}.lock`,
  };
}

/** Read-only look at any buffer by name: OIEB, liveness, semaphore values, lock state. */
export function inspectBuffer(name: string): BufferInspection {
  validateName(name);
  return callNative(() => native().inspectBuffer(name));
}

/**
 * Removes stale resources (§13): with a name, only that buffer (including orphans without a lock
 * file, when no live Reader/Writer PID is recorded); without, every stale lock in /tmp/zerobuffer.
 * Returns the OS paths removed. Never touches a buffer with a live owner.
 */
export function cleanStaleResources(name?: string): string[] {
  if (name !== undefined) validateName(name);
  return callNative(() => (name === undefined ? native().cleanStaleResources() : native().cleanStaleResources(name)));
}

/** PID liveness per §8.1 (`EPERM` = alive; values outside (0, 2^31−1] = dead). */
export function isProcessAlive(pid: number | bigint): boolean {
  if (typeof pid !== 'number' && typeof pid !== 'bigint') {
    throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', `Invalid argument pid: must be a number or bigint, got ${typeof pid}`);
  }
  return callNative(() => native().isProcessAlive(pid));
}

/** Protocol version implemented by the loaded addon ("1.0.0"). */
export function protocolVersion(): string {
  return native().protocolVersion;
}

/**
 * Test hook: a duplex server's loop phase (`waiting` = idle between requests) and its response
 * Writer (null before the first request). Writing through that Writer publishes extra response
 * frames the client will receive as if they were answers: for tests only (steps.md D27).
 */
export function duplexServerState(server: ImmutableDuplexServer): DuplexServerState {
  return serverState(server);
}
