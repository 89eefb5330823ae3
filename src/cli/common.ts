// Shared pieces of the CLI commands: option parsers, the JSON summary, signal handling.
import { performance } from 'node:perf_hooks';
import { InvalidArgumentError as CommanderArgumentError } from 'commander';
import { ZeroBufferError } from '../errors';

/** The single JSON object printed by `read`/`write --json`. */
export interface TransferSummary {
  operation: 'read' | 'write';
  buffer_name: string;
  frames: number;
  frame_size: number;
  metadata_size: number;
  errors: string[];
  /** Reader only: frames whose size or content did not match. */
  verification_errors?: number;
  duration_seconds: number;
  /** MiB per second (2^20 bytes/s) of payload bytes, like the other implementations' CLIs. */
  throughput_mbps: number;
}

/** Most error messages kept in `errors` (the count is always exact in verification_errors). */
export const MAX_REPORTED_ERRORS = 20;

/** The function that appends to `errors`, keeping at most MAX_REPORTED_ERRORS messages. */
export function errorAdder(errors: string[]): (msg: string) => void {
  return (msg: string) => {
    if (errors.length < MAX_REPORTED_ERRORS) errors.push(msg);
  };
}

/** A zeroed summary plus `addError`, which keeps at most MAX_REPORTED_ERRORS messages. */
export function startSummary(
  operation: TransferSummary['operation'],
  name: string,
  frameSize: number,
  metadataSize: number,
): { summary: TransferSummary; addError: (msg: string) => void } {
  const summary: TransferSummary = {
    operation,
    buffer_name: name,
    frames: 0,
    frame_size: frameSize,
    metadata_size: metadataSize,
    errors: [],
    ...(operation === 'read' ? { verification_errors: 0 } : {}),
    duration_seconds: 0,
    throughput_mbps: 0,
  };
  return { summary, addError: errorAdder(summary.errors) };
}

export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < 0) {
    throw new CommanderArgumentError(`expected a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = parseNonNegativeInt(value);
  if (n === 0) throw new CommanderArgumentError('expected a positive integer, got 0');
  return n;
}

export function parseChoice<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new CommanderArgumentError(`expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
    }
    return value as T;
  };
}

/** `ClassName [CODE]: message` for ZeroBufferErrors, the message otherwise. */
export function describeError(err: unknown): string {
  if (err instanceof ZeroBufferError) return `${err.name} [${err.code}]: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** JSON.stringify that writes bigints as decimal numbers (u64 OIEB fields, PIDs). */
export function toJson(value: unknown, space?: number): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v), space);
}

export function mibPerSecond(bytes: number, seconds: number): number {
  return seconds > 0 ? bytes / (1024 * 1024) / seconds : 0;
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Installs SIGINT/SIGTERM handlers that call `onSignal` once (which closes the Reader/Writer so a
 * blocked call ends with ClosedError and the Reader unlinks its shared memory). A second signal
 * exits immediately. Returns a function that removes the handlers and the signal that arrived.
 */
export function handleSignals(onSignal: (signal: NodeJS.Signals) => void): {
  dispose(): void;
  received(): NodeJS.Signals | null;
  /** Resolves when the first signal arrives (to cut waits such as --delay-ms short). */
  stopped: Promise<void>;
} {
  let got: NodeJS.Signals | null = null;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  const handler = (signal: NodeJS.Signals): void => {
    if (got !== null) process.exit(signal === 'SIGINT' ? 130 : 143);
    got = signal;
    resolveStopped();
    onSignal(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
    received: () => got,
    stopped,
  };
}

export function signalExitCode(signal: NodeJS.Signals | null): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Prints a command's outcome. With --json: the one summary object on stdout (problems also on
 * stderr). Without: the problems on stderr, then `success` on stdout, or, when the command failed,
 * `failure` on stderr: never a success-shaped line for a failure.
 */
export function printOutcome(command: string, summary: { errors: string[] }, o: { json: boolean; ok: boolean; success: () => string; failure: () => string }): void {
  if (o.json) process.stdout.write(toJson(summary) + '\n');
  for (const e of summary.errors) process.stderr.write(`zerobuffer ${command}: ${e}\n`);
  if (o.json) return;
  if (o.ok) process.stdout.write(o.success() + '\n');
  else process.stderr.write(`zerobuffer ${command}: ${o.failure()}\n`);
}

/**
 * printOutcome for `read`/`write`.
 * @param requested frames asked for (0: unbounded)
 * @param verified the reader's --verify pattern
 */
export function printSummary(s: TransferSummary, o: { json: boolean; ok: boolean; requested: number; verified?: string }): void {
  const reading = s.operation === 'read';
  printOutcome(s.operation, s, {
    json: o.json,
    ok: o.ok,
    failure: () => {
      const count = o.requested > 0 ? `${s.frames} of ${o.requested}` : `${s.frames}`;
      const bad = s.verification_errors ? `, ${s.verification_errors} with verification errors` : '';
      return `failed after ${count} frame(s) ${reading ? 'read' : 'written'}${bad}`;
    },
    success: () => {
      const checked = !reading ? '' : o.verified === 'none' ? ', content not verified' : `, all verified (${o.verified} pattern)`;
      return (
        `${reading ? 'read' : 'wrote'} ${s.frames} frame(s)` +
        (s.frame_size ? ` of ${s.frame_size} bytes` : '') +
        ` ${reading ? 'from' : 'to'} ${JSON.stringify(s.buffer_name)} in ${s.duration_seconds.toFixed(3)} s` +
        ` (${s.throughput_mbps.toFixed(1)} MiB/s), metadata ${s.metadata_size} bytes${checked}`
      );
    },
  });
}

/**
 * A progress line on stderr for long runs (frames, MiB/s over the last second), redrawn at most
 * once a second, and only when stderr is a terminal: nothing is written to a pipe or a file.
 */
export class Progress {
  readonly #enabled = process.stderr.isTTY === true;
  #shown = false;
  #last = performance.now();
  #lastBytes = 0;

  constructor(readonly operation: 'read' | 'write') {}

  update(frames: number, bytes: number): void {
    if (!this.#enabled) return;
    const now = performance.now();
    if (now - this.#last < 1000) return;
    const rate = mibPerSecond(bytes - this.#lastBytes, (now - this.#last) / 1000);
    this.#last = now;
    this.#lastBytes = bytes;
    this.#shown = true;
    process.stderr.write(`\r\x1b[Kzerobuffer ${this.operation}: ${frames} frame(s), ${rate.toFixed(1)} MiB/s`);
  }

  /** Clears the line before the summary is printed. */
  end(): void {
    if (this.#shown) process.stderr.write('\r\x1b[K');
    this.#shown = false;
  }
}
