// Recorded outcomes of "attempt" steps (steps.md §4.1): a slot per kind of attempt; later steps
// assert on it, and an assertion on an empty slot fails.
import { ZeroBufferError } from '../../../src/index';
import { describeError, fail } from '../../assert';
import type { Logger } from '../../logging';
import type { Snap } from '../../diagnostics/snap';
import { now } from '../../model/timing';

export type SlotName = 'lastCreate' | 'lastConnect' | 'lastWrite' | 'lastRead' | 'lastMetadata';

export interface Outcome {
  ok: boolean;
  value?: unknown;
  error?: unknown;
  startedAt: number;
  elapsedMs: number;
  snapBefore: Snap | null;
  details: Record<string, unknown>;
}

export class Outcomes {
  private slots: Partial<Record<SlotName, Outcome>> = {};

  constructor(
    private readonly role: string,
    private readonly logger: Logger,
  ) {}

  record(slot: SlotName, o: Outcome): void {
    this.slots[slot] = o;
    this.logger.info({ slot, ok: o.ok, error: o.ok ? undefined : describeError(o.error), elapsedMs: Math.round(o.elapsedMs) }, 'outcome recorded');
  }

  get(slot: SlotName): Outcome {
    const o = this.slots[slot];
    if (o === undefined) fail(`no outcome recorded in slot ${slot} (no earlier "attempt" step in process '${this.role}')`);
    return o;
  }

  /** Runs an attempt and records it; never throws the library's error. */
  async attempt(slot: SlotName, snapBefore: Snap | null, fn: () => Promise<unknown> | unknown, details: Record<string, unknown> = {}): Promise<Outcome> {
    const startedAt = now();
    let o: Outcome;
    try {
      const value = await fn();
      o = { ok: true, value, startedAt, elapsedMs: now() - startedAt, snapBefore, details };
    } catch (error) {
      if (!(error instanceof ZeroBufferError)) this.logger.warn({ err: describeError(error) }, 'attempt failed with a non-ZeroBuffer error');
      o = { ok: false, error, startedAt, elapsedMs: now() - startedAt, snapBefore, details };
    }
    this.record(slot, o);
    return o;
  }

  clear(): void {
    this.slots = {};
  }
}
