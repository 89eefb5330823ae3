// How a servo process is launched: compiled JavaScript (never a TypeScript loader), the harness's
// environment, and what a host step may add for the process under test — extra environment
// variables, a launcher prefix that sets limits before exec'ing the servo, another uid/gid. A warm
// servo of the pool is launched without a scenario and without options (warmServoCommand).
import type { SpawnOptions as ChildSpawnOptions } from 'node:child_process';
import { servoEntry } from '../paths';

/** What a host step may add when it starts a servo (HostStepContext.startProcess). */
export interface ServoSpawnExtras {
  /** Added to the servo's environment. The harness's own ZEROBUFFER_* variables cannot be overridden. */
  env?: Record<string, string>;
  /**
   * A command the servo is started through, e.g. ['/bin/sh', '-c', 'ulimit -n 128; exec "$0" "$@"']:
   * the node executable and the servo script are appended as its arguments. The launcher must
   * exec the servo (same PID): the handshake checks the PID the servo reports.
   */
  launcher?: readonly string[];
  /** Run the servo as this user / group (needs privileges; its log directory is made world-writable). */
  uid?: number;
  gid?: number;
}

/** Does a step ask for anything a servo must be started with (so a warm servo cannot serve)? */
export function hasSpawnOptions(extras: ServoSpawnExtras | undefined): boolean {
  if (extras === undefined) return false;
  return Object.keys(extras.env ?? {}).length > 0 || (extras.launcher?.length ?? 0) > 0 || extras.uid !== undefined || extras.gid !== undefined;
}

/**
 * The variables by which a servo knows its role, run and log directory, or that it is a warm servo
 * waiting for `initialize` (set by the host only).
 */
export const HARNESS_ENV = ['ZEROBUFFER_RUN_ID', 'ZEROBUFFER_ROLE', 'ZEROBUFFER_SCENARIO', 'ZEROBUFFER_LOG_DIR', 'ZEROBUFFER_HOST_PID', 'ZEROBUFFER_WARM'] as const;
export type HarnessVariable = (typeof HARNESS_ENV)[number];

/** What names a scenario execution: a warm servo must not inherit them from the host's environment. */
const SCENARIO_ENV: readonly HarnessVariable[] = ['ZEROBUFFER_RUN_ID', 'ZEROBUFFER_ROLE', 'ZEROBUFFER_SCENARIO'];

export interface ServoCommand {
  command: string;
  args: string[];
  options: ChildSpawnOptions;
}

export function servoCommand(
  harnessEnv: Partial<Record<HarnessVariable, string>>,
  extras: ServoSpawnExtras = {},
  base: NodeJS.ProcessEnv = process.env,
): ServoCommand {
  const reserved = Object.keys(extras.env ?? {}).filter((k) => (HARNESS_ENV as readonly string[]).includes(k));
  if (reserved.length > 0) throw new Error(`a servo's ${reserved.join(', ')} is set by the harness and cannot be overridden`);
  const env: NodeJS.ProcessEnv = { ...base, ...extras.env, ...harnessEnv };
  delete env.NODE_OPTIONS; // never inherit a TypeScript loader: servos run compiled JS
  const node = [process.execPath, servoEntry()];
  const [command, ...args] = extras.launcher !== undefined && extras.launcher.length > 0 ? [...extras.launcher, ...node] : node;
  const options: ChildSpawnOptions = { stdio: ['pipe', 'pipe', 'pipe'], env, cwd: process.cwd() };
  if (extras.uid !== undefined) options.uid = extras.uid;
  if (extras.gid !== undefined) options.gid = extras.gid;
  return { command: command!, args, options };
}

/**
 * A warm servo for the pool: started before its scenario exists, so without a run id, role or
 * scenario (`initialize` binds it, servo/binding.ts) and without spawn options. The log root it
 * inherits (ZEROBUFFER_LOG_DIR of the host, if set) is only a fallback: the host sends LogDir.
 */
export function warmServoCommand(base: NodeJS.ProcessEnv = process.env): ServoCommand {
  const env = { ...base };
  for (const k of SCENARIO_ENV) delete env[k];
  return servoCommand({ ZEROBUFFER_WARM: '1', ZEROBUFFER_HOST_PID: String(process.pid) }, {}, env);
}
