// Servo entry point: one OS process playing one role for one scenario execution. Started by the
// host from COMPILED JavaScript (dist/harness/servo/main.js). Speaks JSON-RPC 2.0 with
// Content-Length framing on stdin/stdout; stdout carries nothing but protocol frames.
//
// Environment: ZEROBUFFER_ROLE, ZEROBUFFER_RUN_ID (or HARMONY_HOST_PID + HARMONY_FEATURE_ID),
// ZEROBUFFER_SCENARIO, ZEROBUFFER_LOG_DIR, ZEROBUFFER_LOG_LEVEL, ZEROBUFFER_VERBOSE.

// Nothing but protocol frames on stdout: route console output to stderr before anything loads.
/* eslint-disable no-console */
console.log = console.error;
console.info = console.error;
console.debug = console.error;

import * as path from 'node:path';
import { createStreamConnection } from '../rpc/connection';
import { methodKey, normalizeParams, toTable, type CleanupResult, type DiscoverResult, type StepResult, type ServoStatus } from '../rpc/protocol';
import { LogCapture, createServoLogger, verboseEnabled, type Logger } from '../logging';
import { runIdFromEnv } from '../model/naming';
import { logsRoot } from '../paths';
import { describeError } from '../assert';
import { registry, StepSkipped, type TableRows } from '../registry';
import { resolveStepCall } from '../rpc/step-call';
import { ServoContext } from './context';

const started = performance.now();
const initialPpid = process.ppid;
let role = process.env.ZEROBUFFER_ROLE ?? 'servo';
const runId = runIdFromEnv();
let scenario = process.env.ZEROBUFFER_SCENARIO ?? '';
const logDir = process.env.ZEROBUFFER_LOG_DIR ?? path.join(logsRoot(), runId);
const logFile = path.join(logDir, `${role}-${process.pid}.log`);
const capture = new LogCapture();
const logger: Logger = createServoLogger({ role, scenario, runId, file: logFile, verbose: verboseEnabled(), capture });

process.on('uncaughtException', (e) => {
  logger.fatal({ err: describeError(e), stack: (e as Error).stack }, 'uncaught exception in servo');
  process.exit(70);
});
process.on('unhandledRejection', (e) => {
  logger.error({ err: describeError(e) }, 'unhandled rejection in servo');
});

// The step registry (same phrases and parameter types as the host).
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../steps/index');

const ctx = new ServoContext(role, runId, scenario, logger);
let exiting = false;

function exitNow(code: number, why: string): void {
  if (exiting) return;
  exiting = true;
  logger.info({ why, code }, 'servo exiting');
  // Let the OS reclaim; library objects still open are closed by their env cleanup hooks.
  setImmediate(() => process.exit(code));
}

async function gracefulExit(why: string): Promise<void> {
  if (exiting) return;
  try {
    const errs = await ctx.disposeAll();
    if (errs.length > 0) logger.warn({ errs }, 'disposal problems at exit');
  } catch (e) {
    logger.error({ err: describeError(e) }, 'disposal failed at exit');
  }
  exitNow(0, why);
}

// One step at a time; health/status answer immediately even while a step runs.
let chain: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const p = chain.then(fn, fn);
  chain = p.catch(() => undefined);
  return p;
}

function rowsOf(table: ReturnType<typeof toTable>): TableRows | undefined {
  if (table === null) return undefined;
  return table.Rows.map((r) => Object.fromEntries(table.Headers.map((h, i) => [h.trim(), (r[i] ?? '').trim()])));
}

async function executeStep(p: Record<string, unknown>): Promise<StepResult> {
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
    const m = resolveStepCall(text, p.parameters, role);
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
    logger.error({ step: text, err: named, stack: (e as Error)?.stack }, 'step failed');
    return { Success: false, Error: named, Context: {}, Logs: capture.stop() };
  }
}

function status(): ServoStatus {
  return { role, pid: process.pid, runId, scenario, liveObjects: ctx.objects.liveCount(), uptimeMs: Math.round(performance.now() - started) };
}

const conn = createStreamConnection(process.stdin, process.stdout);

conn.onRequest(async (method: string, raw: unknown) => {
  const p = normalizeParams(raw);
  switch (methodKey(method)) {
    case 'health':
      return true;
    case 'initialize': {
      if (typeof p.role === 'string' && p.role !== '' && p.role !== role) {
        logger.warn({ expected: role, got: p.role }, 'initialize names a different role than the environment; using initialize');
        role = p.role;
      }
      if (typeof p.scenario === 'string') scenario = p.scenario;
      const trid = p.testrunid;
      if (typeof trid === 'string' && trid !== '' && trid !== runId) {
        logger.warn({ env: runId, initialize: trid }, 'TestRunId differs from the run id of this process environment');
      }
      logger.info({ params: p }, 'initialized');
      return true;
    }
    case 'zb/status':
      return status();
    case 'discover': {
      const res: DiscoverResult = {
        Steps: registry
          .all()
          .filter((d) => d.servo !== undefined)
          .map((d) => ({ Type: d.keyword, Pattern: d.pattern })),
      };
      return res;
    }
    case 'executestep':
      return serial(() => executeStep(p));
    case 'zb/instruct':
      return serial(async () => {
        const op = String(p.op ?? '');
        const spec = registry.instruction(op);
        capture.start();
        try {
          if (spec === undefined) throw new Error(`unknown instruction ${JSON.stringify(op)}`);
          const result = (await spec.servo(ctx, (p.args ?? {}) as Record<string, unknown>)) ?? {};
          logger.info({ op, result }, 'instruction done');
          return { Success: true, Error: null, Result: result, Logs: capture.stop() };
        } catch (e) {
          logger.error({ op, err: describeError(e) }, 'instruction failed');
          return { Success: false, Error: describeError(e), Result: {}, Logs: capture.stop() };
        }
      });
    case 'zb/quiesce':
      return serial(async () => {
        capture.start();
        const unobserved = await ctx.quiesce();
        return { Success: unobserved.length === 0, Unobserved: unobserved, Errors: [], Logs: capture.stop() } satisfies CleanupResult;
      });
    case 'cleanup':
      return serial(async () => {
        capture.start();
        const unobserved = await ctx.quiesce();
        const errors = await ctx.reset();
        return { Success: unobserved.length === 0 && errors.length === 0, Unobserved: unobserved, Errors: errors, Logs: capture.stop() } satisfies CleanupResult;
      });
    case 'shutdown':
      setImmediate(() => void gracefulExit('shutdown request'));
      return true;
    case 'crash':
      logger.warn('crash requested: SIGKILL to self, no cleanup');
      process.kill(process.pid, 'SIGKILL');
      return true;
    default:
      throw new Error(`unknown method ${method}`);
  }
});

conn.onClose(() => void gracefulExit('connection closed (stdin EOF)'));
process.stdin.on('end', () => void gracefulExit('stdin EOF'));
// The parent died (we were re-parented): do not outlive the run.
setInterval(() => {
  if (process.ppid !== initialPpid) void gracefulExit(`parent ${initialPpid} gone`);
}, 500).unref();
process.on('SIGTERM', () => void gracefulExit('SIGTERM'));

conn.listen();
logger.info({ startupMs: Math.round(performance.now() - started), logFile }, 'servo listening');
// Compile the step expressions while the host completes the handshake.
setImmediate(() => registry.all());
