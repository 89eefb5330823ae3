// Feature 05 — a wrap that wastes the ring's tail (scenario 5.5): the writer leaves a known tail
// (C12), a frame that does not fit there wraps with a marker that charges exactly the tail
// (C13–C16), and the reader follows the marker to the ring start (C17–C20).
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectTrue, fail } from '../../harness/assert';
import { readFrameHeader } from '../../harness/diagnostics/snap';
import { framePattern, simplePattern } from '../../harness/model/patterns';
import { FRAME_HEADER, placement } from '../../harness/model/ring-model';
import { T_WRITE } from '../../harness/model/timing';
import { awaitSettled, checkWrappedToStart, recordedWrite, settledSnap, startRecordedPendingWrite } from '../../harness/servo/actions/write';
import { checkF, checkS, readNext } from '../../harness/servo/actions/read';
import type { Snap } from '../../harness/diagnostics/snap';
import type { ServoContext } from '../../harness/servo/context';
import type { ReaderEntry, WriterEntry } from '../../harness/servo/state/objects';
import type { HeldFrame } from '../../harness/servo/state/held-frames';
import type { PendingWrite } from '../../harness/servo/state/pending-writes';

/** Pattern names of the feature text: `sequential` = F(size, sequence), `incremental` = S(size). */
type PatternName = 'sequential' | 'incremental';

function patternName(name: string): PatternName {
  if (name !== 'sequential' && name !== 'incremental') fail(`unknown pattern ${JSON.stringify(name)} (accepted: sequential, incremental)`);
  return name;
}

function patternData(name: PatternName, size: number, sequence: bigint): Buffer {
  return name === 'sequential' ? framePattern(size, sequence) : simplePattern(size);
}

/** Per writer connection: the tail C12 left, and the C13 write that has to wrap. */
const tails = new WeakMap<WriterEntry, number>();
const wrapWrites = new WeakMap<WriterEntry, PendingWrite>();
/** Per reader: the C17 read with the SNAPs right before and after it. */
const nextReads = new WeakMap<ReaderEntry, { frame: HeldFrame; before: Snap; after: Snap }>();

/** The C13 write of the current writer; with `succeeded`, it must have settled successfully. */
function wrapWrite(ctx: ServoContext, what: string, succeeded: boolean): { w: WriterEntry; p: PendingWrite } {
  const w = ctx.objects.requireWriter();
  const p = wrapWrites.get(w);
  if (p === undefined) fail(`${what}: writer ${w.name} has not attempted the write that wraps`);
  if (succeeded && p.outcome?.ok !== true) {
    fail(`${what}: the ${p.size}-byte write (sequence ${p.expectedSeq}) has not succeeded: ${p.outcome === null ? 'still pending' : describeError(p.outcome.error)}`);
  }
  return { w, p };
}

function nextRead(ctx: ServoContext, what: string): { frame: HeldFrame; before: Snap; after: Snap } {
  const e = ctx.objects.requireReader();
  const r = nextReads.get(e);
  if (r === undefined) fail(`${what}: reader ${e.name} has not read a next frame`);
  return r;
}

defineStep({
  id: 'C12',
  keyword: 'When',
  pattern: "writes frame that leaves '{uint}' bytes at end with '{text}' pattern",
  runsIn: 'process',
  summary:
    'Inherited writer: size = payload_size − payload_write_pos − 16 − tail (tail ≥ 16, size ≥ 1); data S(size) (incremental) or F(size, assigned sequence) (sequential). The write (T_write) must succeed without having WAITED and leave payload_size − payload_write_pos = tail; the tail is remembered (recorded as the last write).',
  servo: async (ctx, tail: number, pattern: string) => {
    const name = patternName(pattern);
    expectTrue(`the tail to leave at the ring end (${tail} bytes) holds a wrap marker (≥ ${FRAME_HEADER})`, tail >= FRAME_HEADER);
    const w = ctx.objects.requireWriter();
    const o = (await settledSnap(ctx, w)).oieb;
    const P = Number(o.payloadSize);
    const size = P - Number(o.payloadWritePos) - FRAME_HEADER - tail;
    expectTrue(`frame size payload_size ${P} − payload_write_pos ${o.payloadWritePos} − 16 − tail ${tail} ≥ 1`, size >= 1, size);
    const r = await recordedWrite(ctx, w, patternData(name, size, w.nextSeq), T_WRITE);
    if (!r.ok) fail(`the ${size}-byte ${name} write: expected success, observed ${describeError(r.error)}`);
    expectTrue(`the ${size}-byte write did not wait (RING MODEL on its SNAP: it fits)`, !r.waited);
    expectEqual(`payload_size − payload_write_pos after the ${size}-byte write (the tail left)`, BigInt(tail), r.after.oieb.payloadSize - r.after.oieb.payloadWritePos);
    tails.set(w, tail);
    return { size };
  },
});

defineStep({
  id: 'C13',
  keyword: 'When',
  pattern: "attempts to write '{uint}' byte frame with '{text}' pattern",
  runsIn: 'process',
  summary: 'Inherited writer: SNAP (W = payload_write_pos, F0 = payload_free_bytes); pending-capable write of the pattern data with T_write; lastWrite records the outcome when it settles.',
  servo: async (ctx, size: number, pattern: string) => {
    const name = patternName(pattern);
    const w = ctx.objects.requireWriter();
    await ctx.writes.settle(w);
    const p = await startRecordedPendingWrite(ctx, w, patternData(name, size, w.nextSeq), T_WRITE);
    wrapWrites.set(w, p);
    return { W: Number(p.snapBefore.oieb.payloadWritePos), F0: Number(p.snapBefore.oieb.payloadFreeBytes), settled: p.settled };
  },
});

defineStep({
  id: 'C14',
  keyword: 'Then',
  pattern: "the '{role}' process should write wrap marker at current position",
  runsIn: 'process',
  boundMs: T_WRITE + 5_000,
  summary:
    'The C13 write settles (≤ T_write + 1 s) and must have succeeded; the header at W (inspection) is a wrap marker (size 0, sequence 0); payload_written_count rose by 2 (marker + frame) versus the C13 SNAP.',
  servo: async (ctx) => {
    const what = 'should write wrap marker at current position';
    const { w, p } = wrapWrite(ctx, what, false);
    await awaitSettled(p, what);
    p.observed = true;
    const s0 = p.snapBefore.oieb;
    const W = Number(s0.payloadWritePos);
    if (p.outcome?.ok !== true) {
      const need = placement(Number(s0.payloadSize), W, p.size).need;
      fail(
        `${what}: the ${p.size}-byte write (sequence ${p.expectedSeq}, timeout ${p.timeoutMs} ms) must have succeeded; observed ${describeError(p.outcome?.error)} ` +
          `— at its SNAP the write position was ${W} with ${s0.payloadFreeBytes} free bytes and the wrapped frame needs ${need} (RING MODEL), so it could only wait for the reader to release space`,
      );
    }
    const marker = readFrameHeader(w.name, Number(s0.metadataSize), W);
    expectEqual(`${what}: header at W = ${W} (inspection): size`, 0n, marker.size);
    expectEqual(`${what}: header at W = ${W} (inspection): sequence`, 0n, marker.sequence);
    const now = ctx.snapWriter(w).oieb;
    expectEqual(`${what}: payload_written_count increase since the attempt's SNAP (marker + frame)`, 2n, now.payloadWrittenCount - s0.payloadWrittenCount);
  },
});

defineStep({
  id: 'C15',
  keyword: 'Then',
  pattern: 'should see payload_free_bytes reduced by wasted space',
  runsIn: 'process',
  summary:
    'Inherited writer, payload_read_count unchanged since the C13 SNAP (else inconclusive → fail): payload_free_bytes = F0 − tail − (16 + size), i.e. the wrap charged exactly the wasted tail.',
  servo: (ctx) => {
    const what = 'payload_free_bytes reduced by wasted space';
    const { w, p } = wrapWrite(ctx, what, true);
    const tail = tails.get(w);
    if (tail === undefined) fail(`${what}: writer ${w.name} recorded no tail (no frame that leaves a tail was written)`);
    const s0 = p.snapBefore.oieb;
    const now = ctx.snapWriter(w).oieb;
    if (now.payloadReadCount !== s0.payloadReadCount) {
      fail(`${what}: inconclusive — payload_read_count changed from ${s0.payloadReadCount} to ${now.payloadReadCount} since the attempt's SNAP (the reader returned space meanwhile)`);
    }
    const F0 = s0.payloadFreeBytes;
    expectEqual(`${what}: payload_free_bytes = F0 ${F0} − tail ${tail} − (16 + ${p.size})`, F0 - BigInt(tail + FRAME_HEADER + p.size), now.payloadFreeBytes);
  },
});

defineStep({
  id: 'C16',
  keyword: 'Then',
  pattern: 'frame should be written at buffer start',
  runsIn: 'process',
  summary: 'Inherited writer: the C13 frame is at offset 0, i.e. payload_write_pos = 16 + size after it (its header at offset 0 carries its size and sequence).',
  servo: (ctx) => {
    const what = 'frame should be written at buffer start';
    const { w, p } = wrapWrite(ctx, what, true);
    checkWrappedToStart(ctx, w, p, what);
    expectEqual(`${what}: payload_write_pos = 16 + ${p.size}`, BigInt(FRAME_HEADER + p.size), ctx.snapWriter(w).oieb.payloadWritePos);
  },
});

defineStep({
  id: 'C17',
  keyword: 'When',
  pattern: "the '{role}' process reads next frame",
  runsIn: 'process',
  summary: 'SNAP (R0 = payload_read_pos, N0 = payload_read_count); read (T_read); must return a frame with the next expected sequence; held.',
  servo: async (ctx) => {
    const e = ctx.objects.requireReader();
    const before = ctx.snapReader(e);
    const frame = await readNext(ctx);
    nextReads.set(e, { frame, before, after: ctx.snapReader(e) });
    return { sequence: String(frame.sequence), size: frame.size, offset: frame.offset };
  },
});

defineStep({
  id: 'C18',
  keyword: 'Then',
  pattern: "the '{role}' process should detect wrap marker",
  runsIn: 'process',
  summary: 'For the C17 read: R0 > 0, the frame offset is 0 and payload_read_count rose by 2 (marker + frame) — the reader consumed a marker at R0.',
  servo: (ctx) => {
    const { frame, before, after } = nextRead(ctx, 'should detect wrap marker');
    const R0 = before.oieb.payloadReadPos;
    expectTrue(`read position R0 before the read of frame ${frame.sequence} > 0`, R0 > 0n, R0);
    expectEqual(`ring offset of frame ${frame.sequence} derived from the OIEB (read position ${after.oieb.payloadReadPos} after the read)`, 0, frame.offset);
    expectEqual(`payload_read_count increase by the read of frame ${frame.sequence} (marker at ${R0} + frame)`, 2n, after.oieb.payloadReadCount - before.oieb.payloadReadCount);
  },
});

defineStep({
  id: 'C19',
  keyword: 'Then',
  pattern: 'should jump to buffer start',
  runsIn: 'process',
  summary: 'Inherited reader: after C17, payload_read_pos = 16 + frame.size (the frame was read at offset 0).',
  servo: (ctx) => {
    const { frame, after } = nextRead(ctx, 'should jump to buffer start');
    expectEqual(`payload_read_pos after the read of frame ${frame.sequence} = 16 + ${frame.size}`, BigInt(FRAME_HEADER + frame.size), after.oieb.payloadReadPos);
  },
});

defineStep({
  id: 'C20',
  keyword: 'Then',
  pattern: "should read '{uint}' byte frame successfully with '{text}' pattern",
  runsIn: 'process',
  summary: 'Inherited reader: the C17 frame (still held) has size = size and its data matches the named pattern (sequential → F(size, frame.sequence), incremental → S(size)).',
  servo: (ctx, size: number, pattern: string) => {
    const name = patternName(pattern);
    const { frame } = nextRead(ctx, `should read ${size} byte frame`);
    if (frame.frame.released) fail(`frame ${frame.sequence} read by the last C17 step has been released: its data can no longer be checked`);
    expectEqual(`size of frame ${frame.sequence}`, size, frame.size);
    if (name === 'sequential') checkF(`${name} pattern`, frame);
    else checkS(`${name} pattern`, frame);
  },
});
