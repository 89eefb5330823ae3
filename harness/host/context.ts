// What a host step implementation gets — the interface, and the one place that builds it.
import type { Logger } from '../logging';
import type { BufferNamingService } from '../model/naming';
import type { ServoStatus, StepResult } from '../rpc/protocol';
import { registry, skipStep, type StepMatch } from '../registry';
import { fail } from '../assert';
import type { Router, StepCall } from '../routing/router';
import type { ServoProcess } from './servo-process';
import type { ScenarioRun } from './scenario';
import type { ScenarioState } from './state';
import type { HostResource } from './resources';
import type { ServoSpawnExtras } from './spawn';
import type { ScenarioStep } from './steps';
import { declaredDeath, expectDeath, killRole, type ExpectedDeath } from './kill';

export interface BroadcastReply {
  servo: ServoProcess;
  result: StepResult;
}

/** Sends data to cucumber's report of the step being executed (World.attach). */
export type AttachFn = (data: string | Buffer, options: { mediaType: string; fileName?: string }) => void;

/** A step after the current one, with what it matches on the host. */
export interface FollowingStep extends ScenarioStep {
  /** Definition and typed arguments; null when the text is undefined or ambiguous (cucumber reports it). */
  readonly match: StepMatch | null;
}

export interface HostStepContext {
  readonly runId: string;
  readonly naming: BufferNamingService;
  readonly logger: Logger;
  readonly hostPid: number;
  /** The step being executed: text, keyword as written, resolved type, position, table. */
  readonly step: ScenarioStep;
  /** Roles named by a `the '<role>' process` step of this scenario. */
  readonly namedRoles: readonly string[];
  /** Base name of the scenario buffer (most recently mentioned `buffer '…'`/`channel '…'`). */
  scenarioBuffer(): string | undefined;

  /** Typed values shared by the host steps of this scenario (cleared at teardown). */
  readonly state: ScenarioState;
  /** Registers a library object the host created; disposed at teardown, newest first. */
  own<T extends HostResource>(resource: T, label: string): T;
  /** Attaches text or bytes to this step in cucumber's report. */
  attach(data: string | Buffer, options: { mediaType: string; fileName?: string }): void;
  /** Ends the step as skipped (cucumber reports the step and the scenario skipped, the reason attached). */
  skip(reason: string): never;

  /** Live servos of this scenario. */
  liveServos(): ServoProcess[];
  /** The role's current process ("the '<role>' process"), alive or not. */
  current(role: string): ServoProcess | undefined;
  /** Fan-out: deliver this step to every live servo (IsBroadcast) in parallel; fails if any part fails. */
  broadcast(timeoutMs: number): Promise<BroadcastReply[]>;
  /** Readiness probe of every live servo. */
  statusAll(timeoutMs: number): Promise<{ servo: ServoProcess; status: ServoStatus }[]>;
  /** Real SIGKILL of the role's current process (steps.md §1.3), with all its checks. */
  killRole(role: string): Promise<void>;
  /**
   * Start an additional process of `role` (it does not replace the role's current process), with
   * optional extra environment, launcher prefix or uid/gid. `becomeTarget` makes it the inherited
   * target (steps that start a process).
   */
  startProcess(role: string, becomeTarget: boolean, options?: ServoSpawnExtras): Promise<ServoProcess>;
  /** Send an internal instruction (harness protocol `zb/instruct`) to a servo and return its result. */
  instruct(servo: ServoProcess, op: string, args: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>>;
  /** Declare that `servo` is about to die on purpose; await and check the death with the handle. */
  expectDeath(servo: ServoProcess, reason: string): ExpectedDeath;
  /** The death declared earlier for `servo` (expectDeath, or a step with `armsOwnDeath`); fails without one. */
  declaredDeath(servo: ServoProcess): ExpectedDeath;

  /** The steps after this one, in order, with their keywords, resolved types and matches. */
  remainingSteps(): FollowingStep[];
  /** Execute a following step now, routed exactly as cucumber's invocation of it would be. */
  runStep(step: FollowingStep): Promise<void>;
  /** Mark following steps as executed by this step: cucumber then passes them as no-ops, noted in the report. */
  consumeSteps(steps: readonly ScenarioStep[]): void;
}

function matchOnHost(text: string): StepMatch | null {
  try {
    const m = registry.match(text);
    return m.length === 1 ? m[0]! : null;
  } catch {
    // a parameter transform refused the text (e.g. a u64 beyond 2^64 − 1): cucumber reports it
    return null;
  }
}

export function createHostStepContext(run: ScenarioRun, router: Router, call: StepCall): HostStepContext & { broadcasted: boolean } {
  const { step } = call;
  return {
    broadcasted: false,
    runId: run.runId,
    naming: run.naming,
    logger: run.logger,
    hostPid: process.pid,
    step,
    namedRoles: run.namedRoles,
    scenarioBuffer: () => run.scenarioBuffer,
    state: run.state,
    own: (resource, label) => run.resources.own(resource, label),
    attach: (data, options) => call.attach(data, options),
    skip: (reason) => skipStep(reason),
    liveServos: () => run.liveServos(),
    current: (role) => run.current(role),
    broadcast(timeoutMs) {
      this.broadcasted = true;
      return router.broadcast(call, timeoutMs);
    },
    statusAll: (timeoutMs) => Promise.all(run.liveServos().map(async (servo) => ({ servo, status: await servo.status(timeoutMs) }))),
    killRole: (role) => killRole(run, role),
    async startProcess(role, becomeTarget, options) {
      const sp = await run.spawn(role, options);
      if (becomeTarget) run.inherited = sp;
      return sp;
    },
    instruct: (servo, op, args, timeoutMs) => servo.instruct(op, args, timeoutMs, `for step "${step.text}"`),
    expectDeath: (servo, reason) => expectDeath(servo, reason),
    declaredDeath: (servo) => declaredDeath(servo),
    remainingSteps: () => run.steps.after(step.index).map((s) => ({ ...s, match: matchOnHost(s.text) })),
    async runStep(following) {
      if (following.index <= step.index) fail(`step ${step.index + 1} can only run steps after itself, not step ${following.index + 1}`);
      if (following.match === null) fail(`step ${following.index + 1} "${following.text}" is undefined or ambiguous: it cannot be run by step ${step.index + 1}`);
      const { match, ...s } = following;
      await router.execute({ step: s, def: match.def, args: match.args, attach: call.attach });
    },
    consumeSteps(steps) {
      for (const s of steps) run.steps.consume(s, step);
    },
  };
}
