// Router: decides where each step runs (the rule table of routing/rules.ts, steps.md §1.2) and
// delivers it there — a host part, one servo, or every live servo (fan-out). What host steps can
// do is harness/host/context.ts; kills and crashes are harness/host/kill.ts.
//
// Host steps leave the inherited target unchanged (except host steps that start a process);
// host → role steps (kill …) do not make that role the target.
import { describeError, fail } from '../assert';
import { stepLimitMs, StepSkipped, type StepDefinition } from '../registry';
import type { ExecuteStepParams, StepResult, StepTable } from '../rpc/protocol';
import { stepCallParameters } from '../rpc/step-call';
import { createHostStepContext, type AttachFn, type BroadcastReply } from '../host/context';
import type { ScenarioRun } from '../host/scenario';
import type { ScenarioStep } from '../host/steps';
import { describeExit, type ServoProcess } from '../host/servo-process';
import { expectDeath } from '../host/kill';
import { T_REPLACE_GRACE, within } from '../model/timing';
import { routeStep, type Route } from './rules';

/** `buffer '<x>'` / `channel '<x>'` — the last one in a step text becomes the scenario buffer. */
const BUFFER_MENTION = /\b(?:buffer|channel) '([^']*)'/g;

function deadMessage(what: string, s: ServoProcess): string {
  const how = describeExit(s.exit!);
  if (s.endReason !== null) return `process is dead: ${what} ${s.label} ended as expected — ${s.endReason} (${how}); no later step may run in it`;
  return `process is dead: ${what} ${s.label} died unexpectedly (${how})\n${s.diagnostics()}`;
}

/** One step to execute: the step as written, what it matched, and where its attachments go. */
export interface StepCall {
  step: ScenarioStep;
  def: StepDefinition;
  /** The typed expression arguments (without the table). */
  args: unknown[];
  /** Where HostStepContext.attach sends data: the cucumber step being reported. */
  attach: AttachFn;
}

/** A servo's answer as the step's outcome: throws on failure, StepSkipped when it skipped. */
export function settleServoResult(servo: ServoProcess, res: StepResult): void {
  if (!res.Success) throw new Error(`[${servo.label}] ${res.Error ?? 'step failed (no message)'}`);
  const skipped = res.Context?.Skipped;
  if (typeof skipped === 'string') throw new StepSkipped(`[${servo.label}] ${skipped}`);
}

export class Router {
  constructor(private readonly run: ScenarioRun) {}

  private noteScenarioBuffer(text: string): void {
    let last: string | undefined;
    for (const m of text.matchAll(BUFFER_MENTION)) last = m[1];
    if (last !== undefined) this.run.scenarioBuffer = last;
  }

  /** The servo a 'process' step runs in (rules 2–5, 7, 8) — started or replaced as the rule says; null: host. */
  private async target(route: Route): Promise<ServoProcess | null> {
    const run = this.run;
    const role = route.role!;
    switch (route.rule) {
      case 'the':
      case 'a':
      case 'override': {
        const cur = run.current(role);
        // rule 2 roles are normally started before the first step; rules 5 and 7 start on demand
        if (cur === undefined || (route.rule === 'override' && !cur.alive)) return this.startCurrent(role);
        if (!cur.alive) fail(deadMessage(`the '${role}' process`, cur));
        return cur;
      }
      case 'new': {
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
        if (standby !== undefined) run.logger.info({ role, pid: fresh.pid }, 'using the prepared standby process');
        return fresh;
      }
      case 'second':
        if (run.current(role) === undefined) fail(`'a second '${role}' process': the role has no first process`);
        return run.spawn(role);
      default: {
        const inh = run.inherited;
        if (inh === null) return null;
        if (!inh.alive) fail(deadMessage('the inherited target process', inh));
        return inh;
      }
    }
  }

  private async startCurrent(role: string): Promise<ServoProcess> {
    const sp = await this.run.spawn(role);
    const l = this.run.roles.get(role)!;
    // the new process becomes the role's current one
    l.splice(l.indexOf(sp), 1);
    l.unshift(sp);
    return sp;
  }

  private params(call: StepCall, role: string | null, servo: ServoProcess): ExecuteStepParams {
    const table = call.step.table;
    const raw: StepTable | null = table === undefined ? null : { Headers: Object.keys(table[0] ?? {}), Rows: table.map((r) => Object.values(r)) };
    return {
      Process: servo.role,
      StepType: call.step.type,
      Step: call.step.text,
      IsBroadcast: role === null,
      Table: raw,
      Parameters: stepCallParameters(call.def, role, call.args),
      Context: { RunId: this.run.runId, Roles: this.run.roleTable(), ScenarioBuffer: this.run.scenarioBuffer ?? null },
    };
  }

  /** executeStep in one servo; `role` null = fan-out delivery. */
  private async sendStep(servo: ServoProcess, call: StepCall, role: string | null, timeoutMs: number): Promise<StepResult> {
    const t0 = performance.now();
    const res = await servo.executeStep(this.params(call, role, servo), timeoutMs);
    const ms = Math.round(performance.now() - t0);
    for (const l of res.Logs ?? []) this.run.logger.debug({ from: servo.label, level: l.Level, at: l.Timestamp }, l.Message);
    this.run.logger.info({ step: call.step.text, id: call.def.id, servo: servo.label, ok: res.Success, ms }, 'step routed');
    return res;
  }

  /** Fan-out: the step in every live servo, in parallel; fails if any part fails, skipped if any skipped. */
  async broadcast(call: StepCall, timeoutMs: number): Promise<BroadcastReply[]> {
    const servos = this.run.liveServos();
    const settled = await Promise.allSettled(servos.map((s) => this.sendStep(s, call, null, timeoutMs)));
    const errors: string[] = [];
    const skipped: string[] = [];
    const replies: BroadcastReply[] = [];
    settled.forEach((r, i) => {
      const s = servos[i]!;
      if (r.status === 'rejected') errors.push(`[${s.label}] ${describeError(r.reason)}`);
      else if (!r.value.Success) errors.push(`[${s.label}] ${r.value.Error ?? 'failed'}`);
      else if (typeof r.value.Context?.Skipped === 'string') skipped.push(`[${s.label}] ${r.value.Context.Skipped}`);
      else replies.push({ servo: s, result: r.value });
    });
    if (errors.length > 0) fail(`fan-out of "${call.step.text}" failed in ${errors.length} of ${servos.length} servo(s):\n${errors.join('\n')}`);
    if (skipped.length > 0) throw new StepSkipped(skipped.join('; '));
    return replies;
  }

  /** Execute one step: route per §1.2, run within the step's limit, fail with a precise message. */
  async execute(call: StepCall): Promise<void> {
    const { def, step } = call;
    this.noteScenarioBuffer(step.text);
    const table = step.table;
    if (def.table === true && (table === undefined || table.length === 0)) fail(`step ${def.id} needs a non-empty DataTable`);
    const hostArgs = def.table === true ? [...call.args, table] : call.args;
    const limitMs = stepLimitMs(def, hostArgs);
    const route = routeStep(def, step.text);
    if (route.rule === 'host') return this.runHost(call, hostArgs, limitMs);
    const servo = await this.target(route);
    if (servo === null) {
      if (def.host === undefined) fail(`step ${def.id} names no process and no process has been targeted yet in this scenario (routing ${route.label}), and it has no host implementation`);
      return this.runHost(call, hostArgs, limitMs);
    }
    this.run.inherited = servo;
    // declared before the step is delivered: from then on the process may die at any moment
    if (def.armsOwnDeath !== undefined) expectDeath(servo, def.armsOwnDeath);
    settleServoResult(servo, await this.sendStep(servo, call, servo.role, limitMs));
  }

  private async runHost(call: StepCall, hostArgs: unknown[], limitMs: number): Promise<void> {
    const hctx = createHostStepContext(this.run, this, call);
    const done = await within(Promise.resolve(call.def.host!(hctx, ...hostArgs)).then(() => true), limitMs, false);
    if (!done) fail(`host step ${call.def.id} "${call.step.text}" did not finish within ${limitMs} ms (its bound + 10 s)`);
    if (call.def.runsIn === 'host-all' && !hctx.broadcasted) fail(`fan-out step ${call.def.id} did not deliver the step to the servos`);
  }
}
