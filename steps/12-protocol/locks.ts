// Feature 12 — lock file semantics (scenario 12.3): the lock file of a live reader is a BSD flock
// at /tmp/zerobuffer/<resolved>.lock (Q11, Q12); after the reader's SIGKILL a new reader process
// takes over the stale lock (Q13, Q14); a graceful shutdown removes it with every other object
// (Q15, Q16).
//
// Immunity to other processes' stale scans (protocol.md §13): between the kill and the new
// reader's PRE-SNAPSHOT any Reader created elsewhere would be free to delete the dead reader's lock
// file. When a later step is Q14, Q13 makes the host share the victim's lock descriptor before the
// kill (pidfd_getfd, diagnostics/lock-guard.ts), so the flock outlives the victim; Q14 hands that
// guard to the new reader process, whose PRE-SNAPSHOT drops it in the syscall right before its
// own probe — the state the crash left, observed exactly.
import * as fs from 'node:fs';
import { defineStep, registry } from '../../harness/registry';
import { describeError, expectEqual, expectTrue, fail } from '../../harness/assert';
import { stateKey } from '../../harness/host/state';
import type { HostStepContext } from '../../harness/host/context';
import { StaleLockGuard } from '../../harness/diagnostics/lock-guard';
import { checkResidue } from '../../harness/diagnostics/residue';
import { preSnapshot } from '../../harness/diagnostics/snap';
import { flockProbe } from '../../harness/diagnostics/support';
import { checkFlockedBy, checkRegularFile } from '../../harness/diagnostics/proc';
import { BUFFER_CONFIGS } from '../../harness/model/config';
import { osObjectPaths } from '../../harness/model/naming';
import { currentOrShutDownBuffer, gracefulShutdown } from '../08-platform/shutdown';

/** The host's share of the killed reader's lock, kept for the new reader of Q14. */
const VICTIM_LOCK = stateKey<StaleLockGuard>('Q13 victim lock guard');

function scenarioLockPath(ctx: HostStepContext): string {
  const base = ctx.scenarioBuffer();
  if (base === undefined) fail('the scenario has mentioned no buffer');
  return osObjectPaths(ctx.naming.resolve(base)).lock;
}

defineStep({
  id: 'Q11',
  keyword: 'Then',
  pattern: 'verify lock file exists at correct location',
  runsIn: 'process',
  summary: '/tmp/zerobuffer/<resolved>.lock exists and is a regular file.',
  servo: (ctx) => {
    checkRegularFile('lock file', osObjectPaths(ctx.objects.requireReader().name).lock);
  },
});

defineStep({
  id: 'Q12',
  keyword: 'Then',
  pattern: 'verify lock file is actually locked',
  runsIn: 'process',
  summary: 'A new descriptor cannot take flock(LOCK_EX|LOCK_NB) on the lock file (EWOULDBLOCK) while the reader exists; /proc/locks shows it as a BSD FLOCK of this process.',
  servo: (ctx) => {
    const lock = osObjectPaths(ctx.objects.requireReader().name).lock;
    expectEqual(`non-blocking flock probe of ${lock} on a new descriptor`, 'held', flockProbe(lock));
    checkFlockedBy(lock, ctx.pid);
  },
});

defineStep({
  id: 'Q13',
  keyword: 'When',
  pattern: 'kill reader process',
  runsIn: 'host-role',
  boundMs: 10_000,
  summary: "SIGKILL the 'reader' role process per steps.md §1.3.",
  host: async (ctx) => {
    const victim = ctx.current('reader');
    if (victim === undefined) fail("kill: the scenario has no 'reader' process");
    let guard: StaleLockGuard | null = null;
    const lock = scenarioLockPath(ctx);
    if (victim.alive && ctx.remainingSteps().some((s) => s.match?.def.id === 'Q14')) {
      try {
        guard = StaleLockGuard.share(victim.pid, lock);
      } catch (e) {
        // without ptrace access to the victim the scenario still runs, only without the guard
        ctx.logger.warn({ lock, reason: describeError(e) }, 'stale-lock guard unavailable; continuing without it');
      }
    }
    if (guard !== null) {
      const g = guard;
      ctx.own({ close: () => g.release() }, `share of the killed reader's lock ${lock}`);
      ctx.state.set(VICTIM_LOCK, g);
    }
    await ctx.killRole('reader');
    if (guard !== null) expectTrue(`the host's share of ${lock} still holds the file after its owner died`, guard.holds(lock));
  },
});

defineStep({
  id: 'Q14',
  keyword: 'Then',
  pattern: 'new reader can acquire lock after detecting stale',
  runsIn: 'host-role',
  boundMs: 30_000,
  summary:
    "Start a new 'reader' process (it becomes the inherited target); it takes a PRE-SNAPSHOT of the scenario buffer (lock file present, flock probe succeeds — stale), creates the reader with default config (must succeed) and then holds the lock (probe fails).",
  host: async (ctx) => {
    const base = ctx.scenarioBuffer();
    if (base === undefined) fail('the scenario has mentioned no buffer');
    const lock = scenarioLockPath(ctx);
    const fresh = await ctx.startProcess('reader', true);
    const guard = ctx.state.get(VICTIM_LOCK);
    if (guard !== undefined) {
      ctx.state.delete(VICTIM_LOCK);
      const r = await ctx.instruct(fresh, 'guardStaleLock', { pid: ctx.hostPid, path: lock }, 10_000);
      if (r.shared !== true) ctx.logger.warn({ lock, reason: r.reason }, 'the new reader could not share the guard');
      guard.release();
    }
    await ctx.instruct(fresh, 'createOverStaleLock', { base }, 20_000);
  },
});

registry.defineInstruction({
  name: 'createOverStaleLock',
  servo: async (ctx, args) => {
    const base = String(args.base);
    const resolved = ctx.resolve(base);
    const pre = preSnapshot(resolved, ctx.lockGuard);
    ctx.lockGuard = null;
    ctx.logger.info({ pre }, 'PRE-SNAPSHOT');
    const lock = osObjectPaths(resolved).lock;
    expectTrue(`PRE-SNAPSHOT(${resolved}): lock file ${lock} present`, pre.lock.present);
    expectEqual(`PRE-SNAPSHOT(${resolved}): non-blocking flock probe of the lock file (stale: its owner is dead)`, 'free', pre.lock.probe);
    const { metadataSize, payloadSize } = BUFFER_CONFIGS.default;
    try {
      await ctx.objects.createReader(base, metadataSize, payloadSize);
    } catch (e) {
      fail(`creating the reader of ${resolved} over the stale lock: expected success, observed ${describeError(e)}`);
    }
    expectEqual(`lock file ${lock} after creation: non-blocking flock probe`, 'held', flockProbe(lock));
    return { lockInodeBefore: String(pre.lock.inode) };
  },
});

defineStep({
  id: 'Q15',
  keyword: 'When',
  pattern: 'graceful shutdown',
  runsIn: 'process',
  summary: 'Same as P05: close every library object of the process; every close must succeed; the process stays alive.',
  servo: (ctx) => gracefulShutdown(ctx),
});

defineStep({
  id: 'Q16',
  keyword: 'Then',
  pattern: 'verify lock file is removed',
  runsIn: 'process',
  summary: 'The lock file no longer exists, and RESIDUE(resolved) holds.',
  servo: (ctx) => {
    const name = currentOrShutDownBuffer(ctx);
    const lock = osObjectPaths(name).lock;
    expectTrue(`lock file ${lock} no longer exists`, !fs.existsSync(lock));
    checkResidue('after graceful shutdown', name);
  },
});
