// Deliberate deaths of servos, owned by the host (the router only routes):
//  - killRole: a real SIGKILL of a role's process (steps.md §1.3) with all its checks;
//  - expectDeath: a step declares that a servo is about to die (it crashes itself, or the host
//    makes it crash), so the death is not reported as unexpected, and can await and check it.
import { describeExit, type Death, type ServoProcess } from './servo-process';
import type { ScenarioRun } from './scenario';
import { expectEqual, expectTrue, fail } from '../assert';
import { readShm } from '../diagnostics/snap';
import { osObjectPaths } from '../model/naming';
import { T_REAP } from '../model/timing';

/** How an expected death must have happened; an omitted field is not checked. */
export interface DeathExpectation {
  signal?: NodeJS.Signals | null;
  code?: number | null;
}

/** Asserts an observed death: caused as expected, and reaped (no zombie left). */
export function checkDeath(what: string, d: Death, expected: DeathExpectation, limitMs: number): void {
  if (expected.signal !== undefined) expectEqual(`${what}: exit caused by`, expected.signal, d.signal);
  if (expected.code !== undefined) expectEqual(`${what}: exit code`, expected.code, d.code);
  expectTrue(`${what}: exited and reaped within ${limitMs} ms (no zombie left)`, d.reaped);
}

export interface ExpectedDeath {
  readonly servo: ServoProcess;
  readonly reason: string;
  /** Waits (≤ limitMs, default 5 s) for the exit and its reaping and asserts `expected`. */
  wait(expected: DeathExpectation, limitMs?: number): Promise<Death>;
}

/** The deaths declared so far, by servo (the latest declaration of a servo). */
const declared = new WeakMap<ServoProcess, ExpectedDeath>();

export function expectDeath(servo: ServoProcess, reason: string): ExpectedDeath {
  if (servo.exit !== null) fail(`${servo.label} cannot be expected to die (${reason}): it is already dead (${describeExit(servo.exit)})`);
  servo.expectEnd(reason);
  const death: ExpectedDeath = {
    servo,
    reason,
    async wait(expected, limitMs = T_REAP) {
      const d = await servo.awaitExit(limitMs, `expected death (${reason}) of`);
      checkDeath(`expected death of ${servo.label} (${reason})`, d, expected, limitMs);
      return d;
    },
  };
  declared.set(servo, death);
  return death;
}

/** The death an earlier expectDeath declared for `servo` (e.g. through StepSpec.armsOwnDeath); fails without one. */
export function declaredDeath(servo: ServoProcess): ExpectedDeath {
  const d = declared.get(servo);
  if (d === undefined) fail(`no death of ${servo.label} was declared: an unannounced exit would be an unexpected death`);
  return d;
}

/**
 * Real SIGKILL of the role's current process (steps.md §1.3): wait for exit and reaping (≤ 5 s),
 * assert the signal, mark the role dead, and if the victim was attached to the scenario buffer
 * assert its PID is still recorded in the slot it occupied.
 */
export async function killRole(run: ScenarioRun, role: string): Promise<void> {
  const victim = run.current(role);
  if (victim === undefined) fail(`kill: the scenario has no '${role}' process`);
  if (!victim.alive) fail(`kill: the '${role}' process ${victim.label} is already dead (${describeExit(victim.exit!)})`);
  // A later `a new '<role>' process` step will replace the victim: have the fresh process ready
  // before the kill (see ScenarioRun.prepareStandby).
  if (run.replacesLater(role)) await run.prepareStandby(role);
  const base = run.scenarioBuffer;
  const resolved = base !== undefined ? run.naming.resolve(base) : undefined;
  const before = resolved !== undefined ? readShm(resolved) : undefined;
  const pid = BigInt(victim.pid);
  const slot =
    before?.oieb == null ? null : before.oieb.readerPid === pid ? 'reader_pid' : before.oieb.writerPid === pid ? 'writer_pid' : null;
  // A killed reader's lock file must still be there for its replacement's PRE-SNAPSHOT: the
  // replacement shares the victim's lock before the kill (diagnostics/lock-guard.ts).
  const guard = slot === 'reader_pid' && resolved !== undefined ? run.peekStandby(role) : undefined;
  const guarded = guard !== undefined && (await guard.instruct('guardStaleLock', { pid: victim.pid, path: osObjectPaths(resolved!).lock }, 10_000)).shared === true;
  const t0 = performance.now();
  const x = await victim.kill(T_REAP);
  const ms = Math.round(performance.now() - t0);
  if (guarded) await guard!.instruct('checkStaleLockGuard', {}, 10_000);
  run.logger.info({ role, pid: victim.pid, exit: x, ms, slot }, 'process SIGKILLed');
  checkDeath(`kill of the '${role}' process (pid ${victim.pid})`, x, { signal: 'SIGKILL' }, T_REAP);
  if (slot !== null && resolved !== undefined) {
    const after = readShm(resolved);
    const observed = after.oieb === null ? null : slot === 'reader_pid' ? after.oieb.readerPid : after.oieb.writerPid;
    expectEqual(`after SIGKILL of the '${role}' process: OIEB ${slot} of ${resolved} still records the victim's PID (no graceful cleanup ran)`, pid, observed);
  }
}
