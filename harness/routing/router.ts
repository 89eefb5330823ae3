// Router: decides where each step runs (steps.md §1.2, rules applied in order) and executes it.
//
//  1. host / host ⇒ all / host multi / host → role patterns always run on the host
//  2. `the '<role>' process …`     → the role's current process
//  3. `a new '<role>' process …`   → replace the role's process (close stdin, 2 s grace, SIGKILL)
//  4. `a second '<role>' process …`→ an additional process of the role (becomes the inherited target)
//  5. `a '<role>' process …`       → the role's current process, started on demand
//  6. `two '<role>' processes` & follow-ups → host multi-process patterns (rule 1)
//  7. fixed override: `another writer attempts to connect without permissions` → 'writer' (started if absent)
//  8. anything else inherits the most recently targeted process; with none, runs on the host
//
// Host steps leave the inherited target unchanged (except host steps that start a process);
// host → role steps (kill …) do not make that role the target.
import { describeError, expectEqual, expectTrue, fail } from '../assert';
import { cucumberTimeoutMs, hostAbortMs, type StepDefinition, type TableRows } from '../registry';
import type { ExecuteStepParams, StepResult, StepTable } from '../rpc/protocol';
import type { HostStepContext, BroadcastReply } from '../host/context';
import type { ScenarioRun } from '../host/scenario';
import { ServoProcess, describeExit } from '../host/servo-process';
import { readShm } from '../diagnostics/snap';
import { osObjectPaths } from '../model/naming';
import { T_REAP, T_REPLACE_GRACE } from '../model/timing';

export const RULES = {
  the: /^the '([^']*)' process\b/,
  newRole: /^a new '([^']*)' process\b/,
  second: /^a second '([^']*)' process\b/,
  a: /^a '([^']*)' process\b/,
};

/** Rule 7 — fixed overrides: text → role. */
export const FIXED_OVERRIDES: { text: RegExp; role: string }[] = [{ text: /^another writer attempts to connect without permissions$/, role: 'writer' }];

/** `buffer '<x>'` / `channel '<x>'` — the last one in a step text becomes the scenario buffer. */
const BUFFER_MENTION = /\b(?:buffer|channel) '([^']*)'/g;

function deadMessage(what: string, s: ServoProcess): string {
  const how = describeExit(s.exit!);
  if (s.killedOnPurpose) return `process is dead: ${what} ${s.label} was killed by the host (${how}); no later step may run in it`;
  return `process is dead: ${what} ${s.label} died unexpectedly (${how})\n${s.diagnostics()}`;
}

export interface RoutedStep {
  text: string;
  /** 0 Given, 1 When, 2 Then. */
  type: number;
}

export type Target =
  | { kind: 'servo'; servo: ServoProcess; rule: string }
  | { kind: 'host'; rule: string };

export class Router {
  constructor(private readonly run: ScenarioRun) {}

  /** Which rule applies to this text (without side effects) — used for documentation/tests. */
  static classify(def: Pick<StepDefinition, 'runsIn'>, text: string): string {
    if (def.runsIn !== 'process') return `rule 1 (${def.runsIn})`;
    if (FIXED_OVERRIDES.some((o) => o.text.test(text))) return 'rule 7 (fixed override)';
    if (RULES.the.test(text)) return 'rule 2 (the role process)';
    if (RULES.newRole.test(text)) return 'rule 3 (new role process)';
    if (RULES.second.test(text)) return 'rule 4 (second role process)';
    if (RULES.a.test(text)) return 'rule 5 (a role process)';
    return 'rule 8 (inherit)';
  }

  private noteScenarioBuffer(text: string): void {
    let last: string | undefined;
    for (const m of text.matchAll(BUFFER_MENTION)) last = m[1];
    if (last !== undefined) this.run.scenarioBuffer = last;
  }

  /** Resolve (and, for rules 3–5 and 7, create) the target of a 'process' step. */
  private async target(text: string): Promise<Target> {
    const run = this.run;
    const override = FIXED_OVERRIDES.find((o) => o.text.test(text));
    if (override !== undefined) {
      const cur = run.current(override.role);
      const servo = cur !== undefined && cur.alive ? cur : await this.startCurrent(override.role);
      return { kind: 'servo', servo, rule: 'rule 7' };
    }
    let m = RULES.the.exec(text);
    if (m !== null) {
      const role = m[1]!;
      const cur = run.current(role);
      if (cur === undefined) {
        // normally started before the first step (every role of a `the '<role>' process` phrase)
        return { kind: 'servo', servo: await this.startCurrent(role), rule: 'rule 2' };
      }
      if (!cur.alive) fail(deadMessage(`the '${role}' process`, cur));
      return { kind: 'servo', servo: cur, rule: 'rule 2' };
    }
    m = RULES.newRole.exec(text);
    if (m !== null) {
      const role = m[1]!;
      const old = run.current(role);
      if (old !== undefined && old.alive) {
        run.logger.info({ role, pid: old.pid }, 'replacing the role process (close stdin, grace, SIGKILL)');
        await old.replace(T_REPLACE_GRACE);
      }
      const standby = run.takeStandby(role);
      const fresh = standby ?? (await run.spawn(role));
      // it replaces the old process as the role's current one
      const l = run.roles.get(role) ?? [];
      run.roles.set(role, l);
      if (l.includes(fresh)) l.splice(l.indexOf(fresh), 1);
      if (old !== undefined && l[0] === old) l[0] = fresh;
      else l.unshift(fresh);
      return { kind: 'servo', servo: fresh, rule: standby !== undefined ? 'rule 3 (prepared standby)' : 'rule 3' };
    }
    m = RULES.second.exec(text);
    if (m !== null) {
      const role = m[1]!;
      if (run.current(role) === undefined) fail(`'a second '${role}' process': the role has no first process`);
      const extra = await run.spawn(role);
      return { kind: 'servo', servo: extra, rule: 'rule 4' };
    }
    m = RULES.a.exec(text);
    if (m !== null) {
      const role = m[1]!;
      const cur = run.current(role);
      if (cur === undefined) return { kind: 'servo', servo: await this.startCurrent(role), rule: 'rule 5' };
      if (!cur.alive) fail(deadMessage(`the '${role}' process`, cur));
      return { kind: 'servo', servo: cur, rule: 'rule 5' };
    }
    const inh = run.inherited;
    if (inh === null) return { kind: 'host', rule: 'rule 8 (nothing to inherit)' };
    if (!inh.alive) fail(deadMessage('the inherited target process', inh));
    return { kind: 'servo', servo: inh, rule: 'rule 8' };
  }

  private async startCurrent(role: string): Promise<ServoProcess> {
    const sp = await this.run.spawn(role);
    const l = this.run.roles.get(role)!;
    // the new process becomes the role's current one
    l.splice(l.indexOf(sp), 1);
    l.unshift(sp);
    return sp;
  }

  private params(text: string, type: number, broadcast: boolean, table: StepTable | null, servo: ServoProcess): ExecuteStepParams {
    return {
      Process: servo.role,
      StepType: type,
      Step: text,
      IsBroadcast: broadcast,
      Table: table,
      Parameters: {},
      Context: { RunId: this.run.runId, Roles: this.run.roleTable(), ScenarioBuffer: this.run.scenarioBuffer ?? null },
    };
  }

  private async sendStep(servo: ServoProcess, def: StepDefinition, step: RoutedStep, broadcast: boolean, table: StepTable | null, timeoutMs: number): Promise<StepResult> {
    const t0 = performance.now();
    const res = await servo.executeStep(this.params(step.text, step.type, broadcast, table, servo), timeoutMs);
    const ms = Math.round(performance.now() - t0);
    for (const l of res.Logs ?? []) this.run.logger.debug({ from: servo.label, level: l.Level, at: l.Timestamp }, l.Message);
    this.run.logger.info({ step: step.text, id: def.id, servo: servo.label, ok: res.Success, ms }, 'step routed');
    return res;
  }

  /** Execute one step: route per §1.2, run, and fail with a precise message. */
  async execute(def: StepDefinition, step: RoutedStep, args: unknown[], table: TableRows | undefined): Promise<void> {
    this.noteScenarioBuffer(step.text);
    const rawTable: StepTable | null =
      table === undefined ? null : { Headers: Object.keys(table[0] ?? {}), Rows: table.map((r) => Object.values(r)) };
    const hostArgs = def.table === true ? [...args, table] : args;
    if (def.runsIn === 'process') {
      const t = await this.target(step.text);
      if (t.kind === 'host') {
        if (def.host === undefined) fail(`step ${def.id} names no process and no process has been targeted yet in this scenario (routing ${t.rule}), and it has no host implementation`);
        await def.host(this.hostContext(def, step, rawTable), ...hostArgs);
        return;
      }
      this.run.inherited = t.servo;
      const res = await this.sendStep(t.servo, def, step, false, rawTable, Math.min(hostAbortMs(def), cucumberTimeoutMs(def) - 1000));
      if (!res.Success) throw new Error(`[${t.servo.label}] ${res.Error ?? 'step failed (no message)'}`);
      return;
    }
    const hctx = this.hostContext(def, step, rawTable);
    await def.host!(hctx, ...hostArgs);
    if (def.runsIn === 'host-all' && !hctx.broadcasted) fail(`fan-out step ${def.id} did not deliver the step to the servos`);
  }

  hostContext(def: StepDefinition, step: RoutedStep, table: StepTable | null): HostStepContext & { broadcasted: boolean } {
    const run = this.run;
    const self = this;
    return {
      broadcasted: false,
      runId: run.runId,
      naming: run.naming,
      logger: run.logger,
      hostPid: process.pid,
      stepText: step.text,
      namedRoles: run.namedRoles,
      scenarioBuffer: () => run.scenarioBuffer,
      liveServos: () => run.liveServos(),
      current: (role: string) => run.current(role),
      async broadcast(timeoutMs: number): Promise<BroadcastReply[]> {
        this.broadcasted = true;
        const servos = run.liveServos();
        const settled = await Promise.allSettled(servos.map((s) => self.sendStep(s, def, step, true, table, timeoutMs)));
        const errors: string[] = [];
        const replies: BroadcastReply[] = [];
        settled.forEach((r, i) => {
          const s = servos[i]!;
          if (r.status === 'rejected') errors.push(`[${s.label}] ${describeError(r.reason)}`);
          else if (!r.value.Success) errors.push(`[${s.label}] ${r.value.Error ?? 'failed'}`);
          else replies.push({ servo: s, result: r.value });
        });
        if (errors.length > 0) fail(`fan-out of "${step.text}" failed in ${errors.length} of ${servos.length} servo(s):\n${errors.join('\n')}`);
        return replies;
      },
      async statusAll(timeoutMs: number) {
        const servos = run.liveServos();
        return Promise.all(servos.map(async (servo) => ({ servo, status: await servo.status(timeoutMs) })));
      },
      killRole: (role: string) => self.killRole(role),
      async startProcess(role: string, becomeTarget: boolean) {
        const sp = await run.spawn(role);
        if (becomeTarget) run.inherited = sp;
        return sp;
      },
      instruct: (servo: ServoProcess, op: string, args: Record<string, unknown>, timeoutMs: number) =>
        self.instructServo(servo, op, args, timeoutMs, `for step "${step.text}"`),
    };
  }

  /** Sends an internal instruction (harness protocol `zb/instruct`) and fails on its failure. */
  async instructServo(servo: ServoProcess, op: string, args: Record<string, unknown>, timeoutMs = 10_000, why = ''): Promise<Record<string, unknown>> {
    const r = await servo.request<{ Success: boolean; Error: string | null; Result: Record<string, unknown> }>(
      'zb/instruct',
      { Op: op, Args: args },
      timeoutMs,
      `instruction ${op} ${why}`.trim(),
    );
    if (!r.Success) fail(`[${servo.label}] instruction ${op} failed: ${r.Error ?? 'no message'}`);
    return r.Result;
  }

  /**
   * Real SIGKILL of the role's current process (steps.md §1.3): wait for exit and reaping (≤ 5 s),
   * assert the signal, mark the role dead, and if the victim was attached to the scenario buffer
   * assert its PID is still recorded in the slot it occupied.
   */
  async killRole(role: string): Promise<void> {
    const run = this.run;
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
    const guarded = guard !== undefined && (await this.instructServo(guard, 'guardStaleLock', { pid: victim.pid, path: osObjectPaths(resolved!).lock })).shared === true;
    const t0 = performance.now();
    const x = await victim.kill(T_REAP);
    const ms = Math.round(performance.now() - t0);
    if (guarded) await this.instructServo(guard!, 'checkStaleLockGuard', {});
    run.logger.info({ role, pid: victim.pid, exit: x, ms, slot }, 'process SIGKILLed');
    expectEqual(`kill of the '${role}' process (pid ${victim.pid}): exit caused by`, 'SIGKILL', x.signal);
    expectTrue(`kill of the '${role}' process (pid ${victim.pid}): exited and reaped within ${T_REAP} ms (no zombie left)`, x.reaped);
    if (slot !== null && resolved !== undefined) {
      const after = readShm(resolved);
      const observed = after.oieb === null ? null : slot === 'reader_pid' ? after.oieb.readerPid : after.oieb.writerPid;
      expectEqual(`after SIGKILL of the '${role}' process: OIEB ${slot} of ${resolved} still records the victim's PID (no graceful cleanup ran)`, pid, observed);
    }
  }
}
