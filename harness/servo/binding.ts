// What binds a servo process to one scenario execution: its role, the scenario's run id, the
// scenario name and its log directory. A servo is bound exactly once, at its first `initialize`
// (or at its first other request, for hosts that send none), and exits after that scenario:
//  - a servo spawned for a scenario has its binding in the environment (ZEROBUFFER_ROLE,
//    ZEROBUFFER_RUN_ID, …), the way other orchestrators and a person at a shell start one;
//  - a warm servo (ZEROBUFFER_WARM=1) was started ahead of time by the host's pool, before the
//    scenario existed, so `initialize {Role, TestRunId, Scenario, LogDir}` carries its binding;
//    once bound it sets the same variables, so that it is indistinguishable from a fresh one.
import * as path from 'node:path';
import { runIdFromEnv } from '../model/naming';
import { logsRoot } from '../paths';

/** Set by the host's warm pool: the process waits for `initialize` to learn its scenario. */
export const WARM_ENV = 'ZEROBUFFER_WARM';

export interface Binding {
  role: string;
  runId: string;
  scenario: string;
  /** Directory of this scenario execution's logs (the servo's log file goes there). */
  logDir: string;
  /** The TestRunId of the binding `initialize` (another host's run id may differ from ours). */
  initRunId?: string;
  /** What differed between the environment and `initialize` (logged once the logger exists). */
  notes: { message: string; fields: Record<string, unknown> }[];
}

export function isWarm(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[WARM_ENV] === '1';
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The binding of a servo from its environment and the (case-normalised) params of its first
 * `initialize`, if any. A warm servo takes everything from `initialize` and needs Role and
 * TestRunId there; a servo spawned for a scenario keeps its environment's run id (a different
 * TestRunId is noted) and takes a Role that `initialize` names (noted when it differs).
 */
export function resolveBinding(env: NodeJS.ProcessEnv, init: Record<string, unknown> | undefined): Binding {
  const notes: Binding['notes'] = [];
  const initRole = text(init?.role);
  const initRunId = text(init?.testrunid);
  const scenario = typeof init?.scenario === 'string' ? init.scenario : (env.ZEROBUFFER_SCENARIO ?? '');
  if (isWarm(env)) {
    if (initRole === undefined || initRunId === undefined) {
      throw new Error('a warm servo is bound by initialize {Role, TestRunId, Scenario, LogDir}: Role and TestRunId are required');
    }
    return { role: initRole, runId: initRunId, initRunId, scenario, logDir: text(init?.logdir) ?? path.join(logsRoot(env), initRunId), notes };
  }
  const envRole = env.ZEROBUFFER_ROLE ?? 'servo';
  const runId = runIdFromEnv(env);
  if (initRole !== undefined && initRole !== envRole) {
    notes.push({ message: 'initialize names a different role than the environment; using initialize', fields: { expected: envRole, got: initRole } });
  }
  if (initRunId !== undefined && initRunId !== runId) {
    notes.push({ message: 'TestRunId differs from the run id of this process environment', fields: { env: runId, initialize: initRunId } });
  }
  return { role: initRole ?? envRole, runId, initRunId, scenario, logDir: env.ZEROBUFFER_LOG_DIR ?? path.join(logsRoot(env), runId), notes };
}

/**
 * Why a later `initialize` cannot be accepted by a servo already bound to `b` (null: it names the
 * same scenario execution and role, or nothing). A servo never serves a second scenario.
 */
export function rebindRefusal(b: Binding, init: Record<string, unknown>): string | null {
  const role = text(init.role);
  const runId = text(init.testrunid);
  const sameRun = runId === undefined || runId === b.runId || runId === b.initRunId;
  if (sameRun && (role === undefined || role === b.role)) return null;
  return `this servo is bound to role '${b.role}' of run ${b.runId} (scenario ${JSON.stringify(b.scenario)}): a servo serves exactly one scenario execution`;
}

/** The variables a servo spawned for this binding has: a warm servo sets them when it is bound. */
export function bindingEnv(b: Binding): Record<string, string> {
  return { ZEROBUFFER_RUN_ID: b.runId, ZEROBUFFER_ROLE: b.role, ZEROBUFFER_SCENARIO: b.scenario, ZEROBUFFER_LOG_DIR: b.logDir };
}
