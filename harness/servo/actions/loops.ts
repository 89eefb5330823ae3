// Background loops of steps.md §4.4: BULK WRITER and READER LOOP. The library's async calls wait
// on worker threads, so the servo's JS thread stays responsive to JSON-RPC while these run.
import { WriterDeadError, ZeroBufferError } from '../../../src/index';
import { describeError, fail } from '../../assert';
import { checkFramePattern, describeMismatch, framePattern } from '../../model/patterns';
import { LOOP_CAP, LOOP_READ_SLICE, T_IDLE, T_WRITE, now, sleep, within } from '../../model/timing';
import { isPidAlive } from '../../diagnostics/pids';
import type { ServoContext } from '../context';
import { notePublished, type WriterEntry } from '../state/objects';
import type { BackgroundOp, LoopResult } from '../state/background';

/**
 * BULK WRITER: writes `count` frames F(size, seq) back-to-back, each with T_write, then closes the
 * writer (graceful close = end of stream). On any error it records the error and stops WITHOUT
 * closing the writer.
 */
export class BulkWriter implements BackgroundOp {
  readonly kind = 'bulk writer';
  written = 0;
  error: unknown = null;
  finished = false;
  observed = false;
  closedGracefully = false;
  startedAt = now();
  endedAt = 0;
  readonly done: Promise<void>;
  /** Resolves once the first write completed (rejects with its error). */
  readonly first: Promise<void>;
  private stopRequested = false;
  private resolveFirst!: () => void;
  private rejectFirst!: (e: unknown) => void;

  constructor(
    private readonly ctx: ServoContext,
    private readonly w: WriterEntry,
    readonly count: number,
    readonly size: number,
  ) {
    this.first = new Promise<void>((res, rej) => {
      this.resolveFirst = res;
      this.rejectFirst = rej;
    });
    this.first.catch(() => undefined);
    this.done = this.run();
  }

  describe(): string {
    return `${this.count} frames of ${this.size} bytes on ${this.w.name} (${this.written} written)`;
  }

  private async run(): Promise<void> {
    const w = this.w;
    try {
      for (let i = 0; i < this.count; i++) {
        if (this.stopRequested) return;
        const seq = w.nextSeq;
        const got = await w.writer.write(framePattern(this.size, seq), T_WRITE);
        if (got !== seq) throw new Error(`bulk writer: library assigned sequence ${got}, harness counter expected ${seq}`);
        notePublished(w, got, this.size);
        this.written++;
        if (i === 0) this.resolveFirst();
      }
      w.writer.close();
      this.closedGracefully = true;
      if (this.count === 0) this.resolveFirst();
      this.ctx.logger.info({ written: this.written, ms: Math.round(now() - this.startedAt) }, 'bulk writer finished; writer closed (end of stream)');
    } catch (e) {
      if (this.stopRequested) return;
      this.error = e;
      this.rejectFirst(e);
      this.ctx.logger.warn({ err: describeError(e), written: this.written }, 'bulk writer failed; writer left open');
    } finally {
      this.finished = true;
      this.endedAt = now();
    }
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    this.observed = true;
    if (!this.finished) {
      // end an in-flight write (ClosedError) — the teardown disposes the writer anyway
      try {
        this.w.writer.close();
      } catch {
        // ignore
      }
      await within(this.done, 1500, undefined);
    }
  }
}

export interface ReaderLoopOptions {
  delayMs: number;
  capMs?: number;
  /** Stop after this many accepted frames ('target'). */
  target?: number;
  /** Content check per frame. */
  content: 'F';
}

/**
 * READER LOOP (foreground form): reads with the 1 s loop slice, validates each frame (sequence =
 * previous + 1, content), releases it, optionally sleeps; ends with eos / writer-crash / idle /
 * validation-error / target / cap. Non-ZeroBuffer exceptions propagate (they fail the step).
 */
export async function runReaderLoop(ctx: ServoContext, o: ReaderLoopOptions): Promise<LoopResult> {
  const e = ctx.objects.requireReader();
  const cap = o.capMs ?? LOOP_CAP;
  const started = now();
  const res: LoopResult = {
    reason: 'stopped',
    accepted: [],
    sizes: [],
    times: [],
    longestGapMs: 0,
    error: null,
    detail: '',
    observed: false,
    durationMs: 0,
  };
  let last = started;
  let prev: bigint = e.expectedNext - 1n;
  for (;;) {
    if (now() - started > cap) {
      res.reason = 'cap';
      res.detail = `cap of ${cap} ms reached after ${res.accepted.length} frames`;
      break;
    }
    if (o.target !== undefined && res.accepted.length >= o.target) {
      res.reason = 'target';
      break;
    }
    let h;
    try {
      h = await ctx.frames.read(e, LOOP_READ_SLICE);
    } catch (err) {
      if (err instanceof WriterDeadError) {
        const wp = e.reader.oiebSnapshot().writerPid;
        res.reason = wp === 0n ? 'eos' : 'writer-crash';
        res.detail = `${describeError(err)}; OIEB writer_pid ${wp}`;
        break;
      }
      if (err instanceof ZeroBufferError) {
        res.reason = 'validation-error';
        res.error = err;
        res.detail = describeError(err);
        break;
      }
      throw err;
    }
    const t = now();
    if (h === null) {
      if (t - last >= T_IDLE) {
        const wp = e.reader.oiebSnapshot().writerPid;
        res.reason = 'idle';
        res.detail = `no frame for ${Math.round(t - last)} ms (writer_pid ${wp}, ${isPidAlive(wp) ? 'alive' : 'not alive'})`;
        break;
      }
      continue;
    }
    if (h.sequence !== prev + 1n) {
      res.reason = 'validation-error';
      res.detail = `sequence gap: expected ${prev + 1n}, observed ${h.sequence}`;
      break; // the frame stays held: the loop stops consuming
    }
    const mm = checkFramePattern(h.frame.data, h.sequence);
    if (mm !== null) {
      res.reason = 'validation-error';
      res.detail = describeMismatch(`frame ${h.sequence} (${h.size} bytes) vs F(size, ${h.sequence})`, mm);
      break;
    }
    res.accepted.push(h.sequence);
    res.sizes.push(h.size);
    res.times.push(t - started);
    res.longestGapMs = Math.max(res.longestGapMs, t - last);
    last = t;
    prev = h.sequence;
    ctx.frames.release(h);
    if (o.delayMs > 0) await sleep(o.delayMs);
  }
  res.durationMs = now() - started;
  ctx.background.lastLoop = res;
  ctx.logger.info(
    { reason: res.reason, frames: res.accepted.length, ms: Math.round(res.durationMs), longestGapMs: Math.round(res.longestGapMs), detail: res.detail },
    'reader loop ended',
  );
  return res;
}

export function requireLoop(ctx: ServoContext): LoopResult {
  const l = ctx.background.lastLoop;
  if (l === null) fail(`process '${ctx.role}' has run no reader loop`);
  l.observed = true;
  return l;
}
