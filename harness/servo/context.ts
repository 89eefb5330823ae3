// Per-process state of a servo (steps.md §4): current reader/writer, sequence counters, held-frame
// FIFO with a model of the library's in-order release queue, sequence log, recorded outcomes
// (slots), pending writes, background loops and the unobserved-failure bookkeeping.
import { Reader, Writer, Frame, WritableFrame, SequenceError, ZeroBufferError } from '../../src/index';
import type { Logger } from '../logging';
import { BufferNamingService } from '../model/naming';
import { describeError, expectEqual, fail, StepFailure } from '../assert';
import { snapFromObject, snapFromShm, type PreSnapshot, type Snap } from '../diagnostics/snap';
import type { StaleLockGuard } from '../diagnostics/lock-guard';
import { fits, ringStateOf } from '../model/ring-model';
import { T_WRITE, T_SETTLE, now, within } from '../model/timing';

export type SlotName = 'lastCreate' | 'lastConnect' | 'lastWrite' | 'lastRead' | 'lastMetadata';

/** A recorded outcome of an "attempt" step (steps.md §4.1). */
export interface Outcome {
  ok: boolean;
  value?: unknown;
  error?: unknown;
  startedAt: number;
  elapsedMs: number;
  snapBefore: Snap | null;
  details: Record<string, unknown>;
}

type ReleaseEntry = { kind: 'frame'; bytes: number; released: boolean } | { kind: 'tail'; bytes: number; released: true };

export interface ReaderEntry {
  kind: 'reader';
  reader: Reader;
  base: string;
  name: string;
  metadataSize: number;
  payloadSize: number;
  /** Next sequence this reader expects (1 after creation, previous + 1 after each frame). */
  expectedNext: bigint;
  /** Model of the library's release queue (protocol.md §6.7). */
  queue: ReleaseEntry[];
}

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

export interface WriterEntry {
  kind: 'writer';
  writer: Writer;
  base: string;
  name: string;
  /** The harness's sequence counter: 1 after connecting, +1 per successful write/commit. */
  nextSeq: bigint;
  pending: PendingWrite | null;
  acquired: { frame: WritableFrame; size: number; sequence: bigint; snapBefore: Snap } | null;
}

export interface HeldFrame {
  frame: Frame;
  sequence: bigint;
  size: number;
  reader: ReaderEntry;
  entry: ReleaseEntry & { kind: 'frame' };
  /** ring offset of the frame header, derived from the OIEB (steps.md §4.5). */
  offset: number;
  /** bytes of a wrap tail (marker) consumed right before this frame, 0 if none. */
  wrapTail: number;
}

export interface WriteResult {
  sequence: bigint;
  elapsedMs: number;
  before: Snap;
  after: Snap;
  /** RING MODEL on the SNAP before the call said the frame did not fit (steps.md §4.5 WAITED). */
  waited: boolean;
}

/** Something running in the background of the servo whose failure must not go unnoticed. */
export interface BackgroundOp {
  kind: string;
  describe(): string;
  readonly finished: boolean;
  readonly error: unknown;
  observed: boolean;
  stop(): Promise<void>;
}

export interface LoopResult {
  reason: 'eos' | 'writer-crash' | 'idle' | 'validation-error' | 'target' | 'stopped' | 'cap';
  accepted: bigint[];
  sizes: number[];
  times: number[];
  longestGapMs: number;
  error: unknown;
  detail: string;
  observed: boolean;
  durationMs: number;
}

export interface HostContextInfo {
  /** role → PIDs of its processes in start order (current first for the role's "the" process). */
  roles: Record<string, number[]>;
  scenarioBuffer?: string;
}

export class ServoContext {
  readonly pid = process.pid;
  readonly naming: BufferNamingService;
  host: HostContextInfo = { roles: {} };
  objects: (ReaderEntry | WriterEntry)[] = [];
  reader: ReaderEntry | null = null;
  writer: WriterEntry | null = null;
  held: HeldFrame[] = [];
  sequenceLog: bigint[] = [];
  sequenceErrors: SequenceError[] = [];
  slots: Partial<Record<SlotName, Outcome>> = {};
  background: BackgroundOp[] = [];
  lastLoop: LoopResult | null = null;
  preSnapshot: PreSnapshot | null = null;
  /** Held for a later PRE-SNAPSHOT when this process replaces a killed reader (lock-guard.ts). */
  lockGuard: StaleLockGuard | null = null;
  lastCreateConfig: { base: string; metadataSize: number; payloadSize: number } | null = null;
  /** Step-local scratch shared between consecutive steps of this process (e.g. the dead reader PID). */
  notes = new Map<string, unknown>();

  constructor(
    readonly role: string,
    readonly runId: string,
    readonly scenario: string,
    readonly logger: Logger,
  ) {
    this.naming = new BufferNamingService(runId);
  }

  resolve(base: string): string {
    return this.naming.resolve(base);
  }

  // ---------------------------------------------------------------- objects

  requireReader(): ReaderEntry {
    if (this.reader === null) fail(`process '${this.role}' (pid ${this.pid}) has no current reader`);
    return this.reader;
  }

  requireWriter(): WriterEntry {
    if (this.writer === null) fail(`process '${this.role}' (pid ${this.pid}) has no current writer`);
    return this.writer;
  }

  liveObjects(): number {
    return this.objects.filter((o) => (o.kind === 'reader' ? !o.reader.closed : !o.writer.closed)).length;
  }

  async createReader(base: string, metadataSize: number, payloadSize: number, permissions?: number): Promise<ReaderEntry> {
    const name = this.resolve(base);
    const reader = await Reader.create(name, permissions === undefined ? { metadataSize, payloadSize } : { metadataSize, payloadSize, permissions });
    const e: ReaderEntry = {
      kind: 'reader',
      reader,
      base,
      name,
      metadataSize,
      payloadSize: reader.payloadSize,
      expectedNext: 1n,
      queue: [],
    };
    this.objects.push(e);
    this.reader = e;
    this.logger.info({ name, metadataSize, payloadSize }, 'reader created');
    return e;
  }

  async connectWriter(base: string): Promise<WriterEntry> {
    const name = this.resolve(base);
    const writer = await Writer.connect(name);
    const e: WriterEntry = { kind: 'writer', writer, base, name, nextSeq: 1n, pending: null, acquired: null };
    this.objects.push(e);
    this.writer = e;
    this.logger.info({ name }, 'writer connected');
    return e;
  }

  // ---------------------------------------------------------------- snapshots

  snapReader(e: ReaderEntry = this.requireReader()): Snap {
    return snapFromObject(e.name, 'reader', e.reader);
  }

  snapWriter(e: WriterEntry = this.requireWriter()): Snap {
    return snapFromObject(e.name, 'writer', e.writer);
  }

  /** SNAP of a resolved name: through this process's reader/writer of it if any, else the diagnostic interface. */
  snap(resolved: string): Snap {
    if (this.reader !== null && this.reader.name === resolved && !this.reader.reader.closed) return this.snapReader(this.reader);
    if (this.writer !== null && this.writer.name === resolved && !this.writer.writer.closed) return this.snapWriter(this.writer);
    return snapFromShm(resolved);
  }

  // ---------------------------------------------------------------- reading

  /**
   * One read through the current reader (steps.md §4.2): the frame is held (FIFO), its sequence
   * appended to the sequence log, a SequenceError recorded; the release-queue model is updated
   * from the OIEB read position before/after (wrap tails).
   */
  async read(timeoutMs: number, e: ReaderEntry = this.requireReader()): Promise<HeldFrame | null> {
    const rpBefore = Number(e.reader.oiebSnapshot().payloadReadPos);
    let frame: Frame | null;
    try {
      frame = await e.reader.read(timeoutMs);
    } catch (err) {
      if (err instanceof SequenceError) this.sequenceErrors.push(err);
      throw err;
    }
    if (frame === null) return null;
    const rpAfter = Number(e.reader.oiebSnapshot().payloadReadPos);
    const P = e.payloadSize;
    const offset = (((rpAfter - 16 - frame.size) % P) + P) % P;
    let wrapTail = 0;
    if (offset === 0 && rpBefore !== 0) {
      wrapTail = P - rpBefore;
      if (e.queue.length > 0) e.queue.push({ kind: 'tail', bytes: wrapTail, released: true });
    }
    const entry: ReleaseEntry & { kind: 'frame' } = { kind: 'frame', bytes: 16 + frame.size, released: false };
    e.queue.push(entry);
    e.expectedNext = frame.sequence + 1n;
    this.sequenceLog.push(frame.sequence);
    const h: HeldFrame = { frame, sequence: frame.sequence, size: frame.size, reader: e, entry, offset, wrapTail };
    this.held.push(h);
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ seq: frame.sequence, size: frame.size, offset, wrapTail }, 'frame read');
    return h;
  }

  /** Release a held frame; returns the bytes the library should have returned to free (model). */
  release(h: HeldFrame): number {
    const i = this.held.indexOf(h);
    if (i >= 0) this.held.splice(i, 1);
    h.frame.release();
    h.entry.released = true;
    let bytes = 0;
    const q = h.reader.queue;
    while (q.length > 0 && q[0]!.released) bytes += q.shift()!.bytes;
    return bytes;
  }

  oldestHeld(): HeldFrame {
    const h = this.held[0];
    if (h === undefined) fail(`process '${this.role}' holds no frame (nothing to release)`);
    return h;
  }

  newestHeld(): HeldFrame {
    const h = this.held[this.held.length - 1];
    if (h === undefined) fail(`process '${this.role}' holds no frame (no frame has been read and kept)`);
    return h;
  }

  // ---------------------------------------------------------------- writing

  /**
   * Before a write step starts a new write: wait (≤ its timeout + 1 s) for an earlier pending write
   * on the same writer to settle; fail if that write failed unobserved (steps.md §4.3).
   */
  async settlePending(w: WriterEntry): Promise<void> {
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

  /** Check that the library's next sequence agrees with the harness counter. */
  checkCounter(w: WriterEntry): void {
    expectEqual(`writer ${w.name}: library nextSequence = harness sequence counter`, w.nextSeq, w.writer.nextSequence);
  }

  /**
   * A write through the given writer. Asserts the library assigned exactly the harness counter's
   * sequence; advances the counter on success; never on failure. Throws the library's error.
   */
  async write(w: WriterEntry, data: Uint8Array, timeoutMs: number = T_WRITE): Promise<WriteResult> {
    await this.settlePending(w);
    this.checkCounter(w);
    const expectSeq = w.nextSeq;
    const before = this.snapWriter(w);
    const waited = !fits(ringStateOf(before.oieb), data.length);
    const t0 = now();
    const seq = await w.writer.write(data, timeoutMs);
    const elapsedMs = now() - t0;
    expectEqual(`sequence assigned by the library to frame ${expectSeq} of writer ${w.name}`, expectSeq, seq);
    w.nextSeq = seq + 1n;
    const after = this.snapWriter(w);
    return { sequence: seq, elapsedMs, before, after, waited };
  }

  /**
   * Pending-capable write (steps.md §4.3): starts the write and waits up to T_settle. Returns the
   * settled outcome, or null when the write stays pending in the background.
   */
  async startPendingWrite(w: WriterEntry, data: Uint8Array, timeoutMs: number = T_WRITE): Promise<PendingWrite> {
    await this.settlePending(w);
    this.checkCounter(w);
    const expectSeq = w.nextSeq;
    const snapBefore = this.snapWriter(w);
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
        if (ok) w.nextSeq = seq + 1n;
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
    this.background.push(pendingAsBackground(p));
    await within(p.promise, T_SETTLE, undefined);
    return p;
  }

  // ---------------------------------------------------------------- slots

  record(slot: SlotName, o: Outcome): void {
    this.slots[slot] = o;
    this.logger.info({ slot, ok: o.ok, error: o.ok ? undefined : describeError(o.error), elapsedMs: Math.round(o.elapsedMs) }, 'outcome recorded');
  }

  slot(slot: SlotName): Outcome {
    const o = this.slots[slot];
    if (o === undefined) fail(`no outcome recorded in slot ${slot} (no earlier "attempt" step in process '${this.role}')`);
    return o;
  }

  /** Runs an attempt and records it; never throws the library's error. */
  async attempt(slot: SlotName, snapBefore: Snap | null, fn: () => Promise<unknown>, details: Record<string, unknown> = {}): Promise<Outcome> {
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

  // ---------------------------------------------------------------- teardown

  /** Stop background work and report every failure no step examined (steps.md §1.1). */
  async quiesce(): Promise<string[]> {
    const unobserved: string[] = [];
    for (const op of this.background) {
      if (op.finished && op.error !== null && op.error !== undefined && !op.observed) {
        unobserved.push(`${op.kind}: ${op.describe()} ended with ${describeError(op.error)} and no step examined it`);
      }
    }
    for (const op of this.background) {
      if (!op.finished) {
        try {
          await op.stop();
        } catch (e) {
          this.logger.warn({ err: describeError(e), op: op.describe() }, 'stopping background operation failed');
        }
      }
    }
    if (this.lastLoop !== null && !this.lastLoop.observed && this.lastLoop.reason === 'validation-error') {
      unobserved.push(`reader loop ended with validation-error (${this.lastLoop.detail}) and no step examined it`);
    }
    this.background = [];
    return unobserved;
  }

  /** Release held frames, stop loops, dispose library objects in reverse creation order. */
  async disposeAll(): Promise<string[]> {
    const errors: string[] = [];
    await this.quiesce();
    this.lockGuard?.release();
    this.lockGuard = null;
    for (const h of [...this.held]) {
      try {
        h.frame.release();
      } catch (e) {
        errors.push(`releasing held frame ${h.sequence}: ${describeError(e)}`);
      }
    }
    this.held = [];
    for (const o of [...this.objects].reverse()) {
      try {
        if (o.kind === 'writer') {
          if (o.acquired !== null) {
            try {
              o.acquired.frame.abort();
            } catch {
              // close() aborts a pending acquisition anyway
            }
          }
          o.writer.close();
        } else {
          o.reader.close();
        }
      } catch (e) {
        errors.push(`closing ${o.kind} ${o.name}: ${describeError(e)}`);
      }
    }
    this.objects = [];
    this.reader = null;
    this.writer = null;
    return errors;
  }

  /** B01: back to a clean state. */
  async reset(): Promise<string[]> {
    const errors = await this.disposeAll();
    this.sequenceLog = [];
    this.sequenceErrors = [];
    this.slots = {};
    this.lastLoop = null;
    this.preSnapshot = null;
    this.lastCreateConfig = null;
    this.notes.clear();
    return errors;
  }
}

function pendingAsBackground(p: PendingWrite): BackgroundOp {
  return {
    kind: 'pending write',
    describe: () => `write of ${p.size} bytes (sequence ${p.expectedSeq}) on ${p.writer.name}`,
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
    stop: async () => {
      // the writer's close() (disposal) ends the in-flight write with ClosedError
      p.observed = true;
    },
  };
}

export function isZeroBufferError(e: unknown): e is ZeroBufferError {
  return e instanceof ZeroBufferError;
}
