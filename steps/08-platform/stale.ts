// Feature 08 — stale resource cleanup (scenario 8.4): the host plants what a crashed peer leaves
// behind (P16 lock file, P17 segment, P18 semaphores) and a reader's creation must detect and
// replace all of it (P19–P22).
//
// The planted objects must survive until the reader's PRE-SNAPSHOT although any Reader created
// elsewhere on the machine meanwhile runs the stale scan of protocol.md §13, which would remove
// them: P16 guards the lock file from the instant it appears (diagnostics/plant.ts) and hands the
// guard to the process of the later P19 step, whose PRE-SNAPSHOT drops it in the syscall right
// before its own lock probe (diagnostics/lock-guard.ts).
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectTrue, fail } from '../../harness/assert';
import type { HostStepContext } from '../../harness/host/context';
import type { ServoProcess } from '../../harness/host/servo-process';
import { freshOieb } from '../../harness/diagnostics/oieb';
import { PLANTED_MODE, plantSegment, plantSemaphores, plantStaleLock, reapedChildPid } from '../../harness/diagnostics/plant';
import { checkFresh, preSnapshot, semValues, type PreSnapshot } from '../../harness/diagnostics/snap';
import { fileInode, flockProbe } from '../../harness/diagnostics/support';
import { checkFlockedBy, fileMode } from '../../harness/diagnostics/proc';
import { BUFFER_CONFIGS } from '../../harness/model/config';
import { osObjectPaths } from '../../harness/model/naming';
import type { ServoContext } from '../../harness/servo/context';

/** Configuration of the planted segment (P17) and the value of the planted semaphores (P18, P20). */
const ORPHAN_METADATA = 1024;
const ORPHAN_PAYLOAD = 10240;
const ORPHAN_WRITTEN_COUNT = 7n;
const ORPHAN_RESERVED_0 = 0xdeadbeefn;
const ORPHAN_SEMAPHORE_VALUE = 3;

/** The process of a later `the '<role>' process attempts to create buffer '<name>'` (P19) for this name. */
function laterCreator(ctx: HostStepContext, resolved: string): ServoProcess | undefined {
  for (const s of ctx.remainingSteps()) {
    if (s.match?.def.id !== 'P19') continue;
    const [role, base] = s.match.args as [string, string];
    if (ctx.naming.resolve(base) !== resolved) continue;
    const servo = ctx.current(role);
    return servo?.alive === true ? servo : undefined;
  }
  return undefined;
}

defineStep({
  id: 'P16',
  keyword: 'Given',
  pattern: "manually create stale lock file for '{name}'",
  runsIn: 'host',
  boundMs: 15_000,
  summary: 'Create /tmp/zerobuffer/<resolved>.lock (regular file, mode 0666) without locking it and close it; it must exist and a flock probe on it must succeed.',
  host: async (ctx, name: string) => {
    const resolved = ctx.naming.resolve(name);
    const creator = laterCreator(ctx, resolved);
    const lock = plantStaleLock(resolved, creator !== undefined);
    try {
      expectEqual(`planted lock file ${lock.path}: non-blocking flock probe after its creating descriptor was closed`, 'free', lock.probe);
      expectEqual(`planted lock file ${lock.path}: inode`, lock.inode, fileInode(lock.path));
      expectEqual(`planted lock file ${lock.path}: mode`, PLANTED_MODE.toString(8), fileMode(lock.path)?.toString(8));
      if (lock.guard !== null && creator !== undefined) {
        const r = await ctx.instruct(creator, 'guardStaleLock', { pid: ctx.hostPid, path: lock.path }, 10_000);
        if (r.shared !== true) ctx.logger.warn({ path: lock.path, reason: r.reason }, 'the creating process could not share the guard: the planted lock file is unguarded');
      }
    } finally {
      lock.guard?.close();
    }
    ctx.logger.info({ path: lock.path, inode: lock.inode, guardedFor: creator?.label ?? null }, 'stale lock file planted');
  },
});

defineStep({
  id: 'P17',
  keyword: 'Given',
  pattern: "create orphaned shared memory for '{name}'",
  runsIn: 'host',
  summary: `Create /dev/shm/<resolved> of 128 + ${ORPHAN_METADATA} + ${ORPHAN_PAYLOAD} bytes with a valid v1 OIEB, but reader_pid = writer_pid = a dead PID (a reaped child), payload_written_count = 7 and reserved word 0 = 0xDEADBEEF; nothing keeps it open.`,
  host: (ctx, name: string) => {
    const resolved = ctx.naming.resolve(name);
    const dead = reapedChildPid();
    const oieb = { ...freshOieb(ORPHAN_METADATA, ORPHAN_PAYLOAD, dead), writerPid: BigInt(dead), payloadWrittenCount: ORPHAN_WRITTEN_COUNT };
    oieb.reserved = [ORPHAN_RESERVED_0, 0n, 0n, 0n];
    const seg = plantSegment(resolved, oieb);
    ctx.logger.info({ ...seg, deadPid: dead }, 'orphaned segment planted');
  },
});

defineStep({
  id: 'P18',
  keyword: 'Given',
  pattern: "create orphaned semaphores for '{name}'",
  runsIn: 'host',
  summary: `Create /sem-w-<resolved> and /sem-r-<resolved> with value ${ORPHAN_SEMAPHORE_VALUE} each (test-support module) and close them.`,
  host: (ctx, name: string) => {
    const resolved = ctx.naming.resolve(name);
    plantSemaphores(resolved, ORPHAN_SEMAPHORE_VALUE);
    ctx.logger.info({ resolved, value: ORPHAN_SEMAPHORE_VALUE }, 'orphaned semaphores planted');
  },
});

defineStep({
  id: 'P19',
  keyword: 'When',
  pattern: "the '{role}' process attempts to create buffer '{name}'",
  runsIn: 'process',
  summary: 'PRE-SNAPSHOT(resolved), then attempt reader creation with default config; record lastCreate.',
  servo: async (ctx, _role: string, name: string) => {
    const resolved = ctx.resolve(name);
    const pre = preSnapshot(resolved, ctx.lockGuard);
    ctx.lockGuard = null;
    ctx.logger.info({ pre }, 'PRE-SNAPSHOT');
    const { metadataSize, payloadSize } = BUFFER_CONFIGS.default;
    await ctx.outcomes.attempt('lastCreate', null, () => ctx.objects.createReader(name, metadataSize, payloadSize), { name: resolved, pre });
  },
});

/** The PRE-SNAPSHOT of the last creation attempt, which must have succeeded. */
function succeededOverStale(ctx: ServoContext): PreSnapshot {
  const o = ctx.outcomes.get('lastCreate');
  const pre = o.details.pre as PreSnapshot | undefined;
  if (pre === undefined) fail(`the last creation attempt in process '${ctx.role}' took no PRE-SNAPSHOT`);
  if (!o.ok) fail(`lastCreate of ${pre.name}: expected success over the stale resources, observed ${describeError(o.error)}`);
  return pre;
}

defineStep({
  id: 'P20',
  keyword: 'Then',
  pattern: 'the stale resources should be detected',
  runsIn: 'process',
  summary: `PRE-SNAPSHOT showed the unlocked lock file, the shm with dead (non-zero) reader and writer PIDs, and both semaphores with value ${ORPHAN_SEMAPHORE_VALUE}; lastCreate succeeded.`,
  servo: (ctx) => {
    const p = succeededOverStale(ctx);
    const c = `PRE-SNAPSHOT(${p.name})`;
    expectTrue(`${c}: lock file present`, p.lock.present);
    expectEqual(`${c}: non-blocking flock probe of the lock file (stale: nobody holds it)`, 'free', p.lock.probe);
    expectTrue(`${c}: shared memory present`, p.shm.present);
    for (const [slot, pid, alive] of [
      ['reader_pid', p.shm.readerPid, p.shm.readerAlive],
      ['writer_pid', p.shm.writerPid, p.shm.writerAlive],
    ] as const) {
      expectTrue(`${c}: OIEB ${slot} non-zero`, pid !== null && pid !== 0n, pid);
      expectTrue(`${c}: OIEB ${slot} ${pid} not alive`, !alive);
    }
    expectTrue(`${c}: data semaphore present`, p.semData.present);
    expectEqual(`${c}: data semaphore value`, ORPHAN_SEMAPHORE_VALUE, p.semData.value);
    expectTrue(`${c}: space semaphore present`, p.semSpace.present);
    expectEqual(`${c}: space semaphore value`, ORPHAN_SEMAPHORE_VALUE, p.semSpace.value);
  },
});

defineStep({
  id: 'P21',
  keyword: 'Then',
  pattern: 'the old resources should be cleaned up',
  runsIn: 'process',
  summary: 'shm and semaphore inodes differ from the PRE-SNAPSHOT ones; semaphore values 0; OIEB payload_written_count 0 and reserved words 0; the lock file is held by this process.',
  servo: (ctx) => {
    const p = succeededOverStale(ctx);
    const paths = osObjectPaths(p.name);
    for (const [what, now, before] of [
      ['shared memory', fileInode(paths.shm), p.shm.inode],
      ['data semaphore', fileInode(paths.semData), p.semData.inode],
      ['space semaphore', fileInode(paths.semSpace), p.semSpace.inode],
    ] as const) {
      expectTrue(`${what} of ${p.name} exists after creation`, now !== null);
      expectTrue(`${what} inode changed (stale object replaced): before ${before}, now ${now}`, now !== before);
    }
    expectEqual('semaphore values after creation (data, space)', '0,0', Object.values(semValues(p.name)).join(','));
    const o = ctx.snapReader().oieb;
    expectEqual('OIEB payload_written_count after creation', 0n, o.payloadWrittenCount);
    o.reserved.forEach((w, i) => expectEqual(`OIEB reserved word ${i} after creation`, 0n, w));
    expectEqual(`lock file ${paths.lock}: non-blocking flock probe`, 'held', flockProbe(paths.lock));
    checkFlockedBy(paths.lock, ctx.pid);
  },
});

defineStep({
  id: 'P22',
  keyword: 'Then',
  pattern: 'the new buffer should be created successfully',
  runsIn: 'process',
  summary: 'FRESH(1024, 33554432) with reader_pid = own PID.',
  servo: (ctx) => {
    succeededOverStale(ctx);
    const { metadataSize, payloadSize } = BUFFER_CONFIGS.default;
    checkFresh(ctx.snapReader(), metadataSize, payloadSize, ctx.pid);
  },
});
