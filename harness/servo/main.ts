// Servo entry point: one OS process playing one role for one scenario execution. Started by the
// host from COMPILED JavaScript: dist/harness/servo/bundle.js, this module and all it loads in one
// file (host/servo-bundle.ts). Speaks JSON-RPC 2.0 with Content-Length framing on stdin/stdout;
// stdout carries nothing but protocol frames.
//
// Environment: ZEROBUFFER_ROLE, ZEROBUFFER_RUN_ID (or HARMONY_HOST_PID + HARMONY_FEATURE_ID),
// ZEROBUFFER_SCENARIO, ZEROBUFFER_LOG_DIR, ZEROBUFFER_LOG_LEVEL, ZEROBUFFER_VERBOSE,
// ZEROBUFFER_MUTANT (a mutant build of the addon, harness/model/mutants.ts) — or
// ZEROBUFFER_WARM=1: a warm servo of the host's pool, bound to its scenario by `initialize`
// (binding.ts). Either way the servo is bound once and serves that one scenario execution.
//
// Start-up does only what the handshake needs (the JSON-RPC connection); the bound part
// (session.ts: step registry, pino, the library and its addon) is loaded while a warm servo waits
// for its scenario, or when a servo spawned for a scenario is bound.

// Nothing but protocol frames on stdout: route console output to stderr before anything loads.
/* eslint-disable no-console */
console.log = console.error;
console.info = console.error;
console.debug = console.error;

import { createStreamConnection } from '../rpc/connection';
import { methodKey, normalizeParams, type ServoStatus } from '../rpc/protocol';
import { describeError } from '../assert';
import { WARM_ENV, bindingEnv, isWarm, rebindRefusal, resolveBinding } from './binding';
import { mutantAddonPath, selectMutantAddon } from '../model/mutants';
import { sourceStack } from './stack';
import type { ServoSession } from './session';

// Before anything loads the addon: a mutant run loads the mutant build in every process.
const mutant = selectMutantAddon();

const started = performance.now();
const initialPpid = process.ppid;
const warm = isWarm();
let session: ServoSession | null = null;
/** When the bound part was loaded and the step expressions compiled (for the bind log record). */
let loadedAt: number | null = null;
let exiting = false;

function sessionModule(): typeof import('./session') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./session') as typeof import('./session');
}

/** Binds this process to its scenario execution (once): its environment, logger and state. */
function bind(init: Record<string, unknown> | undefined): ServoSession {
  const b = resolveBinding(process.env, init);
  const t0 = performance.now();
  const mod = sessionModule();
  Object.assign(process.env, bindingEnv(b));
  delete process.env[WARM_ENV];
  session = new mod.ServoSession(b, started);
  const now = performance.now();
  // a warm servo was started ahead of its scenario: sinceStartMs includes its wait in the pool
  session.logger.info(
    {
      logFile: session.logFile,
      warm,
      loadedAtMs: loadedAt === null ? null : Math.round(loadedAt - started),
      sinceStartMs: Math.round(now - started),
      bindMs: Math.round(now - t0),
      ...(mutant !== undefined && { mutant, addon: mutantAddonPath(mutant) }),
    },
    `${warm ? 'warm servo bound to its scenario' : 'servo bound'}${mutant !== undefined ? ` — MUTANT '${mutant}' addon` : ''}`,
  );
  return session;
}

/**
 * The bound session. A servo spawned for a scenario binds at its first request: normally the
 * host's `initialize`, whose Role and TestRunId are checked against the environment.
 */
function bound(): ServoSession {
  if (session !== null) return session;
  if (warm) throw new Error('this warm servo is not bound to a scenario yet: initialize {Role, TestRunId, Scenario, LogDir} first');
  return bind(undefined);
}

/** To the servo's log once bound; before that, problems only, on stderr (the host keeps it). */
function log(level: 'info' | 'warn' | 'error' | 'fatal', fields: Record<string, unknown>, msg: string): void {
  if (session !== null) session.logger[level](fields, msg);
  else if (level !== 'info') process.stderr.write(`servo ${process.pid}: ${msg} ${JSON.stringify(fields)}\n`);
}

process.on('uncaughtException', (e) => {
  log('fatal', { err: describeError(e), stack: sourceStack((e as Error).stack) }, 'uncaught exception in servo');
  process.exit(70);
});
process.on('unhandledRejection', (e) => {
  log('error', { err: describeError(e) }, 'unhandled rejection in servo');
});

function exitNow(code: number, why: string): void {
  if (exiting) return;
  exiting = true;
  log('info', { why, code }, 'servo exiting');
  // Let the OS reclaim; library objects still open are closed by their env cleanup hooks.
  setImmediate(() => process.exit(code));
}

/** Disposes and exits once, whatever asked first (a shutdown request is followed by stdin EOF). */
let closing: Promise<void> | null = null;
function gracefulExit(why: string): Promise<void> {
  closing ??= (async () => {
    await session?.dispose();
    exitNow(0, why);
  })();
  return closing;
}

function unboundStatus(): ServoStatus {
  return { role: '', pid: process.pid, runId: '', scenario: '', liveObjects: 0, uptimeMs: Math.round(performance.now() - started) };
}

const conn = createStreamConnection(process.stdin, process.stdout);

conn.onRequest(async (method: string, raw: unknown) => {
  const p = normalizeParams(raw);
  switch (methodKey(method)) {
    case 'health':
      return true;
    case 'initialize': {
      if (session === null) bind(p);
      else {
        const refusal = rebindRefusal(session.binding, p);
        if (refusal !== null) throw new Error(refusal);
      }
      session!.logger.info({ params: p }, 'initialized');
      return true;
    }
    case 'zb/status':
      return session === null && warm ? unboundStatus() : bound().status();
    case 'discover':
      return bound().discover();
    case 'executestep':
      return bound().executeStep(p);
    case 'zb/instruct':
      return bound().instruct(p);
    case 'zb/quiesce':
      return bound().quiesce();
    case 'cleanup':
      return bound().cleanup();
    case 'shutdown':
      setImmediate(() => void gracefulExit('shutdown request'));
      return true;
    case 'crash':
      log('warn', {}, 'crash requested: SIGKILL to self, no cleanup');
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
// Load the bound part and compile the step expressions as soon as the connection is up: a warm
// servo does it while it waits for a scenario; for a servo spawned for a scenario the host's
// `initialize` is already on its way and is answered right after.
setImmediate(() => {
  sessionModule().warmUp();
  loadedAt = performance.now();
  // tells the host's pool that this warm servo is ready and the next one may start loading
  if (warm) void conn.sendNotification('zb/loaded', { pid: process.pid, ms: Math.round(loadedAt - started) });
});
