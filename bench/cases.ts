// The cases of `npm run bench` and how one run of a case is carried out: each endpoint is its own
// process (native: build/bench/zb_bench, TypeScript: dist/bench/endpoint.js, the addon without the
// library: dist/bench/addon-endpoint.js); the reader creates the buffer and says "ready", then the
// writer starts; each prints one JSON result line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { cleanStaleResources } from '../src/diagnostics';

/** `addon`: JavaScript calling the addon directly (bench/addon-endpoint.ts; the blocking latency pair only). */
export type Side = 'native' | 'ts' | 'addon';
/**
 * The reader's and writer's way (bench/endpoint.ts): `iterator` is the copy path read through
 * frames(), `blocking` the copy path with a reader that blocks its thread in the wait (both
 * TypeScript readers only), `zc-sync` the zero-copy path with synchronous calls on both sides
 * (acquireSync; readManySync blocking the thread — TypeScript pairs only).
 */
export type Path = 'copy' | 'zerocopy' | 'iterator' | 'blocking' | 'zc-sync';

export type Case =
  | { kind: 'pair'; writer: Side; reader: Side; path: Path; size: number; frames: number; latency?: { intervalUs: number } }
  | { kind: 'socket'; size: number; frames: number }
  | { kind: 'memcpy'; size: number; seconds: number }
  | { kind: 'pipeline'; size: number; frames: number }
  | { kind: 'pingpong'; samples: number; intervalUs: number };

/** What a program printed. */
export interface ProgramResult {
  frames: number;
  seconds: number;
  errors: number;
  /** User + system time of the whole process. */
  cpuSeconds: number;
  latency?: { p50: number; p90: number; p99: number; max: number; n: number };
}

/** What one run measured: the reader's figures, and for a pair the writer's measured part too. */
export interface RunResult extends ProgramResult {
  writer?: { frames: number; cpuSeconds: number };
}

const ROOT = path.resolve(__dirname, '..', '..');
export const NATIVE_PROGRAM = path.join(ROOT, 'build', 'bench', 'zb_bench');
const JS_PROGRAM: Record<Exclude<Side, 'native'>, string> = {
  ts: path.join(__dirname, 'endpoint.js'),
  addon: path.join(__dirname, 'addon-endpoint.js'),
};
const RUN_LIMIT_MS = 180_000;

/** The ring of a case: 4 MiB, or 16 frames when that is larger. */
export function ringBytes(size: number): number {
  return Math.max(4 << 20, 16 * (size + 16));
}

/** A stable identifier of a case: the key of its figures in the JSON and in comparisons. */
export function caseKey(c: Case): string {
  switch (c.kind) {
    case 'pair':
      return `${c.latency ? 'latency' : 'throughput'}/${c.size}/${c.path}/${c.writer}-${c.reader}`;
    case 'socket':
      return `throughput/${c.size}/socket/ts-ts`;
    case 'memcpy':
      return `memcpy/${c.size}`;
    case 'pipeline':
      return `pipeline/${c.size}`;
    case 'pingpong':
      return 'latency/semaphore-ping-pong';
  }
}

let counter = 0;

/** Runs one case once. Throws when a process fails, a frame mismatches or the run hangs. */
export async function runCase(c: Case): Promise<RunResult> {
  switch (c.kind) {
    case 'memcpy':
      return run(start('native', ['memcpy', String(c.size), String(ringBytes(c.size)), String(c.seconds)]));
    case 'pipeline':
      return run(start('native', ['pipeline', String(c.size), String(ringBytes(c.size)), String(c.frames)]));
    case 'pingpong':
      return run(start('native', ['pingpong', String(c.samples), String(c.intervalUs)]));
    case 'socket': {
      const sock = path.join('/tmp', `zbbench-${process.pid}-${++counter}.sock`);
      try {
        return await pair(start('ts', ['uds-reader', sock, String(c.frames), String(c.size)]), () =>
          start('ts', ['uds-writer', sock, String(c.frames), String(c.size)]),
        );
      } finally {
        fs.rmSync(sock, { force: true });
      }
    }
    case 'pair': {
      const name = `zbbench-${process.pid}-${++counter}`;
      const latency = c.latency ? '1' : '0';
      const common = [name, String(c.frames), String(c.size)];
      // The writer of the reader-only paths (iterator, blocking) is the copy path's.
      const writerPath = c.path === 'zerocopy' || c.path === 'zc-sync' ? c.path : 'copy';
      try {
        return await pair(start(c.reader, ['reader', ...common, c.path, String(ringBytes(c.size)), latency]), () =>
          start(c.writer, ['writer', ...common, writerPath, latency, String(c.latency?.intervalUs ?? 0)]),
        );
      } finally {
        cleanStaleResources(name); // only what a failed run left behind: both processes are gone
      }
    }
  }
}

interface Proc {
  child: ChildProcess;
  lines: AsyncIterator<string>;
  what: string;
}

function start(side: Side, args: string[]): Proc {
  const [file, argv] = side === 'native' ? [NATIVE_PROGRAM, args] : [process.execPath, [JS_PROGRAM[side], ...args]];
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  return { child, lines: readLines(child), what: `${side} ${args[0]}` };
}

async function* readLines(child: ChildProcess): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of child.stdout!) {
    rest += String(chunk);
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
    }
  }
}

async function nextLine(p: Proc): Promise<string> {
  const r = await p.lines.next();
  if (r.done) throw new Error(`${p.what}: ended without output`);
  return r.value;
}

async function exitCode(p: Proc): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.child.exitCode;
  return new Promise((resolve) => p.child.once('exit', (code) => resolve(code)));
}

/** Reads a process's result line and checks that it succeeded. */
async function finish(p: Proc): Promise<ProgramResult> {
  const result = JSON.parse(await nextLine(p)) as ProgramResult;
  const code = await exitCode(p);
  if (code !== 0 || result.errors > 0) throw new Error(`${p.what}: exit code ${code}, ${result.errors} mismatching frame(s)`);
  return result;
}

async function bounded<T>(work: Promise<T>, procs: Proc[]): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`run did not finish within ${RUN_LIMIT_MS / 1000} s`)), RUN_LIMIT_MS);
  });
  try {
    return await Promise.race([work, limit]);
  } catch (err) {
    for (const p of procs) p.child.kill('SIGKILL');
    await Promise.all(procs.map(exitCode));
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

function run(p: Proc): Promise<RunResult> {
  return bounded(finish(p), [p]);
}

/** The reader first, the writer once the reader is ready; the reader's result counts. */
async function pair(reader: Proc, startWriter: () => Proc): Promise<RunResult> {
  const procs = [reader];
  return bounded(
    (async () => {
      const ready = await nextLine(reader);
      if (ready !== 'ready') throw new Error(`${reader.what}: expected "ready", got ${JSON.stringify(ready)}`);
      const writer = startWriter();
      procs.push(writer);
      const [result, written] = await Promise.all([finish(reader), finish(writer)]);
      return { ...result, writer: { frames: written.frames, cpuSeconds: written.cpuSeconds } };
    })(),
    procs,
  );
}
