// Process lifecycle host steps: L01 (cross-process proof), L04/L09 (real SIGKILL), L05 (wait).
import { defineStep, registry } from '../../harness/registry';
import { StaleLockGuard } from '../../harness/diagnostics/lock-guard';
import { describeError, expectEqual, expectTrue, fail } from '../../harness/assert';
import { sleepAtLeast } from '../../harness/model/timing';

defineStep({
  id: 'L01',
  keyword: 'Given',
  pattern: 'we run in harmony',
  runsIn: 'host',
  summary:
    "Every role named in a `the '<role>' process` phrase of the scenario has a live servo; PIDs pairwise distinct and ≠ host PID; all report this scenario's run id.",
  host: async (ctx) => {
    expectTrue('the scenario names at least one role process', ctx.namedRoles.length > 0);
    const pids = new Map<number, string>();
    for (const role of ctx.namedRoles) {
      const s = ctx.current(role);
      if (s === undefined) fail(`role '${role}' has no servo process`);
      expectTrue(`the '${role}' process ${s.label} is alive`, s.alive);
      expectTrue(`the '${role}' process PID ${s.pid} differs from the host PID ${ctx.hostPid}`, s.pid !== ctx.hostPid);
      const other = pids.get(s.pid);
      if (other !== undefined) fail(`roles '${other}' and '${role}' run in the same process ${s.pid}`);
      pids.set(s.pid, role);
      const st = await s.status(2000);
      expectEqual(`the '${role}' process reports pid`, s.pid, st.pid);
      expectEqual(`the '${role}' process reports role`, role, st.role);
      expectEqual(`the '${role}' process reports the scenario's run id`, ctx.runId, st.runId);
    }
  },
});

const KILL_SUMMARY =
  "Real SIGKILL (steps.md §1.3): wait for exit and reaping (≤ 5 s), exit caused by SIGKILL, role marked dead; the victim's PID is still recorded in the scenario buffer's OIEB slot it occupied.";

defineStep({
  id: 'L04',
  keyword: 'When',
  pattern: "the '{role}' process is killed",
  runsIn: 'host-role',
  boundMs: 10_000,
  summary: KILL_SUMMARY,
  host: (ctx, role: string) => ctx.killRole(role),
});

defineStep({
  id: 'L09',
  keyword: 'When',
  pattern: "the '{role}' process crashes",
  runsIn: 'host-role',
  boundMs: 10_000,
  summary: KILL_SUMMARY,
  host: (ctx, role: string) => ctx.killRole(role),
});

defineStep({
  id: 'L05',
  keyword: 'When',
  pattern: "wait for '{seconds}' seconds",
  runsIn: 'host',
  bound: (seconds: number) => seconds * 1000 + 5000,
  summary: 'Sleep that long on the monotonic clock (never scaled); elapsed must be ≥ seconds.',
  host: async (ctx, seconds: number) => {
    const ms = seconds * 1000;
    const elapsed = await sleepAtLeast(ms);
    expectTrue(`waited ≥ ${seconds} s on the monotonic clock (elapsed ${(elapsed / 1000).toFixed(3)} s)`, elapsed >= ms);
    ctx.logger.info({ seconds, elapsedMs: Math.round(elapsed) }, 'waited');
  },
});

// Internal instructions sent by the host's kill (Router.killRole) to the process that will replace
// a killed reader: share the victim's lock before the SIGKILL, confirm it still holds it after.
registry.defineInstruction({
  name: 'guardStaleLock',
  servo: (ctx, args) => {
    const { pid, path } = args as { pid: number; path: string };
    ctx.lockGuard?.release();
    ctx.lockGuard = null;
    try {
      ctx.lockGuard = StaleLockGuard.share(pid, path);
      return { shared: true };
    } catch (e) {
      // pidfd_getfd needs ptrace access to the victim (e.g. EPERM under Yama ptrace_scope 1 for a
      // non-root user). Without the guard the scenario still runs; it only loses its immunity to
      // stale scans by other processes in the few milliseconds between the kill and the snapshot.
      const reason = describeError(e);
      ctx.logger.warn({ path, reason }, 'stale-lock guard unavailable; continuing without it');
      return { shared: false, reason };
    }
  },
});

registry.defineInstruction({
  name: 'checkStaleLockGuard',
  servo: (ctx) => {
    if (ctx.lockGuard === null) fail('no stale-lock guard was set up in this process');
    expectTrue(`stale-lock guard still holds ${ctx.lockGuard.path} after its owner died`, ctx.lockGuard.holds(ctx.lockGuard.path));
    return { holds: true };
  },
});
