// Shared test helpers (not a test file). Names are unique per run and per file:
//   zbtest-<test-runner pid>-<file pid>-<counter>
// so that test/zz-no-leaks.test.ts (run by the same `node --test` runner) can find anything the
// run left in /dev/shm or /tmp/zerobuffer, and parallel runs by other people never collide.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, afterEach } from 'node:test';
import { performance } from 'node:perf_hooks';
import { ZeroBufferError, type ErrorCode } from '../src/errors';
import { fillPattern } from '../src/cli/patterns';

/** Prefix shared by every test file of one `node --test` run (the runner is our parent). */
export const RUN_PREFIX = `zbtest-${process.env.ZB_TEST_RUN_ID ?? process.ppid}-`;
let counter = 0;
const created = new Set<string>();

/** A fresh buffer name for this run; remembered for cleanup. */
export function uniqueName(tag = ''): string {
  const name = `${RUN_PREFIX}${process.pid}-${counter++}${tag ? '-' + tag : ''}`;
  created.add(name);
  return name;
}

/** A fresh duplex channel name; both of its buffers are remembered for cleanup. */
export function uniqueChannel(tag = ''): string {
  const channel = `${RUN_PREFIX}${process.pid}-${counter++}${tag ? '-' + tag : ''}`;
  created.add(`${channel}_request`);
  created.add(`${channel}_response`);
  return channel;
}

/** Which OS resources of either buffer of a duplex channel exist. */
export function existingChannel(channel: string): string[] {
  return [...existing(`${channel}_request`), ...existing(`${channel}_response`)];
}

export const SHM_DIR = '/dev/shm';
export const LOCK_DIR = '/tmp/zerobuffer';

export function pathsOf(name: string): { shm: string; semW: string; semR: string; lock: string } {
  return {
    shm: path.join(SHM_DIR, name),
    semW: path.join(SHM_DIR, `sem.sem-w-${name}`),
    semR: path.join(SHM_DIR, `sem.sem-r-${name}`),
    lock: path.join(LOCK_DIR, `${name}.lock`),
  };
}

/** Which of the buffer's OS resources currently exist. */
export function existing(name: string): string[] {
  return Object.values(pathsOf(name)).filter((p) => {
    try {
      fs.lstatSync(p);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Removes whatever is left of the names this file created (only those names). Returns the
 * removed paths so a test can assert that nothing had to be removed.
 */
export function removeLeftovers(): string[] {
  const removed: string[] = [];
  for (const name of created) {
    for (const p of existing(name)) {
      try {
        const st = fs.lstatSync(p);
        if (st.isDirectory()) fs.rmdirSync(p);
        else fs.unlinkSync(p);
        removed.push(p);
      } catch {
        /* already gone */
      }
    }
  }
  return removed;
}

/**
 * Registers the calling test file's hooks for what its tests open and returns `track`: a tracked
 * object is closed after its test, the last opened first (Writers before their Reader), and the
 * file ends with nothing of its names left behind.
 */
export function closeAfterEachTest(): <T extends { close(): void }>(x: T) => T {
  const open: Array<{ close(): void }> = [];
  afterEach(() => {
    for (const x of open.splice(0).reverse()) x.close();
  });
  after(() => {
    assert.deepEqual(removeLeftovers(), [], 'closed Readers must leave nothing behind');
  });
  return (x) => {
    open.push(x);
    return x;
  };
}

/** Entries of /dev/shm and /tmp/zerobuffer containing `prefix`. */
export function leftoversWithPrefix(prefix: string): string[] {
  const out: string[] = [];
  for (const dir of [SHM_DIR, LOCK_DIR]) {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const e of entries) if (e.includes(prefix)) out.push(path.join(dir, e));
  }
  return out;
}

/** Asserts that `fn` throws (or rejects with) an error of `cls` with `code`; returns the error. */
export async function expectError<T extends ZeroBufferError>(
  fn: () => unknown,
  cls: abstract new (...args: never[]) => T,
  code: ErrorCode,
  messageIncludes: Array<string | RegExp> = [],
): Promise<T> {
  let caught: unknown;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `expected ${cls.name} ${code}, but nothing was thrown`);
  assert.ok(caught instanceof cls, `expected ${cls.name} ${code}, got ${String((caught as Error)?.name)}: ${String((caught as Error)?.message)} (code ${(caught as { code?: string })?.code})`);
  assert.ok(caught instanceof ZeroBufferError);
  assert.equal(caught.code, code, `code of ${caught.name}: ${caught.message}`);
  for (const m of messageIncludes) {
    if (typeof m === 'string') assert.ok(caught.message.includes(m), `message ${JSON.stringify(caught.message)} should contain ${JSON.stringify(m)}`);
    else assert.match(caught.message, m);
  }
  return caught as T;
}

/** Synchronous variant of expectError (for sync APIs, asserts the throw is synchronous). */
export function expectErrorSync<T extends ZeroBufferError>(
  fn: () => unknown,
  cls: abstract new (...args: never[]) => T,
  code: ErrorCode,
  messageIncludes: Array<string | RegExp> = [],
): T {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `expected ${cls.name} ${code}, but nothing was thrown`);
  assert.ok(caught instanceof cls, `expected ${cls.name} ${code}, got ${String((caught as Error)?.name)}: ${String((caught as Error)?.message)}`);
  assert.equal((caught as ZeroBufferError).code, code);
  for (const m of messageIncludes) {
    if (typeof m === 'string') assert.ok((caught as Error).message.includes(m), `message ${JSON.stringify((caught as Error).message)} should contain ${JSON.stringify(m)}`);
    else assert.match((caught as Error).message, m);
  }
  return caught as T;
}

/** Elapsed milliseconds of an async call. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `cond` every 10 ms until true or `timeoutMs` (then throws `what`). */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Deterministic PRNG (mulberry32), shared by test processes through a seed in argv. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// --- Raw access to a segment, as another implementation (or a corrupting test) would do ------

export const OIEB = {
  oiebSize: 0x00,
  version: 0x04,
  metadataSize: 0x08,
  metadataFreeBytes: 0x10,
  metadataWrittenBytes: 0x18,
  payloadSize: 0x20,
  payloadFreeBytes: 0x28,
  payloadWritePos: 0x30,
  payloadReadPos: 0x38,
  payloadWrittenCount: 0x40,
  payloadReadCount: 0x48,
  writerPid: 0x50,
  readerPid: 0x58,
} as const;

/** Reads `length` bytes of /dev/shm/<name> at `offset`. */
export function readSegment(name: string, offset = 0, length?: number): Buffer {
  const fd = fs.openSync(pathsOf(name).shm, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const len = length ?? size - offset;
    const b = Buffer.alloc(len);
    fs.readSync(fd, b, 0, len, offset);
    return b;
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes bytes into /dev/shm/<name> at `offset` (shared with every mapping of the object). */
export function writeSegment(name: string, offset: number, bytes: Uint8Array): void {
  const fd = fs.openSync(pathsOf(name).shm, 'r+');
  try {
    fs.writeSync(fd, bytes, 0, bytes.byteLength, offset);
  } finally {
    fs.closeSync(fd);
  }
}

export function u64(v: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
}

export function readU64(name: string, offset: number): bigint {
  return readSegment(name, offset, 8).readBigUInt64LE(0);
}

export function writeU64(name: string, offset: number, v: number | bigint): void {
  writeSegment(name, offset, u64(v));
}

/** A frame header {size, sequence}. */
export function header(size: number | bigint, sequence: number | bigint): Buffer {
  return Buffer.concat([u64(size), u64(sequence)]);
}

/**
 * Creates /dev/shm/<name> by hand (no semaphores, no lock): a 128-byte OIEB built from `fields`
 * plus `M + P` zero bytes. Used for InvalidOieb / IncompatibleVersion / missing-semaphore tests.
 */
export function craftSegment(
  name: string,
  opts: { totalSize?: number; oiebSize?: number; major?: number; M?: number; P?: number; fields?: Partial<Record<keyof typeof OIEB, number | bigint>> },
): void {
  const M = opts.M ?? 1024;
  const P = opts.P ?? 10240;
  const total = opts.totalSize ?? 128 + M + P;
  const b = Buffer.alloc(total);
  const put = (off: number, v: number | bigint): void => {
    if (off + 8 <= total) b.writeBigUInt64LE(BigInt(v), off);
  };
  if (total >= 8) {
    b.writeUInt32LE(opts.oiebSize ?? 128, 0);
    b[4] = opts.major ?? 1;
  }
  put(OIEB.metadataSize, M);
  put(OIEB.metadataFreeBytes, M);
  put(OIEB.payloadSize, P);
  put(OIEB.payloadFreeBytes, P);
  put(OIEB.readerPid, process.pid);
  for (const [k, v] of Object.entries(opts.fields ?? {})) put(OIEB[k as keyof typeof OIEB], v as number | bigint);
  fs.writeFileSync(pathsOf(name).shm, b, { mode: 0o666 });
}

// --- Child processes -------------------------------------------------------------------------

export const DIST_ROOT = path.resolve(__dirname, '..');
export const FIXTURES = path.join(__dirname, 'fixtures');
export const CLI = path.join(DIST_ROOT, 'src', 'cli', 'main.js');

/** A child process whose stdout is parsed as JSON lines (`{event: …}`). */
export class Child {
  readonly proc: ChildProcess;
  readonly events: Array<Record<string, unknown>> = [];
  stdout = '';
  stderr = '';
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #exited = false;

  constructor(script: string, args: string[], opts: { node?: boolean } = {}) {
    const file = opts.node === false ? script : path.isAbsolute(script) ? script : path.join(FIXTURES, script);
    this.proc = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(this);
    let buf = '';
    this.proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      this.stdout += d;
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          this.events.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          /* not an event line */
        }
      }
    });
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exit = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.#exited = true;
        children.delete(this);
        resolve({ code, signal });
      });
    });
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** Waits for an event line `{event: name}`. */
  async waitEvent(name: string, timeoutMs = 10000): Promise<Record<string, unknown>> {
    await waitFor(() => this.events.some((e) => e.event === name) || this.#exited, timeoutMs, `event ${name} (stderr: ${this.stderr})`);
    const e = this.events.find((ev) => ev.event === name);
    if (!e) throw new Error(`child exited before event ${name}; stdout: ${this.stdout}; stderr: ${this.stderr}`);
    return e;
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.#exited) this.proc.kill(signal);
  }
}

const children = new Set<Child>();

/** Kills every child this file started that is still running (after hooks). */
export async function killChildren(): Promise<void> {
  const list = [...children];
  for (const c of list) c.kill('SIGKILL');
  await Promise.all(list.map((c) => c.exit));
}

/** Runs the CLI to completion. */
export function runCli(args: string[], timeoutMs = 60000): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const c = new Child(CLI, args, { node: false });
  const timer = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
  return c.exit.then((r) => {
    clearTimeout(timer);
    return { ...r, stdout: c.stdout, stderr: c.stderr };
  });
}

// --- Stress stream shared by the cross-process stress test and its writer fixture ------------


/** Sizes and content of the seeded stress stream: frame k has `size(k)` bytes, content `fill(k)`. */
export class StressStream {
  readonly #rnd: () => number;
  constructor(seed: number, readonly maxSize: number) {
    this.#rnd = prng(seed);
  }
  /** Next frame's parameters (call once per frame, in order, on both sides). */
  next(): { size: number; start: number } {
    const size = 1 + Math.floor(this.#rnd() * this.maxSize);
    const start = Math.floor(this.#rnd() * 256);
    return { size, start };
  }
  /** Fills `target` (exactly `size` bytes) for frame index `k`. */
  static fill(target: Uint8Array, k: number, start: number): void {
    fillPattern(target, 'sequential', start);
    if (target.byteLength >= 4) Buffer.from(target.buffer, target.byteOffset, target.byteLength).writeUInt32LE(k >>> 0, 0);
  }
}
