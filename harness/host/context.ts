// What a host step implementation gets (types only; implemented by ScenarioRun / Router).
import type { Logger } from '../logging';
import type { BufferNamingService } from '../model/naming';
import type { ServoStatus, StepResult } from '../rpc/protocol';
import type { ServoProcess } from './servo-process';

export interface BroadcastReply {
  servo: ServoProcess;
  result: StepResult;
}

export interface HostStepContext {
  readonly runId: string;
  readonly naming: BufferNamingService;
  readonly logger: Logger;
  readonly hostPid: number;
  /** The full step text. */
  readonly stepText: string;
  /** Roles named in a `the '<role>' process` phrase anywhere in this scenario. */
  readonly namedRoles: readonly string[];
  /** Base name of the scenario buffer (most recently mentioned `buffer '…'`/`channel '…'`). */
  scenarioBuffer(): string | undefined;
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
   * Host multi-process steps: start an additional process of `role` (it does not replace the
   * role's current process). `becomeTarget` makes it the inherited target (steps that start a process).
   */
  startProcess(role: string, becomeTarget: boolean): Promise<ServoProcess>;
  /** Host multi-process steps: send an internal instruction to a servo and return its result. */
  instruct(servo: ServoProcess, op: string, args: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>>;
}
