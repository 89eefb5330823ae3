// Feature 04 — frames that need a wrap: alternating sizes (X01–X05, scenario 4.1) and a write
// that waits for space and then lands at the ring start (X37, X38, scenario 4.8).
import { BufferFullError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { describeError, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { simplePattern } from '../../harness/model/patterns';
import { fits, placeable, placement, ringStateOf, unplaceable } from '../../harness/model/ring-model';
import { T_ATTEMPT, T_IMMEDIATE, T_WRITE } from '../../harness/model/timing';
import {
  awaitSettled,
  checkWaitingForSpace,
  checkWrappedToStart,
  checkWriterUnchanged,
  startRecordedPendingWrite,
  tryWrite,
  write,
} from '../../harness/servo/actions/write';
import type { ServoContext } from '../../harness/servo/context';
import type { WriterEntry } from '../../harness/servo/state/objects';
import type { PendingWrite } from '../../harness/servo/state/pending-writes';

/** Per writer connection: X01's "large frame size" and X03's attempt to write it again. */
const largeFrames = new WeakMap<WriterEntry, { size: number; again: PendingWrite | null }>();

function requireAgain(ctx: ServoContext, what: string): { w: WriterEntry; p: PendingWrite } {
  const w = ctx.objects.requireWriter();
  const p = largeFrames.get(w)?.again ?? null;
  if (p === null) fail(`${what}: writer ${w.name} made no attempt to write the large frame again`);
  return { w, p };
}

defineStep({
  id: 'X01',
  keyword: 'When',
  pattern: "the '{role}' process writes large frame using '{pct}' of buffer",
  runsIn: 'process',
  summary: 'size = floor(payload_size × pct / 100) − 16 (≥ 1); write S(size) (T_write), must succeed; remembered as the large frame size.',
  servo: async (ctx, _role: string, pct: number) => {
    const w = ctx.objects.requireWriter();
    const P = Number(ctx.snapWriter(w).oieb.payloadSize);
    const size = Math.floor((P * pct) / 100) - 16;
    expectTrue(`large frame size floor(${P} × ${pct} / 100) − 16 ≥ 1`, size >= 1, size);
    await write(ctx, w, simplePattern(size), T_WRITE);
    largeFrames.set(w, { size, again: null });
    return { size };
  },
});

defineStep({
  id: 'X02',
  keyword: 'When',
  pattern: "the '{role}' process writes small frame of '{uint}' byte",
  runsIn: 'process',
  summary: 'Write S(n) (T_write); must succeed.',
  servo: async (ctx, _role: string, n: number) => {
    await write(ctx, ctx.objects.requireWriter(), simplePattern(n), T_WRITE);
  },
});

defineStep({
  id: 'X03',
  keyword: 'When',
  pattern: "the '{role}' process attempts to write large frame again",
  runsIn: 'process',
  boundMs: 10_000,
  summary: 'SNAP; start a pending write of S(large frame size) with T_attempt; lastWrite is recorded when it settles. Fails if no large frame was written before.',
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const large = largeFrames.get(w);
    if (large === undefined) fail(`writer ${w.name} wrote no large frame before (the large frame size is unknown)`);
    large.again = await startRecordedPendingWrite(ctx, w, simplePattern(large.size), T_ATTEMPT);
    return { size: large.size, settled: large.again.settled };
  },
});

defineStep({
  id: 'X04',
  keyword: 'Then',
  pattern: "the '{role}' process proper wrap-around handling should occur",
  runsIn: 'process',
  summary:
    'The X03 write has not succeeded (pending, or BufferFullError ZB_BUFFER_FULL); the RING MODEL on its SNAP says placeable but does not fit; OIEB UNCHANGED versus that SNAP; a changed payload_read_count makes the step fail as inconclusive.',
  servo: (ctx) => {
    const { w, p } = requireAgain(ctx, 'proper wrap-around handling');
    const now = ctx.snapWriter(w);
    const before = p.snapBefore;
    if (p.settled) {
      p.observed = true;
      expectErrorClassCode(`the large-frame write (${p.size} bytes, timeout ${p.timeoutMs} ms) when it settled`, p.outcome?.ok === true ? undefined : p.outcome?.error, BufferFullError, 'ZB_BUFFER_FULL');
    }
    if (now.oieb.payloadReadCount !== before.oieb.payloadReadCount) {
      fail(`inconclusive: payload_read_count changed from ${before.oieb.payloadReadCount} to ${now.oieb.payloadReadCount} since the large-frame attempt (the reader released space meanwhile)`);
    }
    const st = ringStateOf(before.oieb);
    const plan = placement(st.payloadSize, st.writePos, p.size);
    const at = `RING MODEL on the attempt's SNAP (P ${st.payloadSize}, wp ${st.writePos}, free ${st.freeBytes}, need ${plan.need})`;
    expectTrue(`${at}: a ${p.size}-byte frame is placeable`, placeable(st.payloadSize, p.size) && !unplaceable(st, p.size));
    expectTrue(`${at}: a ${p.size}-byte frame does not fit`, !fits(st, p.size));
    checkWriterUnchanged('the large-frame attempt', w, before, now, p.expectedSeq);
  },
});

defineStep({
  id: 'X05',
  keyword: 'Then',
  pattern: "the '{role}' process no deadlocks should happen",
  runsIn: 'process',
  boundMs: 10_000,
  summary:
    'The X03 write settles within T_attempt + 1 s. Failed: BufferFullError ZB_BUFFER_FULL, OIEB UNCHANGED versus its SNAP, and an S(1) write then succeeds within T_immediate. Succeeded: offset 0 and a wrap marker at the old write position when the old tail was ≥ 16.',
  servo: async (ctx) => {
    const { w, p } = requireAgain(ctx, 'no deadlocks');
    await awaitSettled(p, 'no deadlocks');
    p.observed = true;
    if (p.outcome?.ok === true) {
      checkWrappedToStart(ctx, w, p, 'the large frame written again');
      return { outcome: 'written at offset 0' };
    }
    expectErrorClassCode(`the large-frame write (${p.size} bytes, timeout ${p.timeoutMs} ms)`, p.outcome?.error, BufferFullError, 'ZB_BUFFER_FULL');
    checkWriterUnchanged('the failed large-frame write', w, p.snapBefore, ctx.snapWriter(w), p.expectedSeq);
    const small = await tryWrite(ctx, w, simplePattern(1), T_WRITE);
    if (!small.ok) fail(`a 1-byte write after the failed large-frame write: expected success, observed ${describeError(small.error)}`);
    expectTrue(`the 1-byte write completed within T_immediate = ${T_IMMEDIATE} ms (elapsed ${small.elapsedMs.toFixed(1)} ms)`, small.elapsedMs <= T_IMMEDIATE);
    return { outcome: 'BufferFullError, then a 1-byte write', smallMs: Math.round(small.elapsedMs) };
  },
});

defineStep({
  id: 'X37',
  keyword: 'Then',
  pattern: "the '{role}' process should wait for space",
  runsIn: 'process',
  boundMs: 5_000,
  summary: 'A pending write exists; once it is T_block old it is still unsettled and the RING MODEL on a fresh SNAP says it does not fit.',
  servo: (ctx) => checkWaitingForSpace(ctx, ctx.objects.requireWriter(), 'should wait for space'),
});

defineStep({
  id: 'X38',
  keyword: 'Then',
  pattern: "the '{role}' process should complete write at buffer start",
  runsIn: 'process',
  boundMs: T_WRITE + 5_000,
  summary:
    'The pending write settles successfully within T_write + 1 s at frame offset 0; if the old tail (payload size − write position before the write) was ≥ 16, the header at the old write position is a wrap marker (size 0, sequence 0).',
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const p = ctx.writes.requirePending(w, 'should complete write at buffer start');
    await awaitSettled(p, 'should complete write at buffer start');
    p.observed = true;
    checkWrappedToStart(ctx, w, p, 'the pending write');
  },
});
