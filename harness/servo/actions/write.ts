// Write operations every feature's steps reuse: a strict write, a write whose library error is
// returned (optionally recorded in lastWrite), a write of F(size, seq) checked against the RING
// MODEL and the frame header, filling a ring until a write fails, UNCHANGED for writer-side
// failures, and pending-capable writes (steps.md §4.3) with their "waits for space" and "wrapped
// to offset 0" checks.
import { BufferFullError } from '../../../src/index';
import { StepFailure, describeError, expectEqual, expectErrorClassCode, expectTrue, fail } from '../../assert';
import { checkUnchanged, readFrameHeader, type Snap } from '../../diagnostics/snap';
import { checkFramePattern, describeMismatch, fillFramePattern, framePattern } from '../../model/patterns';
import { FRAME_HEADER, capacity, fits, placement, ringStateOf, frameOffset } from '../../model/ring-model';
import { SEQ_FRAME_SIZE } from '../../model/config';
import { T_BLOCK, T_PROBE, T_WRITE, now, sleep, within } from '../../model/timing';
import type { ServoContext } from '../context';
import { notePublished, type AcquiredFrame, type WriterEntry } from '../state/objects';
import type { PendingWrite } from '../state/pending-writes';

export interface WriteResult {
  sequence: bigint;
  elapsedMs: number;
  before: Snap;
  after: Snap;
  /** RING MODEL on the SNAP before the call said the frame did not fit (steps.md §4.5 WAITED). */
  waited: boolean;
}

export interface TryWriteResult {
  ok: boolean;
  error: unknown;
  elapsedMs: number;
  before: Snap;
  after: Snap;
  seqBefore: bigint;
  waited: boolean;
  startedAt: number;
}

/** The library's next sequence agrees with the harness counter (steps.md §4.1). */
export function checkCounter(w: WriterEntry): void {
  expectEqual(`writer ${w.name}: library nextSequence = harness sequence counter`, w.nextSeq, w.writer.nextSequence);
}

/**
 * A write through `w` whose library error is returned instead of thrown (harness failures still
 * throw). Asserts the library assigned exactly the counter's sequence; advances it on success only.
 */
export async function tryWrite(ctx: ServoContext, w: WriterEntry, data: Uint8Array, timeoutMs: number = T_WRITE): Promise<TryWriteResult> {
  await ctx.writes.settle(w);
  checkCounter(w);
  const before = ctx.snapWriter(w);
  const seqBefore = w.nextSeq;
  const waited = !fits(ringStateOf(before.oieb), data.length);
  const t0 = now();
  try {
    const seq = await w.writer.write(data, timeoutMs);
    const elapsedMs = now() - t0;
    expectEqual(`sequence assigned by the library to frame ${seqBefore} of writer ${w.name}`, seqBefore, seq);
    notePublished(w, seq, data.length);
    return { ok: true, error: null, elapsedMs, before, after: ctx.snapWriter(w), seqBefore, waited, startedAt: t0 };
  } catch (e) {
    if (e instanceof StepFailure) throw e;
    return { ok: false, error: e, elapsedMs: now() - t0, before, after: ctx.snapWriter(w), seqBefore, waited, startedAt: t0 };
  }
}

/** The writer's SNAP once an earlier pending write on it has settled: the state its next write starts from. */
export async function settledSnap(ctx: ServoContext, w: WriterEntry): Promise<Snap> {
  await ctx.writes.settle(w);
  return ctx.snapWriter(w);
}

/** A write that must succeed; the library's error is thrown. */
export async function write(ctx: ServoContext, w: WriterEntry, data: Uint8Array, timeoutMs: number = T_WRITE): Promise<WriteResult> {
  const r = await tryWrite(ctx, w, data, timeoutMs);
  if (!r.ok) throw r.error;
  return { sequence: r.seqBefore, elapsedMs: r.elapsedMs, before: r.before, after: r.after, waited: r.waited };
}

/** Pending-capable write (steps.md §4.3): settles earlier writes, checks the counter, starts, waits ≤ T_settle. */
export async function startPendingWrite(ctx: ServoContext, w: WriterEntry, data: Uint8Array, timeoutMs: number = T_WRITE): Promise<PendingWrite> {
  await ctx.writes.settle(w);
  checkCounter(w);
  return ctx.writes.start(w, data, timeoutMs, ctx.snapWriter(w));
}

/** Checks the header a successful write left at its frame's offset, and the written-count growth. */
export function checkWrittenFrame(w: WriterEntry, r: Pick<WriteResult, 'sequence' | 'before' | 'after'>, size: number): void {
  const P = Number(r.after.oieb.payloadSize);
  const plan = placement(P, Number(r.before.oieb.payloadWritePos), size);
  const offset = frameOffset(P, Number(r.after.oieb.payloadWritePos), size);
  expectEqual(`frame ${r.sequence}: ring offset derived from the OIEB = RING MODEL placement`, plan.offset, offset);
  const hdr = readFrameHeader(w.name, Number(r.after.oieb.metadataSize), offset);
  expectEqual(`frame header at ring offset ${offset}: payload_size`, BigInt(size), hdr.size);
  expectEqual(`frame header at ring offset ${offset}: sequence_number`, r.sequence, hdr.sequence);
  const grew = r.after.oieb.payloadWrittenCount - r.before.oieb.payloadWrittenCount;
  expectEqual('payload_written_count increase (1, or 2 with a wrap marker)', plan.markerWritten ? 2n : 1n, grew);
}

/** Writes F(size, seq) where the quoted seq must be the writer's next sequence; checks header and counts. */
export async function writeSequenced(ctx: ServoContext, size: number, seq: bigint): Promise<WriteResult> {
  const w = ctx.objects.requireWriter();
  await ctx.writes.settle(w);
  expectEqual(`writer ${w.name}: next sequence (the quoted sequence says which frame of this connection it is)`, seq, w.nextSeq);
  const r = await write(ctx, w, framePattern(size, seq), T_WRITE);
  checkWrittenFrame(w, r, size);
  return r;
}

/** B18/D32: fills an acquired zero-copy view in place with F(size, its sequence) and verifies it. */
export function fillAcquired(a: AcquiredFrame, what: string): void {
  expectEqual(`${what} length before filling`, a.size, a.frame.data.length);
  fillFramePattern(a.frame.data, a.sequence);
  const mm = checkFramePattern(a.frame.data, a.sequence);
  if (mm !== null) fail(describeMismatch(`${what} after filling`, mm));
}

/** B13/L08: F(1024, next) with T_probe until a write fails; exactly the RING MODEL capacity must succeed. */
export async function fillUntilFull(ctx: ServoContext): Promise<number> {
  const w = ctx.objects.requireWriter();
  await ctx.writes.settle(w);
  const s0 = ctx.snapWriter(w);
  const k = capacity(ringStateOf(s0.oieb), SEQ_FRAME_SIZE);
  expectTrue(`RING MODEL capacity for ${SEQ_FRAME_SIZE}-byte frames from the current state (wp ${s0.oieb.payloadWritePos}, free ${s0.oieb.payloadFreeBytes}) ≥ 1`, k >= 1, k);
  let n = 0;
  let err: unknown = null;
  for (;;) {
    const r = await tryWrite(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq), T_PROBE);
    if (!r.ok) {
      err = r.error;
      break;
    }
    n++;
    if (n > k) break;
  }
  expectEqual(`successful ${SEQ_FRAME_SIZE}-byte writes until full = RING MODEL capacity`, k, n);
  expectErrorClassCode('the write that ended the filling', err, BufferFullError, 'ZB_BUFFER_FULL');
  const last = ctx.snapWriter(w);
  expectTrue(
    `RING MODEL on the final SNAP (wp ${last.oieb.payloadWritePos}, free ${last.oieb.payloadFreeBytes}): a ${SEQ_FRAME_SIZE}-byte frame does not fit`,
    !fits(ringStateOf(last.oieb), SEQ_FRAME_SIZE),
  );
  ctx.logger.info({ k }, 'buffer filled');
  return k;
}

/** UNCHANGED for a writer-side failure (steps.md §4.5): the OIEB fields and the writer's next sequence. */
export function checkWriterUnchanged(what: string, w: WriterEntry, before: Snap, after: Snap, seqBefore: bigint): void {
  checkUnchanged(what, before, after);
  expectEqual(`UNCHANGED after ${what}: writer's next sequence (harness counter)`, seqBefore, w.nextSeq);
  expectEqual(`UNCHANGED after ${what}: library nextSequence`, seqBefore, w.writer.nextSequence);
}

/** A write with T_probe into a full buffer: fails with BufferFullError ZB_BUFFER_FULL and is UNCHANGED. */
export async function probeFullBuffer(ctx: ServoContext, w: WriterEntry, data: Uint8Array): Promise<TryWriteResult> {
  const r = await tryWrite(ctx, w, data, T_PROBE);
  const what = `a ${data.length}-byte write with a ${T_PROBE} ms timeout into a full buffer`;
  expectErrorClassCode(what, r.ok ? undefined : r.error, BufferFullError, 'ZB_BUFFER_FULL');
  checkWriterUnchanged(what, w, r.before, r.after, r.seqBefore);
  return r;
}

/**
 * A write whose outcome is recorded in the `lastWrite` slot (steps.md §4.1) with its SNAP before,
 * elapsed time and the full result (details.size, details.result); the library's error is not thrown.
 */
export async function recordedWrite(ctx: ServoContext, w: WriterEntry, data: Uint8Array, timeoutMs: number = T_WRITE): Promise<TryWriteResult> {
  const r = await tryWrite(ctx, w, data, timeoutMs);
  ctx.outcomes.record('lastWrite', {
    ok: r.ok,
    value: r.ok ? r.seqBefore : undefined,
    error: r.ok ? undefined : r.error,
    startedAt: r.startedAt,
    elapsedMs: r.elapsedMs,
    snapBefore: r.before,
    details: { size: data.length, result: r },
  });
  return r;
}

/** The write recorded in `lastWrite` by recordedWrite (fails for an empty slot or another kind of record). */
export function lastRecordedWrite(ctx: ServoContext): { size: number; result: TryWriteResult } {
  const o = ctx.outcomes.get('lastWrite');
  const result = o.details.result as TryWriteResult | undefined;
  if (result === undefined) fail(`lastWrite holds no completed write (it records a pending write's outcome)`);
  return { size: Number(o.details.size), result };
}

/** A size error is raised before any wait: within this many ms (steps.md X21, X35, C27). */
export const REJECTED_BEFORE_WAITING_MS = 100;

/** The failed size attempt in lastWrite: rejected with cls/code before any wait, and UNCHANGED. */
export function checkRejectedWrite(ctx: ServoContext, cls: abstract new (...args: never[]) => Error, code: string): { size: number; payloadSize: number } {
  const w = ctx.objects.requireWriter();
  const { size, result: r } = lastRecordedWrite(ctx);
  expectErrorClassCode(`lastWrite (S(${size}))`, r.ok ? undefined : r.error, cls, code);
  expectTrue(`S(${size}) rejected before waiting: elapsed ${r.elapsedMs.toFixed(1)} ms < ${REJECTED_BEFORE_WAITING_MS} ms`, r.elapsedMs < REJECTED_BEFORE_WAITING_MS);
  checkWriterUnchanged(`the rejected ${size}-byte write`, w, r.before, r.after, r.seqBefore);
  return { size, payloadSize: Number(r.before.oieb.payloadSize) };
}

/** Pending-capable attempt (steps.md §4.3): the outcome goes to `lastWrite` when the write settles. */
export async function startRecordedPendingWrite(ctx: ServoContext, w: WriterEntry, data: Uint8Array, timeoutMs: number): Promise<PendingWrite> {
  const p = await startPendingWrite(ctx, w, data, timeoutMs);
  const record = () => {
    if (p.outcome !== null) ctx.outcomes.record('lastWrite', { ...p.outcome, details: { size: p.size, pending: true } });
  };
  if (p.settled) record();
  else void p.promise.then(record);
  return p;
}

/** Waits (≤ the write's timeout + 1 s from its start) for a pending write to settle; fails if it never does. */
export async function awaitSettled(p: PendingWrite, what: string): Promise<void> {
  if (p.settled) return;
  const limit = p.timeoutMs + 1000;
  const settled = await within(p.promise.then(() => true), limit - (now() - p.startedAt), false);
  if (!settled) fail(`${what}: the write of ${p.size} bytes (sequence ${p.expectedSeq}) did not settle within its timeout ${p.timeoutMs} ms + 1 s`);
}

/**
 * X37/X48 "wait/block": once the pending write is at least T_block old it must still be unsettled,
 * and the RING MODEL on a fresh SNAP must say it does not fit.
 */
export async function checkWaitingForSpace(ctx: ServoContext, w: WriterEntry, what: string): Promise<void> {
  const p = ctx.writes.requirePending(w, what);
  const age = now() - p.startedAt;
  // the step's own definition: judge the write only once it is T_block old
  if (age < T_BLOCK) await sleep(T_BLOCK - age);
  const s = ctx.snapWriter(w);
  if (p.settled) {
    p.observed = true;
    const outcome = p.outcome?.ok === true ? `succeeded with sequence ${String(p.outcome.value)}` : describeError(p.outcome?.error);
    fail(`${what}: the write of ${p.size} bytes (sequence ${p.expectedSeq}) should still wait for space ${T_BLOCK} ms after it started; it settled after ${p.outcome?.elapsedMs.toFixed(0)} ms: ${outcome}`);
  }
  const st = ringStateOf(s.oieb);
  const plan = placement(st.payloadSize, st.writePos, p.size);
  expectTrue(
    `${what}: RING MODEL on a fresh SNAP says the pending ${p.size}-byte frame does not fit (wp ${st.writePos}, free ${st.freeBytes}, need ${plan.need})`,
    !fits(st, p.size),
  );
}

/**
 * X05/X38: a pending write that settled successfully went to ring offset 0 (derived from the OIEB),
 * its header there carries its size and sequence, and when the old tail (P − write position before
 * the write) was ≥ 16 the header at the old write position is a wrap marker (size 0, sequence 0).
 */
export function checkWrappedToStart(ctx: ServoContext, w: WriterEntry, p: PendingWrite, what: string): void {
  if (p.outcome === null) fail(`${what}: the write of ${p.size} bytes (sequence ${p.expectedSeq}) has not settled`);
  if (!p.outcome.ok) fail(`${what}: expected the write of ${p.size} bytes (sequence ${p.expectedSeq}) to have succeeded, observed ${describeError(p.outcome.error)}`);
  // the OIEB write position identifies this frame only while it is the writer's latest one
  expectEqual(`${what}: the settled write (sequence ${p.expectedSeq}) is this writer's latest frame — writer's next sequence`, p.expectedSeq + 1n, w.nextSeq);
  const after = ctx.snapWriter(w);
  const P = Number(after.oieb.payloadSize);
  const M = Number(after.oieb.metadataSize);
  const offset = frameOffset(P, Number(after.oieb.payloadWritePos), p.size);
  expectEqual(`${what}: ring offset of frame ${p.expectedSeq} derived from the OIEB (write position ${after.oieb.payloadWritePos})`, 0, offset);
  const hdr = readFrameHeader(w.name, M, 0);
  expectEqual(`${what}: frame header at ring offset 0: payload_size`, BigInt(p.size), hdr.size);
  expectEqual(`${what}: frame header at ring offset 0: sequence_number`, p.expectedSeq, hdr.sequence);
  const oldWp = Number(p.snapBefore.oieb.payloadWritePos);
  const tail = P - oldWp;
  if (tail >= FRAME_HEADER) {
    const marker = readFrameHeader(w.name, M, oldWp);
    expectEqual(`${what}: wrap marker at the old write position ${oldWp} (tail ${tail} bytes): size`, 0n, marker.size);
    expectEqual(`${what}: wrap marker at the old write position ${oldWp} (tail ${tail} bytes): sequence`, 0n, marker.sequence);
  }
}
