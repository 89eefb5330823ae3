// Scenario bookkeeping on the host: run id, naming, the steps, the servos of this scenario
// execution (started, replaced, killed), the scenario buffer, the host's own state and library
// objects, and teardown (quiesce → host resources → shutdown → SIGKILL fallback → hygiene).
// Servos come from the warm pool when one is idle and no spawn options are asked for; the pool is
// topped up once their handshakes are done.
import * as path from 'node:path';
import { BufferNamingService, makeRunId } from '../model/naming';
import type { Logger } from '../logging';
import { logsRoot } from '../paths';
import { T_SHUTDOWN } from '../model/timing';
import { describeError } from '../assert';
import { ServoProcess, describeExit } from './servo-process';
import { removeRunObjects } from './hygiene';
import { hasSpawnOptions, type ServoSpawnExtras } from './spawn';
import type { WarmPool } from './warm-pool';
import type { ScenarioSteps } from './steps';
import { ScenarioState } from './state';
import { HostResources } from './resources';
import { replacesRole, rolesNamedIn } from '../routing/rules';

export interface TeardownReport {
  unobserved: string[];
  problems: string[];
  removed: string[];
  ms: number;
}

export class ScenarioRun {
  readonly runId: string;
  readonly naming: BufferNamingService;
  readonly logDir: string;
  readonly logger: Logger;
  /** Every servo ever started in this scenario (for logs), in start order. */
  readonly servos: ServoProcess[] = [];
  /** role → its processes: [0] is "the '<role>' process", later entries are second ones. */
  readonly roles = new Map<string, ServoProcess[]>();
  /** Most recently targeted servo (routing rule 8). */
  inherited: ServoProcess | null = null;
  /** Base name of the most recently mentioned buffer/channel (steps.md §3.4 item 6). */
  scenarioBuffer: string | undefined;
  startMs = 0;
  /** Roles named by a `the '<role>' process` step of the scenario (started up front). */
  readonly namedRoles: readonly string[];
  /** Values host steps leave for later host steps (cleared at teardown). */
  readonly state = new ScenarioState();
  /** Library objects the host created itself (disposed at teardown, newest first). */
  readonly resources = new HostResources();

  constructor(
    readonly ordinal: number,
    readonly name: string,
    readonly featureId: string,
    readonly steps: ScenarioSteps,
    hostLogger: Logger,
    private readonly pool?: WarmPool,
  ) {
    this.namedRoles = rolesNamedIn(steps.texts());
    this.runId = makeRunId(process.pid, process.env.CUCUMBER_WORKER_ID ?? '0', ordinal);
    this.naming = new BufferNamingService(this.runId);
    this.logDir = path.join(logsRoot(), this.runId);
    this.logger = hostLogger.child({ scenario: name, runId: this.runId });
  }

  /** Start one servo for every named role, in parallel, and wait for their handshakes. */
  async start(): Promise<void> {
    const t0 = performance.now();
    const results = await Promise.allSettled(this.namedRoles.map((r) => this.launch(r)));
    this.pool?.fill();
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    this.startMs = performance.now() - t0;
    if (failed.length > 0) throw new Error(`starting servos failed:\n${failed.map((f) => describeError(f.reason)).join('\n')}`);
    const adopted = this.servos.filter((s) => s.adopted).length;
    this.logger.info({ roles: this.namedRoles, ms: Math.round(this.startMs), adopted }, 'servos ready');
  }

  /** Start a servo for `role` during the scenario and append it to the role's list. */
  async spawn(role: string, extras?: ServoSpawnExtras): Promise<ServoProcess> {
    try {
      return await this.launch(role, extras);
    } finally {
      this.pool?.fill();
    }
  }

  private async launch(role: string, extras?: ServoSpawnExtras): Promise<ServoProcess> {
    const sp = await this.startServo(role, extras);
    const list = this.roles.get(role) ?? [];
    this.roles.set(role, list);
    list.push(sp);
    return sp;
  }

  /**
   * A servo of `role` that is not (yet) in the role's list: a warm one from the pool, or one
   * spawned for it when the pool has none idle or the step asks for spawn options.
   */
  private async startServo(role: string, extras?: ServoSpawnExtras): Promise<ServoProcess> {
    this.spawnCount.set(role, (this.spawnCount.get(role) ?? 0) + 1);
    const sp = await ServoProcess.start({
      role,
      ordinal: this.spawnCount.get(role)!,
      runId: this.runId,
      scenario: this.name,
      featureId: this.featureId,
      logDir: this.logDir,
      logger: this.logger,
      extras,
      warm: hasSpawnOptions(extras) ? undefined : this.pool?.take(),
    });
    this.servos.push(sp);
    return sp;
  }

  private readonly spawnCount = new Map<string, number>();
  private readonly standby = new Map<string, ServoProcess>();

  /** Does a later step of this scenario say `a new '<role>' process …`? */
  replacesLater(role: string): boolean {
    return this.steps.after().some((s) => replacesRole(s.text, role));
  }

  /**
   * Start a fresh process of `role` now, to be used by the next `a new '<role>' process` step
   * (routing rule 3). Used right before a kill, so that the replacement runs within milliseconds
   * of the victim's death: another Reader's stale scan (protocol.md §13, run by any Reader
   * creation on the machine) would otherwise have ~150 ms to remove the dead reader's lock file.
   */
  async prepareStandby(role: string): Promise<void> {
    if (this.standby.has(role)) return;
    const sp = await this.startServo(role).finally(() => this.pool?.fill());
    this.standby.set(role, sp);
    this.logger.info({ role, pid: sp.pid }, 'standby process started for a later replacement');
  }

  /** The standby process of `role`, if one is alive (it stays the standby). */
  peekStandby(role: string): ServoProcess | undefined {
    const sp = this.standby.get(role);
    return sp !== undefined && sp.alive ? sp : undefined;
  }

  /** Take the standby process of `role` (alive, never used), if any. */
  takeStandby(role: string): ServoProcess | undefined {
    const sp = this.standby.get(role);
    this.standby.delete(role);
    return sp !== undefined && sp.alive ? sp : undefined;
  }

  /** "the '<role>' process". */
  current(role: string): ServoProcess | undefined {
    return this.roles.get(role)?.[0];
  }

  liveServos(): ServoProcess[] {
    return this.servos.filter((s) => s.alive);
  }

  /** role → PIDs (current first), sent to servos in executeStep's Context. */
  roleTable(): Record<string, number[]> {
    const t: Record<string, number[]> = {};
    for (const [role, list] of this.roles) t[role] = list.map((s) => s.pid);
    return t;
  }

  /**
   * Teardown (always): quiesce every live servo (stop background work, collect unobserved
   * failures), dispose the host's own library objects, shut the servos down gracefully (≤ 5 s,
   * then SIGKILL), then unlink every OS object whose name contains the run id. Hygiene never
   * changes the result.
   */
  async teardown(): Promise<TeardownReport> {
    const t0 = performance.now();
    const unobserved: string[] = [];
    const problems: string[] = [];
    const live = this.liveServos();
    await Promise.all(
      live.map(async (s) => {
        if (s.wedged) return;
        try {
          const q = await s.quiesce();
          for (const u of q.Unobserved) unobserved.push(`${s.label}: ${u}`);
        } catch (e) {
          problems.push(`quiesce of ${s.label} failed: ${describeError(e)}`);
        }
      }),
    );
    const tQuiesced = performance.now();
    problems.push(...(await this.resources.disposeAll()));
    this.state.clear();
    const tDisposed = performance.now();
    await Promise.all(
      live.map(async (s) => {
        try {
          const how = await s.stop(T_SHUTDOWN);
          if (how === 'killed') problems.push(`${s.label} did not exit within ${T_SHUTDOWN} ms after shutdown and was SIGKILLed`);
          if (how === 'killed-wedged') this.logger.warn({ servo: s.label }, 'servo had a timed-out step: SIGKILLed at teardown');
        } catch (e) {
          problems.push(`stopping ${s.label} failed: ${describeError(e)}`);
        }
      }),
    );
    for (const s of this.servos) {
      if (s.exit !== null && s.endReason === null) problems.push(`${s.label} died unexpectedly (${describeExit(s.exit)})`);
    }
    const tStopped = performance.now();
    const removed = removeRunObjects(this.runId);
    if (removed.length > 0) this.logger.info({ removed }, 'hygiene: removed leftovers of this run id');
    const end = performance.now();
    const ms = end - t0;
    const phases = { quiesce: tQuiesced - t0, hostObjects: tDisposed - tQuiesced, stop: tStopped - tDisposed, hygiene: end - tStopped };
    const phasesMs = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)]));
    this.logger.info({ ms: Math.round(ms), phasesMs, unobserved, problems }, 'scenario teardown done');
    return { unobserved, problems, removed, ms };
  }
}
