// CONTINUOUS WRITER of steps.md §4.4 (X22, S08, T07, benchmark producers): writes F(size, seq)
// frames until stopped, each call with a 250 ms timeout. BufferFullError ZB_BUFFER_FULL is not an
// error: the same frame (same sequence) is retried. Before every call it takes a SNAP; it records
// per successful write whether it WAITED (RING MODEL on that SNAP), its duration and
// payload_free_bytes right after, and per failed call whether payload_read_count advanced during
// it. Any other error ends it (its `error`, reported at teardown unless a step examined it).
import { BufferFullError } from '../../../src/index';
import { describeError, expectTrue, fail } from '../../assert';
import { framePattern } from '../../model/patterns';
import { fits, ringStateOf } from '../../model/ring-model';
import { now, within } from '../../model/timing';
import type { ServoContext } from '../context';
import { notePublished, type WriterEntry } from '../state/objects';
import type { BackgroundOp } from '../state/background';

/** Timeout of each write call. */
export const CONTINUOUS_CALL_TIMEOUT = 250;
/** Upper bound for stop() (steps.md §4.4). */
export const CONTINUOUS_STOP_LIMIT = 1000;
/** Per-write records are kept for this many successful writes; aggregates cover every write. */
export const CONTINUOUS_RECORD_LIMIT = 1 << 20;
/** An interval longer than this without a successful write while the reader advanced is a stall (X27). */
export const STALL_LIMIT_MS = 2000;

/** Per successful write: WAITED, duration, payload_free_bytes right after (first CONTINUOUS_RECORD_LIMIT writes). */
class WriteRecords {
  length = 0;
  waited = new Uint8Array(1024);
  durationMs = new Float32Array(1024);
  freeAfter = new Float64Array(1024);

  add(waited: boolean, durationMs: number, freeAfter: number): void {
    if (this.length === CONTINUOUS_RECORD_LIMIT) return;
    if (this.length === this.waited.length) {
      const grow = <T extends Uint8Array | Float32Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.waited = grow(this.waited, (n) => new Uint8Array(n));
      this.durationMs = grow(this.durationMs, (n) => new Float32Array(n));
      this.freeAfter = grow(this.freeAfter, (n) => new Float64Array(n));
    }
    this.waited[this.length] = waited ? 1 : 0;
    this.durationMs[this.length] = durationMs;
    this.freeAfter[this.length] = freeAfter;
    this.length++;
  }
}

/** A violation kept as a count plus its first occurrence. */
class Violations {
  count = 0;
  first: string | null = null;

  note(description: string): void {
    this.count++;
    this.first ??= description;
  }

  describe(): string {
    return this.count === 0 ? 'none' : `${this.count}, first: ${this.first}`;
  }
}

export class ContinuousWriter implements BackgroundOp {
  readonly kind = 'continuous writer';
  readonly payloadSize: number;
  readonly records = new WriteRecords();
  calls = 0;
  /** Successful writes. */
  written = 0;
  /** Successful writes that WAITED. */
  waitedWrites = 0;
  /** Calls that failed with BufferFullError ZB_BUFFER_FULL (retried). */
  bufferFullCalls = 0;
  /** ms since start of the first pre-call SNAP on which the frame did not fit, of the first WAITED write. */
  firstNoFitAt: number | null = null;
  firstWaitedAt: number | null = null;
  /** Post-write payload_free_bytes outside [0, payload_size]. */
  readonly freeOutOfRange = new Violations();
  /** Failed calls during which payload_read_count advanced. */
  readonly failedWhileReaderAdvanced = new Violations();
  /** Intervals > STALL_LIMIT_MS without a successful write while payload_read_count advanced. */
  readonly stalls = new Violations();
  error: unknown = null;
  finished = false;
  observed = false;
  readonly startedAt = now();
  /** How long the last stop() took, ms. */
  stopMs: number | null = null;
  readonly done: Promise<void>;
  private stopRequested = false;
  /** Resolved after every call (and at the end): waitUntil() re-evaluates its condition then. */
  private callWaiters: (() => void)[] = [];
  private lastOkAt = this.startedAt;
  private lastOkReadCount: bigint;

  constructor(
    private readonly ctx: ServoContext,
    private readonly w: WriterEntry,
    readonly size: number,
  ) {
    const o = w.writer.oiebSnapshot();
    this.payloadSize = Number(o.payloadSize);
    this.lastOkReadCount = o.payloadReadCount;
    this.done = this.run();
  }

  describe(): string {
    return `F(${this.size}, seq) frames on ${this.w.name}: ${this.written} written, ${this.waitedWrites} WAITED, ${this.bufferFullCalls} calls ended with ZB_BUFFER_FULL`;
  }

  private at(): number {
    return now() - this.startedAt;
  }

  /** An interval since the last successful write that exceeded the stall limit while the reader advanced. */
  private checkInterval(t: number, readCount: bigint): void {
    const gap = t - this.lastOkAt;
    if (gap > STALL_LIMIT_MS && readCount > this.lastOkReadCount) {
      this.stalls.note(
        `${Math.round(gap)} ms without a successful write (from ${Math.round(this.lastOkAt - this.startedAt)} ms) while payload_read_count went ${this.lastOkReadCount} → ${readCount}`,
      );
    }
  }

  private notifyCall(): void {
    const ws = this.callWaiters;
    this.callWaiters = [];
    for (const r of ws) r();
  }

  /** Waits (≤ ms) until `condition` holds after a call; false when it does not hold by then or the writer ended. */
  async waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
    const deadline = now() + ms;
    while (!condition()) {
      if (this.finished || now() >= deadline) return false;
      await within(new Promise<void>((r) => this.callWaiters.push(r)), deadline - now(), undefined);
    }
    return true;
  }

  private async run(): Promise<void> {
    const { ctx, w, size } = this;
    try {
      for (; !this.stopRequested; this.notifyCall()) {
        const before = ctx.snapWriter(w);
        const waited = !fits(ringStateOf(before.oieb), size);
        if (waited) this.firstNoFitAt ??= this.at();
        const seq = w.nextSeq;
        this.calls++;
        const t0 = now();
        let got: bigint;
        try {
          got = await w.writer.write(framePattern(size, seq), CONTINUOUS_CALL_TIMEOUT);
        } catch (err) {
          if (!(err instanceof BufferFullError && err.code === 'ZB_BUFFER_FULL')) throw err;
          this.bufferFullCalls++;
          const readAfter = w.writer.oiebSnapshot().payloadReadCount;
          if (readAfter > before.oieb.payloadReadCount) {
            this.failedWhileReaderAdvanced.note(`call ${this.calls} (frame ${seq}) at ${Math.round(t0 - this.startedAt)} ms: payload_read_count ${before.oieb.payloadReadCount} → ${readAfter}`);
          }
          continue;
        }
        const t1 = now();
        if (got !== seq) fail(`continuous writer: library assigned sequence ${got}, harness counter expected ${seq}`);
        notePublished(w, got, this.size);
        const after = w.writer.oiebSnapshot();
        this.written++;
        if (waited) {
          this.waitedWrites++;
          this.firstWaitedAt ??= t1 - this.startedAt;
        }
        const free = after.payloadFreeBytes;
        if (free < 0n || free > after.payloadSize) this.freeOutOfRange.note(`write ${this.written} (frame ${seq}): payload_free_bytes ${free} outside [0, ${after.payloadSize}]`);
        this.records.add(waited, t1 - t0, Number(free));
        this.checkInterval(t1, after.payloadReadCount);
        this.lastOkAt = t1;
        this.lastOkReadCount = after.payloadReadCount;
      }
      if (!w.writer.closed) this.checkInterval(now(), w.writer.oiebSnapshot().payloadReadCount);
    } catch (err) {
      this.error = err;
      ctx.logger.warn({ err: describeError(err), written: this.written }, 'continuous writer failed');
    } finally {
      this.finished = true;
      this.notifyCall();
      ctx.logger.info(
        { written: this.written, waited: this.waitedWrites, bufferFullCalls: this.bufferFullCalls, ms: Math.round(this.at()), error: this.error === null ? undefined : describeError(this.error) },
        'continuous writer ended',
      );
    }
  }

  /** Stops after the call in flight (≤ 250 ms); records how long stopping took. */
  async stop(): Promise<void> {
    const t0 = now();
    this.stopRequested = true;
    await this.done;
    this.stopMs = now() - t0;
  }

  /** WAITED writes among successful writes number from+1 … (per-write records). */
  waitedAfter(from: number): { writes: number; waited: number } {
    const r = this.records;
    expectTrue(`continuous writer kept per-write records for all ${this.written} writes (limit ${CONTINUOUS_RECORD_LIMIT})`, r.length === this.written, r.length);
    let waited = 0;
    for (let i = from; i < r.length; i++) waited += r.waited[i]!;
    return { writes: Math.max(0, r.length - from), waited };
  }
}

/** Starts a CONTINUOUS WRITER of F(size, seq) on the current writer (settles earlier pending writes first). */
export async function startContinuousWriter(ctx: ServoContext, size: number): Promise<ContinuousWriter> {
  const w = ctx.objects.requireWriter();
  await ctx.writes.settle(w);
  return ctx.background.add(new ContinuousWriter(ctx, w, size));
}

/** This process's most recent continuous writer, or null. */
export function latestContinuousWriter(ctx: ServoContext): ContinuousWriter | null {
  return ctx.background.latest(ContinuousWriter);
}

/** This process's continuous writer (marked as examined); fails when there is none. */
export function requireContinuousWriter(ctx: ServoContext): ContinuousWriter {
  const cw = latestContinuousWriter(ctx);
  if (cw === null) fail(`process '${ctx.role}' has started no continuous writer`);
  cw.observed = true;
  return cw;
}

/** Stops the process's continuous writer if it still runs; stopping must take ≤ 1 s. */
export async function stopContinuousWriter(ctx: ServoContext): Promise<ContinuousWriter> {
  const cw = requireContinuousWriter(ctx);
  if (!cw.finished) {
    await cw.stop();
    expectTrue(`stopping the continuous writer took ≤ ${CONTINUOUS_STOP_LIMIT} ms (took ${cw.stopMs!.toFixed(0)} ms)`, cw.stopMs! <= CONTINUOUS_STOP_LIMIT);
  }
  return cw;
}
