// BufferNamingService — per-scenario-execution buffer names (harness.md, steps.md §3.1).
//
// Resolved name = `<base>_<runId>`. The run id is identical in the host and in every servo of one
// scenario execution (servos receive it in ZEROBUFFER_RUN_ID) and unique per execution:
// `<hostPid>-<workerId>-<scenarioOrdinal>-<4 random hex digits>`.
import { randomBytes } from 'node:crypto';

/** Protocol limit for a resolved buffer name (protocol.md §2.2.2). */
export const MAX_NAME_BYTES = 245;
/** Protocol limit for a resolved duplex channel name (protocol.md §2.2.2). */
export const MAX_CHANNEL_NAME_BYTES = 236;

/** Matches a run id of our own format anywhere in an OS object name; group 1 is the host pid. */
export const RUN_ID_IN_NAME = /_(\d+)-(\d+)-(\d+)-([0-9a-f]{4})(?=$|[_.])/;
/** Exactly a run id of our own format. */
export const RUN_ID_FORMAT = /^(\d+)-(\d+)-(\d+)-([0-9a-f]{4})$/;

/** Characters the harness allows in base names (every resolved name is then also a valid Windows object name). */
const BASE_NAME = /^[A-Za-z0-9._-]+$/;

export function makeRunId(hostPid: number, workerId: string | number, ordinal: number): string {
  const hex = randomBytes(2).toString('hex');
  return `${hostPid}-${workerId}-${ordinal}-${hex}`;
}

/**
 * The run id of this process:
 * - ZEROBUFFER_RUN_ID when set (always the case for our servos);
 * - `<HARMONY_HOST_PID>_<HARMONY_FEATURE_ID>` when both are set (orchestrator of the other
 *   ZeroBuffer implementations);
 * - otherwise a standalone `<pid>-<timestamp>`.
 */
export function runIdFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const own = env.ZEROBUFFER_RUN_ID;
  if (own !== undefined && own !== '') return own;
  const hPid = env.HARMONY_HOST_PID;
  const hFeature = env.HARMONY_FEATURE_ID;
  if (hPid !== undefined && hPid !== '' && hFeature !== undefined && hFeature !== '') return `${hPid}_${hFeature}`;
  return `${process.pid}-${Date.now()}`;
}

export class BufferNamingService {
  private readonly cache = new Map<string, string>();

  constructor(readonly runId: string = runIdFromEnv()) {
    if (runId.length === 0) throw new Error('BufferNamingService: empty run id');
  }

  /** `<base>_<runId>`, cached per base name; fails when the result would exceed the protocol's 245-byte limit. */
  resolve(base: string): string {
    const hit = this.cache.get(base);
    if (hit !== undefined) return hit;
    if (!BASE_NAME.test(base)) {
      throw new Error(`buffer base name ${JSON.stringify(base)} must match ${BASE_NAME} (harness convention, steps.md §3.1)`);
    }
    const resolved = `${base}_${this.runId}`;
    const bytes = Buffer.byteLength(resolved, 'utf8');
    if (bytes > MAX_NAME_BYTES) {
      throw new Error(
        `resolved name for base ${JSON.stringify(base)} is ${bytes} bytes, above the protocol limit of ${MAX_NAME_BYTES} bytes: ${resolved}`,
      );
    }
    this.cache.set(base, resolved);
    return resolved;
  }

  /**
   * A duplex channel (steps.md §3.1): `<base>_<runId>` like a buffer, but at most the protocol's
   * 236 bytes, so that its buffers `<resolved>_request`/`<resolved>_response` stay valid names.
   */
  resolveChannel(base: string): string {
    const resolved = this.resolve(base);
    const bytes = Buffer.byteLength(resolved, 'utf8');
    if (bytes > MAX_CHANNEL_NAME_BYTES) {
      throw new Error(`resolved channel name for base ${JSON.stringify(base)} is ${bytes} bytes, above the protocol limit of ${MAX_CHANNEL_NAME_BYTES} bytes: ${resolved}`);
    }
    return resolved;
  }

  /** Extra buffers a step creates for itself: base `<base>-<suffix>`. */
  resolveSuffixed(base: string, suffix: string): string {
    return this.resolve(`${base}-${suffix}`);
  }

  /** True when `name` (an OS object name or path component) belongs to this run id. */
  owns(name: string): boolean {
    return name.includes(`_${this.runId}`);
  }

  /** Forget cached names (used when a scenario resets its environment). */
  clear(): void {
    this.cache.clear();
  }
}

/** OS objects of a resolved name (Linux, glibc; steps.md §3.1). */
export function osObjectPaths(resolved: string): { shm: string; semData: string; semSpace: string; lock: string } {
  return {
    shm: `/dev/shm/${resolved}`,
    semData: `/dev/shm/sem.sem-w-${resolved}`,
    semSpace: `/dev/shm/sem.sem-r-${resolved}`,
    lock: `/tmp/zerobuffer/${resolved}.lock`,
  };
}
