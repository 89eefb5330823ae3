// Pending writes (steps.md §4.3): a pending-capable write step starts an asynchronous write and
// waits up to T_settle; an unsettled write stays pending on its writer in the background, and any
// later write step on that writer first waits for it and fails if it failed unobserved.
import { describeError, fail, StepFailure } from '../../assert';
import type { Snap } from '../../diagnostics/snap';
import { T_SETTLE, now, within } from '../../model/timing';
import type { Outcome } from './outcomes';
import type { Background } from './background';
import { notePublished, type WriterEntry } from './objects';

export interface PendingWrite {
  writer: WriterEntry;
  size: number;
  expectedSeq: bigint;
  timeoutMs: number;
  startedAt: number;
  settled: boolean;
  outcome: Outcome | null;
  observed: boolean;
  promise: Promise<void>;
  snapBefore: Snap;
}

export class PendingWrites {
  constructor(private readonly background: Background) {}

  /** Waits (≤ its timeout + 1 s) for an earlier pending write on `w`; fails if it failed unobserved. */
  async settle(w: WriterEntry): Promise<void> {
    const p = w.pending;
    if (p === null) return;
    if (!p.settled) {
      const limit = p.timeoutMs + 1000 - (now() - p.startedAt);
      const settled = await within(p.promise.then(() => true), limit, false);
      if (!settled) fail(`earlier pending write of ${p.size} bytes (sequence ${p.expectedSeq}) did not settle within its timeout ${p.timeoutMs} ms + 1 s`);
    }
    w.pending = null;
    if (p.outcome !== null && !p.outcome.ok && !p.observed) {
      p.observed = true;
      fail(`earlier pending write of ${p.size} bytes (sequence ${p.expectedSeq}) failed unobserved: ${describeError(p.outcome.error)}`);
    }
  }

  /**
   * Starts `data` on `w` (the caller has settled earlier writes and checked the counter) and waits
   * up to T_settle. The write advances the writer's sequence counter when it succeeds.
   */
  async start(w: WriterEntry, data: Uint8Array, timeoutMs: number, snapBefore: Snap): Promise<PendingWrite> {
    const expectSeq = w.nextSeq;
    const startedAt = now();
    const p: PendingWrite = {
      writer: w,
      size: data.length,
      expectedSeq: expectSeq,
      timeoutMs,
      startedAt,
      settled: false,
      outcome: null,
      observed: false,
      snapBefore,
      promise: Promise.resolve(),
    };
    p.promise = w.writer.write(data, timeoutMs).then(
      (seq) => {
        p.settled = true;
        const ok = seq === expectSeq;
        if (ok) notePublished(w, seq, data.length);
        p.outcome = {
          ok,
          value: seq,
          error: ok ? undefined : new StepFailure(`pending write: library assigned sequence ${seq}, harness counter expected ${expectSeq}`),
          startedAt,
          elapsedMs: now() - startedAt,
          snapBefore,
          details: {},
        };
      },
      (err: unknown) => {
        p.settled = true;
        p.outcome = { ok: false, error: err, startedAt, elapsedMs: now() - startedAt, snapBefore, details: {} };
      },
    );
    w.pending = p;
    this.background.add({
      kind: 'pending write',
      describe: () => `write of ${p.size} bytes (sequence ${p.expectedSeq}) on ${w.name}`,
      get finished() {
        return p.settled;
      },
      get error() {
        return p.outcome !== null && !p.outcome.ok ? p.outcome.error : null;
      },
      get observed() {
        return p.observed;
      },
      set observed(v: boolean) {
        p.observed = v;
      },
      // the writer's close() at disposal ends the in-flight write with ClosedError
      stop: async () => {
        p.observed = true;
      },
    });
    await within(p.promise, T_SETTLE, undefined);
    return p;
  }

  /** The writer's pending write; fails when there is none. */
  requirePending(w: WriterEntry, what: string): PendingWrite {
    if (w.pending === null) fail(`${what}: writer ${w.name} has no pending write`);
    return w.pending;
  }
}
