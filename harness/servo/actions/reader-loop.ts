// READER LOOP of steps.md §4.4 — one implementation for every form: foreground (B25, X40, S05),
// background with a delay after each frame (X23) or one read started every N ms (S09), and a
// target that may be set while it runs (X24). The library's async reads wait on worker threads,
// so the servo's JS thread stays responsive to JSON-RPC while a loop runs.
import { WriterDeadError, ZeroBufferError } from '../../../src/index';
import { StepFailure, describeError, expectEqual, expectTrue, fail } from '../../assert';
import { checkFramePattern, describeMismatch } from '../../model/patterns';
import { LOOP_CAP, LOOP_READ_SLICE, T_IDLE, now, sleep } from '../../model/timing';
import { isPidAlive } from '../../diagnostics/pids';
import type { ServoContext } from '../context';
import type { ReaderEntry } from '../state/objects';
import type { BackgroundOp, LoopResult } from '../state/background';

export interface ReaderLoopOptions {
  /** Content check per frame: F(size, header sequence). */
  content: 'F';
  /** Sleep this long after releasing each frame. */
  delayMs?: number;
  /** Start one read every periodMs (measured from the start of the previous frame's read). */
  periodMs?: number;
  /** End with 'cap' after this long (foreground loops). */
  capMs?: number;
  /** End with 'target' once this many frames were accepted (may also be set later: setTarget). */
  target?: number;
}

/**
 * Reads with the 1 s loop slice, validates each frame (sequence = previous + 1, content), releases
 * it, then sleeps or waits for its period; ends with eos / writer-crash / idle / validation-error /
 * target / stopped / cap, or 'exception' for a non-ZeroBuffer exception (a harness failure).
 */
export class ReaderLoop implements BackgroundOp {
  readonly kind = 'reader loop';
  readonly result: LoopResult;
  readonly done: Promise<LoopResult>;
  private stopRequested = false;
  private wakeUp: (() => void) | null = null;
  private ended = false;

  constructor(
    private readonly ctx: ServoContext,
    private readonly e: ReaderEntry,
    readonly options: ReaderLoopOptions,
  ) {
    this.result = {
      reason: 'stopped',
      target: options.target ?? null,
      accepted: [],
      sizes: [],
      times: [],
      longestGapMs: 0,
      error: null,
      detail: '',
      observed: false,
      durationMs: 0,
    };
    this.done = this.run();
  }

  get finished(): boolean {
    return this.ended;
  }

  /** A validation error or an exception is the loop's failure; every other end is a result. */
  get error(): unknown {
    const r = this.result;
    if (!this.ended || (r.reason !== 'validation-error' && r.reason !== 'exception')) return null;
    return r.error ?? new StepFailure(r.detail);
  }

  get observed(): boolean {
    return this.result.observed;
  }

  set observed(v: boolean) {
    this.result.observed = v;
  }

  describe(): string {
    const o = this.options;
    const pace = o.periodMs !== undefined ? `one read every ${o.periodMs} ms` : `${o.delayMs ?? 0} ms delay`;
    return `reader loop on ${this.e.name} (${pace}, ${this.result.accepted.length} frames accepted${this.ended ? `, ended: ${this.result.reason}` : ''})`;
  }

  /** Sets the number of accepted frames at which the loop ends with 'target'. */
  setTarget(count: number): void {
    this.result.target = count;
  }

  /** Ends the loop ('stopped') after the read in flight (≤ the 1 s slice). */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.wakeUp?.();
    await this.done;
  }

  /** Sleeps `ms`, returning early when stop() is called. */
  private async pause(ms: number): Promise<void> {
    if (ms <= 0 || this.stopRequested) return;
    await Promise.race([sleep(ms), new Promise<void>((r) => (this.wakeUp = r))]);
    this.wakeUp = null;
  }

  private end(reason: LoopResult['reason'], detail = '', error: unknown = null): void {
    this.result.reason = reason;
    this.result.detail = detail;
    this.result.error = error;
  }

  private async run(): Promise<LoopResult> {
    const { ctx, e, options: o, result: res } = this;
    const started = now();
    let last = started;
    let prev = e.expectedNext - 1n;
    let cycleStart = started;
    try {
      for (;;) {
        if (this.stopRequested) {
          this.end('stopped', `stopped after ${res.accepted.length} frames`);
          break;
        }
        if (o.capMs !== undefined && now() - started > o.capMs) {
          this.end('cap', `cap of ${o.capMs} ms reached after ${res.accepted.length} frames`);
          break;
        }
        if (res.target !== null && res.accepted.length >= res.target) {
          this.end('target', `target of ${res.target} frames reached`);
          break;
        }
        let h;
        try {
          h = await ctx.frames.read(e, LOOP_READ_SLICE);
        } catch (err) {
          if (err instanceof WriterDeadError) {
            const wp = e.reader.oiebSnapshot().writerPid;
            this.end(wp === 0n ? 'eos' : 'writer-crash', `${describeError(err)}; OIEB writer_pid ${wp}`);
            break;
          }
          if (err instanceof ZeroBufferError) {
            this.end('validation-error', describeError(err), err);
            break;
          }
          throw err;
        }
        const t = now();
        if (h === null) {
          if (t - last >= T_IDLE) {
            const wp = e.reader.oiebSnapshot().writerPid;
            this.end('idle', `no frame for ${Math.round(t - last)} ms (writer_pid ${wp}, ${isPidAlive(wp) ? 'alive' : 'not alive'})`);
            break;
          }
          continue;
        }
        if (h.sequence !== prev + 1n) {
          // the frame stays held: the loop stops consuming
          this.end('validation-error', `sequence gap: expected ${prev + 1n}, observed ${h.sequence}`);
          break;
        }
        const mm = checkFramePattern(h.frame.data, h.sequence);
        if (mm !== null) {
          this.end('validation-error', describeMismatch(`frame ${h.sequence} (${h.size} bytes) vs F(size, ${h.sequence})`, mm));
          break;
        }
        res.accepted.push(h.sequence);
        res.sizes.push(h.size);
        res.times.push(t - started);
        res.longestGapMs = Math.max(res.longestGapMs, t - last);
        last = t;
        prev = h.sequence;
        ctx.frames.release(h);
        if (o.delayMs !== undefined) await this.pause(o.delayMs);
        if (o.periodMs !== undefined) {
          await this.pause(cycleStart + o.periodMs - now());
          cycleStart = Math.max(now(), cycleStart + o.periodMs);
        }
      }
    } catch (err) {
      this.end('exception', describeError(err), err);
    }
    this.ended = true;
    res.durationMs = now() - started;
    ctx.background.lastLoop = res;
    ctx.logger.info(
      { reason: res.reason, frames: res.accepted.length, ms: Math.round(res.durationMs), longestGapMs: Math.round(res.longestGapMs), detail: res.detail },
      'reader loop ended',
    );
    return res;
  }
}

/** Starts a background READER LOOP on the current reader (X23, S09). */
export function startReaderLoop(ctx: ServoContext, o: ReaderLoopOptions): ReaderLoop {
  return ctx.background.add(new ReaderLoop(ctx, ctx.objects.requireReader(), o));
}

/**
 * Runs a READER LOOP in the foreground until it ends (B25, X40, S05). A non-ZeroBuffer exception
 * fails the step; every other end is returned for the step to judge.
 */
export async function runReaderLoop(ctx: ServoContext, o: ReaderLoopOptions): Promise<LoopResult> {
  const res = await startReaderLoop(ctx, o).done;
  if (res.reason === 'exception') {
    res.observed = true;
    throw res.error;
  }
  return res;
}

/**
 * B25, X40: a foreground READER LOOP (content F) sleeping `delayMs` after each frame, capped at
 * LOOP_CAP; fails only on 'cap' or a non-ZeroBuffer exception — later steps judge the result.
 */
export async function runCappedReaderLoop(ctx: ServoContext, delayMs: number): Promise<LoopResult> {
  const res = await runReaderLoop(ctx, { content: 'F', delayMs, capMs: LOOP_CAP });
  if (res.reason === 'cap') {
    res.observed = true;
    fail(`reader loop hit its cap of ${LOOP_CAP} ms: ${res.detail}`);
  }
  return res;
}

/** The running background reader loop of this process; fails when there is none. */
export function requireRunningLoop(ctx: ServoContext): ReaderLoop {
  const l = ctx.background.latest(ReaderLoop);
  if (l === null || l.finished) {
    const last = ctx.background.lastLoop;
    fail(`process '${ctx.role}' has no running reader loop${last !== null ? ` (the last one ended: ${last.reason}${last.detail ? ` — ${last.detail}` : ''})` : ''}`);
  }
  return l;
}

/** The most recent ended reader loop's result (marked as examined); fails when there is none. */
export function requireLoop(ctx: ServoContext): LoopResult {
  const running = ctx.background.latest(ReaderLoop);
  if (running !== null && !running.finished) fail(`the reader loop of process '${ctx.role}' is still running: ${running.describe()}`);
  const l = ctx.background.lastLoop;
  if (l === null) fail(`process '${ctx.role}' has run no reader loop`);
  l.observed = true;
  return l;
}

/** The loop's accepted sequences are non-empty, start at `first` and increase by exactly 1. */
export function checkAcceptedSequences(l: LoopResult, first: bigint): void {
  expectTrue(`the reader loop accepted at least one frame (ended: ${l.reason}${l.detail ? ` — ${l.detail}` : ''})`, l.accepted.length > 0);
  expectEqual('first accepted sequence', first, l.accepted[0]!);
  for (let i = 1; i < l.accepted.length; i++) {
    if (l.accepted[i] !== l.accepted[i - 1]! + 1n) expectEqual(`accepted sequence #${i + 1} = previous + 1`, l.accepted[i - 1]! + 1n, l.accepted[i]!);
  }
}

/** The loop had a frame target, ended with 'target' and accepted exactly that many frames. */
export function checkTargetReached(l: LoopResult): void {
  if (l.target === null) fail(`the reader loop had no frame target (ended: ${l.reason}${l.detail ? ` — ${l.detail}` : ''})`);
  expectEqual(`how the reader loop ended (${l.accepted.length} frames accepted${l.detail ? `; ${l.detail}` : ''})`, 'target', l.reason);
  expectEqual('frames accepted by the reader loop = its target', l.target, l.accepted.length);
}
