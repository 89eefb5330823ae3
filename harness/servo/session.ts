// A servo bound to its scenario execution: its logger (one file per servo per scenario), its
// state (ServoContext) and the requests that act on them — executeStep, zb/instruct, zb/quiesce,
// cleanup, discover, status. main.ts loads this module (the step registry, pino, the library and
// its native addon) ahead of time in a warm servo, or when a servo spawned for a scenario is bound.
import * as path from 'node:path';
import { normalizeParams, toTable, type CleanupResult, type DiscoverResult, type ServoStatus, type StepResult } from '../rpc/protocol';
import { LogCapture, createServoLogger, verboseEnabled, type Logger, type LogSink } from '../logging';
import { describeError } from '../assert';
import { registry, StepSkipped, type TableRows } from '../registry';
import { resolveStepCall } from '../rpc/step-call';
import { ServoContext } from './context';
import { sourceStack } from './stack';
import type { Binding } from './binding';

// The step registry (same phrases and parameter types as the host).
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../steps/index');

/**
 * Readies the step registry (executeStep looks definitions up by id and compiles only those) and
 * rehearses a bind on a throwaway session whose log records go nowhere: V8 compiles a function
 * when it first runs, and a warm servo's real bind and first requests should not pay for that. The
 * rehearsal leaves nothing behind — no file, no descriptor, no environment, no state in any module.
 */
export function warmUp(): void {
  registry.prepare();
  const rehearsal = new ServoSession({ role: 'rehearsal', runId: 'rehearsal', scenario: '', logDir: '', notes: [] }, performance.now(), { write: () => undefined });
  rehearsal.logger.info({ params: { role: 'rehearsal' } }, 'rehearsal');
  rehearsal.status();
}

function rowsOf(table: ReturnType<typeof toTable>): TableRows | undefined {
  if (table === null) return undefined;
  return table.Rows.map((r) => Object.fromEntries(table.Headers.map((h, i) => [h.trim(), (r[i] ?? '').trim()])));
}

export class ServoSession {
  readonly logger: Logger;
  readonly logFile: string;
  private readonly capture = new LogCapture();
  private readonly ctx: ServoContext;
  // One step at a time; health/status answer immediately even while a step runs.
  private chain: Promise<unknown> = Promise.resolve();

  /** `sink`: where log records go instead of the log file (the rehearsal of warmUp). */
  constructor(
    readonly binding: Binding,
    private readonly startedAt: number,
    sink?: LogSink,
  ) {
    const { role, runId, scenario, logDir } = binding;
    this.logFile = path.join(logDir, `${role}-${process.pid}.log`);
    const verbose = sink === undefined && verboseEnabled();
    this.logger = createServoLogger({ role, scenario, runId, file: this.logFile, verbose, capture: this.capture, sink });
    for (const n of binding.notes) this.logger.warn(n.fields, n.message);
    this.ctx = new ServoContext(role, runId, scenario, this.logger);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  status(): ServoStatus {
    const { role, runId, scenario } = this.binding;
    return { role, pid: process.pid, runId, scenario, liveObjects: this.ctx.objects.liveCount(), uptimeMs: Math.round(performance.now() - this.startedAt) };
  }

  discover(): DiscoverResult {
    return {
      Steps: registry
        .all()
        .filter((d) => d.servo !== undefined)
        .map((d) => ({ Type: d.keyword, Pattern: d.pattern })),
    };
  }

  executeStep(p: Record<string, unknown>): Promise<StepResult> {
    return this.serial(() => this.runStep(p));
  }

  private async runStep(p: Record<string, unknown>): Promise<StepResult> {
    const { ctx, capture, logger } = this;
    const text = String(p.step ?? '');
    const isBroadcast = p.isbroadcast === true;
    const hostCtx = normalizeParams(p.context ?? {});
    if (hostCtx.roles !== undefined && hostCtx.roles !== null && typeof hostCtx.roles === 'object') {
      ctx.host = {
        roles: hostCtx.roles as Record<string, number[]>,
        scenarioBuffer: typeof hostCtx.scenariobuffer === 'string' ? hostCtx.scenariobuffer : undefined,
      };
    }
    capture.start();
    const t0 = performance.now();
    logger.info({ step: text, broadcast: isBroadcast }, 'step start');
    try {
      // parse once: the definition and typed arguments the host matched, or a match of the text
      const m = resolveStepCall(text, p.parameters, this.binding.role);
      if (m.def.servo === undefined) throw new Error(`step ${m.def.id} has no servo part (runs in ${m.def.runsIn}): ${text}`);
      const table = rowsOf(toTable(p.table));
      if (m.def.table === true && (table === undefined || table.length === 0)) throw new Error(`step ${m.def.id} needs a non-empty DataTable`);
      const args = m.def.table === true ? [...m.args, table] : m.args;
      const report = (await m.def.servo(ctx, ...args)) ?? {};
      logger.info({ step: text, ms: Math.round(performance.now() - t0) }, 'step passed');
      return { Success: true, Error: null, Context: report, Logs: capture.stop() };
    } catch (e) {
      if (e instanceof StepSkipped) {
        logger.info({ step: text, reason: e.reason }, 'step skipped');
        return { Success: true, Error: null, Context: { Skipped: e.reason }, Logs: capture.stop() };
      }
      const msg = e instanceof Error ? e.message : String(e);
      const named = e instanceof Error && e.name !== 'StepFailure' && e.name !== 'Error' ? `${describeError(e)}` : msg;
      logger.error({ step: text, err: named, stack: sourceStack((e as Error)?.stack) }, 'step failed');
      return { Success: false, Error: named, Context: {}, Logs: capture.stop() };
    }
  }

  instruct(p: Record<string, unknown>): Promise<unknown> {
    return this.serial(async () => {
      const { capture, logger } = this;
      const op = String(p.op ?? '');
      const spec = registry.instruction(op);
      capture.start();
      try {
        if (spec === undefined) throw new Error(`unknown instruction ${JSON.stringify(op)}`);
        const result = (await spec.servo(this.ctx, (p.args ?? {}) as Record<string, unknown>)) ?? {};
        logger.info({ op, result }, 'instruction done');
        return { Success: true, Error: null, Result: result, Logs: capture.stop() };
      } catch (e) {
        logger.error({ op, err: describeError(e) }, 'instruction failed');
        return { Success: false, Error: describeError(e), Result: {}, Logs: capture.stop() };
      }
    });
  }

  quiesce(): Promise<CleanupResult> {
    return this.serial(async () => {
      this.capture.start();
      const unobserved = await this.ctx.quiesce();
      return { Success: unobserved.length === 0, Unobserved: unobserved, Errors: [], Logs: this.capture.stop() };
    });
  }

  cleanup(): Promise<CleanupResult> {
    return this.serial(async () => {
      this.capture.start();
      const unobserved = await this.ctx.quiesce();
      const errors = await this.ctx.reset();
      return { Success: unobserved.length === 0 && errors.length === 0, Unobserved: unobserved, Errors: errors, Logs: this.capture.stop() };
    });
  }

  /** Teardown at exit: stop background work, release held frames, dispose library objects. */
  async dispose(): Promise<void> {
    try {
      const errs = await this.ctx.disposeAll();
      if (errs.length > 0) this.logger.warn({ errs }, 'disposal problems at exit');
    } catch (e) {
      this.logger.error({ err: describeError(e) }, 'disposal failed at exit');
    }
  }
}
