// BULK WRITER of steps.md §4.4 (B24, X39, R11). The library's async calls wait on worker threads,
// so the servo's JS thread stays responsive to JSON-RPC while it runs.
import { describeError, fail } from '../../assert';
import { framePattern } from '../../model/patterns';
import { T_WRITE, now, within } from '../../model/timing';
import type { ServoContext } from '../context';
import { notePublished, type WriterEntry } from '../state/objects';
import type { BackgroundOp } from '../state/background';

/**
 * Writes `count` frames F(size, seq) back-to-back, each with T_write, then closes the writer
 * (graceful close = end of stream). On any error it records the error and stops WITHOUT closing
 * the writer, so a reader never sees a clean end of stream after a failed bulk write.
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

/** B24, X39: starts a BULK WRITER on the current writer; returns once its first write completed (fails if it failed). */
export async function startBulkWriter(ctx: ServoContext, count: number, size: number): Promise<BulkWriter> {
  const w = ctx.objects.requireWriter();
  await ctx.writes.settle(w);
  const bulk = ctx.background.add(new BulkWriter(ctx, w, count, size));
  try {
    await bulk.first;
  } catch (e) {
    bulk.observed = true;
    fail(`bulk writer: first write of F(${size}, ${w.nextSeq}) failed: ${describeError(e)}`);
  }
  return bulk;
}
