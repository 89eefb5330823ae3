// Write operations every feature's steps reuse: a strict write, a write whose library error is
// returned, a write of F(size, seq) checked against the RING MODEL and the frame header, filling
// a ring until a write fails, and pending-capable writes (steps.md §4.3).
import { BufferFullError } from '../../../src/index';
import { StepFailure, expectEqual, expectErrorClassCode, expectTrue } from '../../assert';
import { readFrameHeader, type Snap } from '../../diagnostics/snap';
import { framePattern } from '../../model/patterns';
import { capacity, fits, placement, ringStateOf, frameOffset } from '../../model/ring-model';
import { SEQ_FRAME_SIZE } from '../../model/config';
import { T_PROBE, T_WRITE, now } from '../../model/timing';
import type { ServoContext } from '../context';
import type { WriterEntry } from '../state/objects';
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
    w.nextSeq = seq + 1n;
    return { ok: true, error: null, elapsedMs, before, after: ctx.snapWriter(w), seqBefore, waited };
  } catch (e) {
    if (e instanceof StepFailure) throw e;
    return { ok: false, error: e, elapsedMs: now() - t0, before, after: ctx.snapWriter(w), seqBefore, waited };
  }
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
export function checkWrittenFrame(w: WriterEntry, r: WriteResult, size: number): void {
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
