// Background work of a servo (steps.md §4.4) — bulk and continuous writers, reader loops
// (foreground ones too), pending writes — and the unobserved-failure bookkeeping of steps.md §1.1: at teardown every operation
// that ended with an error no step examined is reported and fails the scenario.
import { describeError } from '../../assert';
import type { Logger } from '../../logging';

export interface BackgroundOp {
  kind: string;
  describe(): string;
  readonly finished: boolean;
  readonly error: unknown;
  observed: boolean;
  stop(): Promise<void>;
}

/** How a READER LOOP ended (steps.md §4.4); 'exception' = a non-ZeroBuffer exception (harness failure). */
export type LoopEnd = 'eos' | 'writer-crash' | 'idle' | 'validation-error' | 'target' | 'stopped' | 'cap' | 'exception';

/** What a READER LOOP recorded. */
export interface LoopResult {
  reason: LoopEnd;
  /** Accepted-frame count at which the loop ends with 'target', if one was set. */
  target: number | null;
  accepted: bigint[];
  sizes: number[];
  /** Receive time of each accepted frame, ms since the loop started. */
  times: number[];
  longestGapMs: number;
  error: unknown;
  detail: string;
  observed: boolean;
  durationMs: number;
}

export class Background {
  private ops: BackgroundOp[] = [];
  /** The most recent reader loop's result (foreground or background). */
  lastLoop: LoopResult | null = null;

  constructor(private readonly logger: Logger) {}

  add<T extends BackgroundOp>(op: T): T {
    this.ops.push(op);
    return op;
  }

  /** The newest operation of a kind that is an instance of `cls`, or null. */
  latest<T extends BackgroundOp>(cls: abstract new (...a: never[]) => T): T | null {
    for (let i = this.ops.length - 1; i >= 0; i--) if (this.ops[i] instanceof cls) return this.ops[i] as T;
    return null;
  }

  /** Stops every running operation and returns the failures no step examined. */
  async quiesce(): Promise<string[]> {
    const unobserved: string[] = [];
    for (const op of this.ops) {
      if (op.finished && op.error !== null && op.error !== undefined && !op.observed) {
        unobserved.push(`${op.kind}: ${op.describe()} ended with ${describeError(op.error)} and no step examined it`);
      }
    }
    for (const op of this.ops) {
      if (op.finished) continue;
      try {
        await op.stop();
      } catch (e) {
        this.logger.warn({ err: describeError(e), op: op.describe() }, 'stopping background operation failed');
      }
    }
    this.ops = [];
    return unobserved;
  }

  clear(): void {
    this.ops = [];
    this.lastLoop = null;
  }
}
