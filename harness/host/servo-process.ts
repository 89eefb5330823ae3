// Host-side handle of one servo process bound to a scenario: spawned for it (compiled JS) or
// adopted from the warm pool, the readiness handshake that binds it, bounded requests that also
// fail on unexpected death, graceful shutdown with SIGKILL fallback, real SIGKILL + reap, and the
// bookkeeping of deaths the host expects (a kill, a replacement, a deliberate crash).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../logging';
import type { CleanupResult, ExecuteStepParams, InitializeParams, ServoStatus, StepResult } from '../rpc/protocol';
import { T_HANDSHAKE, T_REAP, T_SHUTDOWN, sleep, within } from '../model/timing';
import { processState } from '../diagnostics/pids';
import { hasSpawnOptions, servoCommand, type ServoSpawnExtras } from './spawn';
import { ServoChild, type ExitInfo } from './servo-child';
import { logTail } from './log-tail';
import { fail } from '../assert';

export type { ExitInfo };

/** An exit observed by the host: also whether the process was reaped (no zombie left). */
export interface Death extends ExitInfo {
  reaped: boolean;
}

export interface SpawnOptions {
  role: string;
  /** 1 for "the '<role>' process", 2 for a second one, … */
  ordinal: number;
  runId: string;
  scenario: string;
  featureId: string;
  logDir: string;
  logger: Logger;
  extras?: ServoSpawnExtras;
  /** A warm servo from the pool to bind instead of spawning one (never with `extras`). */
  warm?: ServoChild;
}

/** Bytes of log one failure message may quote (whole lines; the cut is noted). */
const DIAGNOSTICS_MAX_BYTES = 64 * 1024;

export class ServoDiedError extends Error {}
export class ServoTimeoutError extends Error {}

export class ServoProcess {
  readonly role: string;
  readonly ordinal: number;
  readonly runId: string;
  readonly pid: number;
  readonly logFile: string;
  readonly stderrFile: string;
  /** Taken from the warm pool (started before its scenario) rather than spawned for it. */
  readonly adopted: boolean;
  /** When the host asked for this servo (a spawn, or the adoption of a warm one). */
  readonly requestedAt = performance.now();
  readyAt = 0;
  /**
   * Why the host expects this process to end (a kill, a replacement, teardown, a deliberate crash
   * declared by a step); null while any exit would be an unexpected death. The first reason stays.
   */
  endReason: string | null = null;
  /** Set when a step timed out: teardown SIGKILLs instead of a graceful shutdown. */
  wedged = false;
  private readonly logger: Logger;

  private constructor(
    o: SpawnOptions,
    private readonly proc: ServoChild,
  ) {
    this.role = o.role;
    this.ordinal = o.ordinal;
    this.runId = o.runId;
    this.pid = proc.pid;
    this.adopted = o.warm !== undefined;
    this.logFile = path.join(o.logDir, `${o.role}-${this.pid}.log`);
    this.stderrFile = path.join(o.logDir, `${o.role}-${this.pid}.stderr.log`);
    this.logger = o.logger.child({ servo: `${o.role}#${o.ordinal}`, servoPid: this.pid });
    proc.stderr.attach(this.stderrFile, `[${this.role}:${this.pid}]`);
    void proc.exited.then(({ code, signal }) => this.logger.debug({ code, signal }, 'servo exited'));
  }

  /**
   * A servo for this scenario execution — the warm one given, or one spawned from compiled
   * JavaScript — bound by the readiness handshake (limit 10 s): `initialize` names its role, run
   * id, scenario and log directory, and `zb/status` must report them back with the servo's PID.
   * A servo whose handshake failed is SIGKILLed: it never serves another scenario.
   */
  static async start(o: SpawnOptions): Promise<ServoProcess> {
    if (o.warm !== undefined && hasSpawnOptions(o.extras)) throw new Error('a warm servo cannot take spawn options: spawn a fresh one');
    fs.mkdirSync(o.logDir, { recursive: true });
    // a servo running as another user writes its log file into the (host-owned) log directory
    if (o.extras?.uid !== undefined || o.extras?.gid !== undefined) fs.chmodSync(o.logDir, 0o1777);
    const proc = o.warm ?? ServoChild.spawn(servoCommand(scenarioEnv(o), o.extras));
    const sp = new ServoProcess(o, proc);
    try {
      await sp.handshake(o);
    } catch (e) {
      sp.expectEnd('readiness handshake failed');
      await sp.kill().catch(() => undefined);
      throw e;
    }
    sp.readyAt = performance.now();
    sp.logger.debug({ ms: Math.round(sp.readyAt - sp.requestedAt), adopted: sp.adopted }, 'servo ready');
    return sp;
  }

  private async handshake(o: SpawnOptions): Promise<void> {
    const init: InitializeParams = {
      Role: o.role,
      Platform: 'typescript',
      Scenario: o.scenario,
      HostPid: process.pid,
      FeatureId: o.featureId,
      TestRunId: o.runId,
      LogDir: o.logDir,
    };
    // both requests at once: the servo answers them in order, and a failed initialize is reported first
    const initialized = this.request<boolean>('initialize', init, T_HANDSHAKE, 'readiness handshake (initialize)');
    const status = this.status(T_HANDSHAKE);
    status.catch(() => undefined);
    await initialized;
    const st = await status;
    if (st.role !== o.role || st.runId !== o.runId || st.pid !== this.pid) {
      throw new Error(
        `servo handshake mismatch: expected {role ${o.role}, pid ${this.pid}, runId ${o.runId}}, observed {role ${st.role}, pid ${st.pid}, runId ${st.runId}}`,
      );
    }
  }

  get exit(): ExitInfo | null {
    return this.proc.exit;
  }

  get exited(): Promise<ExitInfo> {
    return this.proc.exited;
  }

  get alive(): boolean {
    return this.exit === null;
  }

  get label(): string {
    return `'${this.role}'${this.ordinal > 1 ? ` #${this.ordinal}` : ''} (pid ${this.pid})`;
  }

  /**
   * A bounded request: rejects with ServoTimeoutError after `timeoutMs` and with ServoDiedError
   * when the process exits first — both carrying the log tail (and exit info / stderr tail).
   */
  async request<T>(method: string, params: unknown, timeoutMs: number, what: string): Promise<T> {
    if (this.exit !== null) throw new ServoDiedError(`${what}: servo ${this.label} is dead (${describeExit(this.exit)})\n${this.diagnostics()}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new ServoTimeoutError(`${what}: servo ${this.label} did not answer within ${timeoutMs} ms\n${this.diagnostics()}`)), timeoutMs);
    });
    const died = this.exited.then((x) => {
      const how = this.endReason === null ? 'died unexpectedly' : `ended as expected (${this.endReason})`;
      throw new ServoDiedError(`${what}: servo ${this.label} ${how} (${describeExit(x)})\n${this.diagnostics()}`);
    });
    try {
      return await Promise.race([this.proc.conn.sendRequest(method, params) as Promise<T>, timeout, died]);
    } finally {
      clearTimeout(timer);
    }
  }

  status(timeoutMs = 2000): Promise<ServoStatus> {
    return this.request<ServoStatus>('zb/status', {}, timeoutMs, 'status probe');
  }

  async executeStep(p: ExecuteStepParams, timeoutMs: number): Promise<StepResult> {
    try {
      return await this.request<StepResult>('executeStep', p, timeoutMs, `step "${p.Step}" in ${this.label}`);
    } catch (e) {
      if (e instanceof ServoTimeoutError) this.wedged = true;
      throw e;
    }
  }

  /** Sends an internal instruction (harness protocol `zb/instruct`) and fails on its failure. */
  async instruct(op: string, args: Record<string, unknown>, timeoutMs: number, why = ''): Promise<Record<string, unknown>> {
    const r = await this.request<{ Success: boolean; Error: string | null; Result: Record<string, unknown> }>(
      'zb/instruct',
      { Op: op, Args: args },
      timeoutMs,
      `instruction ${op} ${why}`.trim(),
    );
    if (!r.Success) fail(`[${this.label}] instruction ${op} failed: ${r.Error ?? 'no message'}`);
    return r.Result;
  }

  /** From now on an exit of this process is expected (see endReason). */
  expectEnd(reason: string): void {
    this.endReason ??= reason;
  }

  /** The tail of this servo's log file (and stderr tail). */
  diagnostics(lines = 40): string {
    const parts = [`--- log tail of ${this.label}: ${this.logFile}`, logTail(this.logFile, { maxLines: lines, maxBytes: DIAGNOSTICS_MAX_BYTES })];
    const stderr = this.proc.stderr.tail(20);
    if (stderr.length > 0) parts.push(`--- stderr tail of ${this.label}`, stderr.join('\n'));
    return parts.join('\n');
  }

  /** Quiesce (stop background work, report unobserved failures). */
  quiesce(timeoutMs = T_SHUTDOWN): Promise<CleanupResult> {
    return this.request<CleanupResult>('zb/quiesce', {}, timeoutMs, 'teardown quiesce');
  }

  /**
   * Graceful stop: close stdin (the servo disposes and exits), wait ≤ graceMs, then SIGKILL.
   * Returns how it ended.
   */
  async stop(graceMs = T_SHUTDOWN): Promise<'exited' | 'killed' | 'killed-wedged' | 'already-dead'> {
    if (this.exit !== null) return 'already-dead';
    this.expectEnd('shut down by the host');
    if (this.wedged) {
      // a step already timed out in this servo (and failed the scenario): no graceful attempt
      await this.kill();
      return 'killed-wedged';
    }
    // stdin EOF asks the servo to shut down like the `shutdown` request, without waiting for a reply
    this.proc.endInput();
    const ended = await within(this.exited.then(() => true), graceMs, false);
    if (ended) {
      this.finish();
      return 'exited';
    }
    this.logger.warn({ graceMs }, 'servo did not exit in time; SIGKILL');
    await this.kill();
    return 'killed';
  }

  /** `a new '<role>' process`: close stdin, grace, then SIGKILL. */
  async replace(graceMs: number): Promise<void> {
    if (this.exit !== null) return;
    this.expectEnd('replaced by a new process');
    this.proc.endInput();
    const ended = await within(this.exited.then(() => true), graceMs, false);
    if (!ended) await this.kill();
    this.finish();
  }

  /**
   * Real SIGKILL (steps.md §1.3): no cleanup runs in the victim. Waits (≤ 5 s) until it exited and
   * was reaped; returns the exit info (the caller asserts the signal).
   */
  async kill(limitMs = T_REAP): Promise<Death> {
    this.expectEnd('killed by the host');
    this.proc.sigkill();
    return this.awaitExit(limitMs, 'SIGKILL of');
  }

  /**
   * Waits (≤ limitMs) until the process exited and was reaped — PID-liveness checks of other
   * processes then see it as dead, not as a zombie. Throws when it did not exit in time.
   */
  async awaitExit(limitMs = T_REAP, what = 'exit of'): Promise<Death> {
    const deadline = performance.now() + limitMs;
    const x = await within(this.exited, limitMs, null);
    if (x === null) throw new Error(`${what} servo ${this.label}: no exit within ${limitMs} ms`);
    // libuv (the host's, or the launcher's for a warm servo) reaps before the exit is reported; verify no zombie is left.
    let state = processState(this.pid);
    while (state !== 'gone' && performance.now() < deadline) {
      await sleep(5);
      state = processState(this.pid);
    }
    this.finish();
    return { ...x, reaped: state === 'gone' };
  }

  private finish(): void {
    this.proc.dispose();
  }
}

/** The variables by which a servo spawned for this scenario knows its binding (spawn.ts). */
function scenarioEnv(o: SpawnOptions): Record<string, string> {
  return {
    ZEROBUFFER_RUN_ID: o.runId,
    ZEROBUFFER_ROLE: o.role,
    ZEROBUFFER_SCENARIO: o.scenario,
    ZEROBUFFER_LOG_DIR: o.logDir,
    ZEROBUFFER_HOST_PID: String(process.pid),
  };
}

export function describeExit(x: ExitInfo): string {
  return x.signal !== null ? `killed by signal ${x.signal}` : `exit code ${x.code}`;
}
