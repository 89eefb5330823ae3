// pino logging for host and servos: bindings {role, pid, scenario}; level from
// ZEROBUFFER_LOG_LEVEL (default info). Servos log to their own file per scenario (and, with -v,
// also to stderr as JSON lines that the host re-formats live). Nothing is ever written to a
// servo's stdout (it carries protocol frames only). Records are formatted for humans (live -v
// output, report attachments) by pino-pretty.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import pino, { type Logger, type DestinationStream } from 'pino';
import type { PrettyOptions } from 'pino-pretty';

export type { Logger };

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export function logLevel(env: NodeJS.ProcessEnv = process.env): string {
  const v = (env.ZEROBUFFER_LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!LEVELS.includes(v)) throw new Error(`ZEROBUFFER_LOG_LEVEL must be one of ${LEVELS.join(', ')}; got ${JSON.stringify(env.ZEROBUFFER_LOG_LEVEL)}`);
  return v;
}

export function verboseEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.ZEROBUFFER_VERBOSE;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** One log entry in the servo protocol's executeStep result. */
export interface StepLog {
  Timestamp: string;
  Level: string;
  Message: string;
}

/** Collects the log entries emitted while a step runs (for executeStep's Logs). */
export class LogCapture {
  private active: StepLog[] | null = null;
  start(): void {
    this.active = [];
  }
  stop(): StepLog[] {
    const out = this.active ?? [];
    this.active = null;
    return out;
  }
  push(level: number, args: unknown[]): void {
    if (this.active === null || this.active.length >= 1000) return;
    this.active.push({ Timestamp: new Date().toISOString(), Level: pino.levels.labels[level] ?? String(level), Message: messageOf(args) });
  }
}

function messageOf(args: unknown[]): string {
  if (args.length === 0) return '';
  const [first, ...rest] = args;
  if (first !== null && typeof first === 'object' && !(first instanceof Error)) {
    const msg = rest.length > 0 ? format(...(rest as [unknown, ...unknown[]])) : '';
    let obj = '';
    try {
      obj = JSON.stringify(first, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    } catch {
      obj = '[unserialisable]';
    }
    return msg === '' ? obj : `${msg} ${obj}`;
  }
  return format(...(args as [unknown, ...unknown[]]));
}

/** pino serialises bigint fields as strings instead of throwing. */
const bigintSafe = {
  formatters: {
    log(obj: Record<string, unknown>): Record<string, unknown> {
      for (const k of Object.keys(obj)) if (typeof obj[k] === 'bigint') obj[k] = (obj[k] as bigint).toString();
      return obj;
    },
  },
};

/** Where records go instead of a file (a warm servo's rehearsal of its bind). */
export type LogSink = DestinationStream;

export interface ServoLoggerOptions {
  role: string;
  scenario: string;
  runId: string;
  file: string;
  verbose: boolean;
  capture: LogCapture;
  sink?: LogSink;
}

/** Servo logger: synchronous file destination (survives SIGKILL up to the last line), optional JSON copy on stderr. */
export function createServoLogger(o: ServoLoggerOptions): Logger {
  const streams: { stream: DestinationStream; level: pino.Level }[] = [];
  if (o.sink !== undefined) {
    streams.push({ stream: o.sink, level: 'trace' });
  } else {
    fs.mkdirSync(path.dirname(o.file), { recursive: true });
    streams.push({ stream: pino.destination({ dest: o.file, sync: true, mkdir: true }), level: 'trace' });
  }
  if (o.verbose) streams.push({ stream: pino.destination({ dest: 2, sync: true }), level: 'trace' });
  const capture = o.capture;
  return pino(
    {
      level: logLevel(),
      base: { role: o.role, pid: process.pid, scenario: o.scenario, runId: o.runId },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...bigintSafe,
      hooks: {
        logMethod(this: Logger, inputArgs: unknown[], method: (...a: unknown[]) => void, level: number) {
          capture.push(level, inputArgs);
          method.apply(this, inputArgs);
        },
      },
    },
    pino.multistream(streams),
  );
}

/**
 * pino-pretty settings shared by the live `-v` output and the human-readable attachments: one
 * line per record — time (UTC), level, `[role:pid]`, message, then every other field as JSON.
 * The bindings every record repeats (scenario, runId, hostname) are left out. pino-pretty shows
 * a `name` field as the logger's name and drops it from the fields; ours is a data field (a
 * buffer name), so the message carries it. Error-like fields stay JSON, so that a record is
 * always one line.
 */
function prettyOptions(colorize: boolean): PrettyOptions {
  return {
    colorize,
    translateTime: 'UTC:HH:MM:ss.l',
    singleLine: true,
    errorLikeObjectKeys: [],
    ignore: 'pid,hostname,role,scenario,runId,name',
    messageFormat: (log, messageKey) => {
      const name = log.name === undefined ? '' : ` name=${String(log.name)}`;
      return `[${String(log.role ?? '?')}:${String(log.pid ?? '?')}] ${String(log[messageKey] ?? '')}${name}`;
    },
  };
}

/**
 * pino-pretty (some 45 modules, ~20 ms to load) is loaded on first use: servos never format
 * records, only the host does (live -v output, attachments, failure messages).
 */
function prettyModule(): typeof import('pino-pretty') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('pino-pretty') as typeof import('pino-pretty');
}

const prettifiers = new Map<boolean, (record: object) => string>();

/** A pino JSON log line formatted for humans (no trailing newline); null if the line is no pino record. */
export function prettyLogLine(line: string, colorize = false): string | null {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof rec !== 'object' || rec === null || !('level' in rec)) return null;
  let prettify = prettifiers.get(colorize);
  if (prettify === undefined) {
    prettify = prettyModule().prettyFactory(prettyOptions(colorize));
    prettifiers.set(colorize, prettify);
  }
  return prettify(rec).replace(/\n$/, '');
}

/** Colours on the live output only when stderr is a terminal. */
export function stderrColors(): boolean {
  return process.stderr.isTTY === true;
}

let hostLogger: Logger | undefined;
let hostLogFile: string | undefined;

/** The host (cucumber process) logger: one file per host process; pretty stderr copy with -v. */
export function getHostLogger(logsDir: string): Logger {
  if (hostLogger !== undefined) return hostLogger;
  const worker = process.env.CUCUMBER_WORKER_ID ?? '0';
  hostLogFile = path.join(logsDir, `host-${process.pid}-w${worker}.log`);
  fs.mkdirSync(logsDir, { recursive: true });
  const streams: { stream: DestinationStream; level: pino.Level }[] = [
    { stream: pino.destination({ dest: hostLogFile, sync: true, mkdir: true }), level: 'trace' },
  ];
  if (verboseEnabled()) streams.push({ stream: prettyModule().build({ ...prettyOptions(stderrColors()), destination: 2, sync: true }), level: 'trace' });
  hostLogger = pino(
    { level: logLevel(), base: { role: 'host', pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime, ...bigintSafe },
    pino.multistream(streams),
  );
  return hostLogger;
}

export function hostLogPath(): string | undefined {
  return hostLogFile;
}
