// Frames: writing, reading, releasing, zero-copy, flow control, loops — B06–B28, L02, L03, L06,
// L07, L08, L10.
import { BufferFullError, ReaderDeadError, WriterDeadError } from '../src/index';
import { defineStep } from '../harness/registry';
import { StepFailure, describeError, expectEqual, expectErrorClassCode, expectTrue, fail } from '../harness/assert';
import { checkUnchanged, readFrameHeader, type Snap } from '../harness/diagnostics/snap';
import {
  checkFramePattern,
  describeMismatch,
  fillFramePattern,
  framePattern,
  patternOk,
  simplePattern,
  textPattern,
} from '../harness/model/patterns';
import { capacity, fits, placement, ringStateOf } from '../harness/model/ring-model';
import { T_IMMEDIATE, T_PROBE, T_READ, T_WRITE, LOOP_CAP, now } from '../harness/model/timing';
import type { HeldFrame, ServoContext, WriterEntry } from '../harness/servo/context';
import { BulkWriter, requireLoop, runReaderLoop } from '../harness/servo/loops';

const SEQ_FRAME_SIZE = 1024;

// ------------------------------------------------------------------ helpers

/** A write whose library error is returned instead of thrown (harness failures still throw). */
async function tryWrite(
  ctx: ServoContext,
  w: WriterEntry,
  data: Uint8Array,
  timeoutMs: number,
): Promise<{ ok: boolean; error: unknown; elapsedMs: number; before: Snap; after: Snap; seqBefore: bigint }> {
  await ctx.settlePending(w);
  ctx.checkCounter(w);
  const before = ctx.snapWriter(w);
  const seqBefore = w.nextSeq;
  const t0 = now();
  try {
    const seq = await w.writer.write(data, timeoutMs);
    const elapsedMs = now() - t0;
    expectEqual(`sequence assigned by the library to frame ${seqBefore} of writer ${w.name}`, seqBefore, seq);
    w.nextSeq = seq + 1n;
    return { ok: true, error: null, elapsedMs, before, after: ctx.snapWriter(w), seqBefore };
  } catch (e) {
    if (e instanceof StepFailure) throw e;
    return { ok: false, error: e, elapsedMs: now() - t0, before, after: ctx.snapWriter(w), seqBefore };
  }
}

/** Read that must return a frame (null or an error fails the step). */
async function mustRead(ctx: ServoContext, timeoutMs = T_READ): Promise<HeldFrame> {
  const expected = ctx.requireReader().expectedNext;
  let h: HeldFrame | null;
  try {
    h = await ctx.read(timeoutMs);
  } catch (e) {
    fail(`read (timeout ${timeoutMs} ms, expecting sequence ${expected}): expected a frame, observed ${describeError(e)}`);
  }
  if (h === null) fail(`read (timeout ${timeoutMs} ms, expecting sequence ${expected}): expected a frame, observed null (timeout)`);
  return h;
}

function checkF(what: string, h: HeldFrame): void {
  const mm = checkFramePattern(h.frame.data, h.sequence);
  if (mm !== null) fail(describeMismatch(`${what}: frame ${h.sequence} (${h.size} bytes) vs F(${h.size}, ${h.sequence})`, mm));
}

function checkPatternOk(what: string, h: HeldFrame): void {
  const r = patternOk(h.frame.data, h.sequence);
  if (!r.ok) {
    fail(`${what}: PATTERN-OK — data equals neither F(${h.size}, ${h.sequence}) (${describeMismatch('F', r.f)}) nor S(${h.size}) (${describeMismatch('S', r.s)})`);
  }
}

/** Write F(size, seq) where the quoted seq must be the writer's next sequence; check the header and counts. */
async function writeSequenced(ctx: ServoContext, size: number, seq: bigint): Promise<void> {
  const w = ctx.requireWriter();
  await ctx.settlePending(w);
  expectEqual(`writer ${w.name}: next sequence (the quoted sequence says which frame of this connection it is)`, seq, w.nextSeq);
  const r = await ctx.write(w, framePattern(size, seq), T_WRITE);
  const P = Number(r.after.oieb.payloadSize);
  const plan = placement(P, Number(r.before.oieb.payloadWritePos), size);
  const offset = (((Number(r.after.oieb.payloadWritePos) - 16 - size) % P) + P) % P;
  expectEqual(`frame ${seq}: ring offset derived from the OIEB = RING MODEL placement`, plan.offset, offset);
  const hdr = readFrameHeader(w.name, Number(r.after.oieb.metadataSize), offset);
  expectEqual(`frame header at ring offset ${offset}: payload_size`, BigInt(size), hdr.size);
  expectEqual(`frame header at ring offset ${offset}: sequence_number`, seq, hdr.sequence);
  const grew = r.after.oieb.payloadWrittenCount - r.before.oieb.payloadWrittenCount;
  expectEqual(`payload_written_count increase (1, or 2 with a wrap marker)`, plan.markerWritten ? 2n : 1n, grew);
}

/** B13/L08: write F(1024, next) with T_probe until a write fails; exactly the RING MODEL capacity must succeed. */
async function fillUntilFull(ctx: ServoContext): Promise<void> {
  const w = ctx.requireWriter();
  await ctx.settlePending(w);
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
}

/** B11/L07: read a 1024-byte F frame with the quoted sequence, held. */
async function readSequenced(ctx: ServoContext, seq: bigint): Promise<void> {
  const h = await mustRead(ctx);
  expectEqual('frame sequence', seq, h.sequence);
  expectEqual('frame size', SEQ_FRAME_SIZE, h.size);
  checkF('frame data', h);
}

// ------------------------------------------------------------------ B06–B12

defineStep({
  id: 'B06',
  keyword: 'When',
  pattern: "the '{role}' process writes frame with size '{uint}' and sequence '{u64}'",
  runsIn: 'process',
  summary:
    "The writer's next sequence must equal seq; write F(size, seq) (T_write); the header at the frame's offset carries size and seq; payload_written_count grows by 1 (2 with a wrap marker).",
  servo: (ctx, _role: string, size: number, seq: bigint) => writeSequenced(ctx, size, seq),
});

defineStep({
  id: 'B07',
  keyword: 'Then',
  pattern: "the '{role}' process should read frame with sequence '{u64}' and size '{uint}'",
  runsIn: 'process',
  summary: 'Read (T_read); a frame must be returned with header sequence = seq and size = size. The frame is held.',
  servo: async (ctx, _role: string, seq: bigint, size: number) => {
    const h = await mustRead(ctx);
    expectEqual('frame sequence', seq, h.sequence);
    expectEqual('frame size', size, h.size);
  },
});

defineStep({
  id: 'B08',
  keyword: 'Then',
  pattern: "the '{role}' process should validate frame data",
  runsIn: 'process',
  summary: 'The most recently read held frame: every byte equals F(size, frame.sequence). Fails if no frame is held.',
  servo: (ctx) => checkF('validate frame data', ctx.newestHeld()),
});

defineStep({
  id: 'B09',
  keyword: 'Then',
  pattern: "the '{role}' process signals space available",
  runsIn: 'process',
  summary:
    "Release the oldest held frame (fails if none); its views have length 0; if payload_written_count did not change across the release, payload_free_bytes rose by exactly 16 + size plus the tails of wrap markers queued behind it.",
  servo: (ctx) => {
    const h = ctx.oldestHeld();
    const before = ctx.snapReader(h.reader);
    const returned = ctx.release(h);
    const after = ctx.snapReader(h.reader);
    expectEqual(`released frame ${h.sequence}: data view length`, 0, h.frame.data.length);
    expectEqual(`released frame ${h.sequence}: released flag`, true, h.frame.released);
    if (before.oieb.payloadWrittenCount === after.oieb.payloadWrittenCount) {
      expectEqual(
        `payload_free_bytes rise on releasing frame ${h.sequence} (16 + ${h.size} plus queued wrap tails)`,
        BigInt(returned),
        after.oieb.payloadFreeBytes - before.oieb.payloadFreeBytes,
      );
    } else {
      ctx.logger.info('payload_written_count changed during the release; free-bytes delta not asserted');
    }
  },
});

defineStep({
  id: 'B10',
  keyword: 'When',
  pattern: "the '{role}' process writes frame with sequence '{u64}'",
  runsIn: 'process',
  summary: "The writer's next sequence must equal seq; write F(1024, seq) (T_write); must succeed.",
  servo: (ctx, _role: string, seq: bigint) => writeSequenced(ctx, SEQ_FRAME_SIZE, seq),
});

defineStep({
  id: 'B11',
  keyword: 'Then',
  pattern: "the '{role}' process should read frame with sequence '{u64}';",
  runsIn: 'process',
  summary: 'Read (T_read): a frame with sequence = seq, size 1024 and data F(1024, seq). Held. (The trailing `;` is literal.)',
  servo: (ctx, _role: string, seq: bigint) => readSequenced(ctx, seq),
});

defineStep({
  id: 'B12',
  keyword: 'Then',
  pattern: "the '{role}' process should verify all frames maintain sequential order",
  runsIn: 'process',
  summary: "The process's sequence log has ≥ 2 entries, each = previous + 1; no SequenceError was recorded.",
  servo: (ctx) => {
    const log = ctx.sequenceLog;
    expectTrue(`sequence log has at least 2 entries`, log.length >= 2, log.map(String));
    for (let i = 1; i < log.length; i++) expectEqual(`sequence log entry ${i} = previous + 1`, log[i - 1]! + 1n, log[i]!);
    expectEqual('SequenceErrors recorded in this process', 0, ctx.sequenceErrors.length);
  },
});

// ------------------------------------------------------------------ B13–B16 (flow control)

defineStep({
  id: 'B13',
  keyword: 'When',
  pattern: "the '{role}' process writes frames until buffer is full",
  runsIn: 'process',
  summary:
    'k = RING MODEL capacity for 1024-byte frames from a SNAP; write F(1024, next) with T_probe until a write fails: exactly k succeed (k ≥ 1), the error is BufferFullError ZB_BUFFER_FULL, and a 1024-byte frame does not fit the final SNAP.',
  servo: (ctx) => fillUntilFull(ctx),
});

defineStep({
  id: 'B14',
  keyword: 'Then',
  pattern: "the '{role}' process should experience timeout on next write",
  runsIn: 'process',
  summary: 'One F(1024, next) write with T_probe must fail with BufferFullError ZB_BUFFER_FULL after having waited (90 ms ≤ elapsed ≤ 1 s); UNCHANGED.',
  servo: async (ctx) => {
    const w = ctx.requireWriter();
    const r = await tryWrite(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq), T_PROBE);
    expectErrorClassCode(`write with a ${T_PROBE} ms timeout into a full buffer`, r.ok ? undefined : r.error, BufferFullError, 'ZB_BUFFER_FULL');
    expectTrue(`the failing write waited ≥ 90 ms (elapsed ${r.elapsedMs.toFixed(1)} ms)`, r.elapsedMs >= 90);
    expectTrue(`the failing write returned within 1 s (elapsed ${r.elapsedMs.toFixed(1)} ms)`, r.elapsedMs <= 1000);
    checkUnchanged('the failed write', r.before, r.after);
    expectEqual("writer's next sequence unchanged by the failed write", r.seqBefore, w.nextSeq);
    expectEqual("library nextSequence unchanged by the failed write", r.seqBefore, w.writer.nextSequence);
  },
});

defineStep({
  id: 'B15',
  keyword: 'When',
  pattern: "the '{role}' process reads one frame",
  runsIn: 'process',
  summary: 'Read (T_read): a frame whose sequence is the next expected one and which is PATTERN-OK. Held.',
  servo: async (ctx) => {
    const expected = ctx.requireReader().expectedNext;
    const h = await mustRead(ctx);
    expectEqual('frame sequence = next expected', expected, h.sequence);
    checkPatternOk('frame data', h);
  },
});

defineStep({
  id: 'B16',
  keyword: 'Then',
  pattern: "the '{role}' process should write successfully immediately",
  runsIn: 'process',
  summary: `Write F(1024, next) (T_write): succeeds within T_immediate (${T_IMMEDIATE} ms) and did not WAIT (the RING MODEL on the SNAP before says it fits).`,
  servo: async (ctx) => {
    const w = ctx.requireWriter();
    const r = await tryWrite(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq), T_WRITE);
    if (!r.ok) fail(`write of F(${SEQ_FRAME_SIZE}, ${r.seqBefore}): expected success, observed ${describeError(r.error)}`);
    const waited = !fits(ringStateOf(r.before.oieb), SEQ_FRAME_SIZE);
    expectEqual(
      `WAITED (RING MODEL on the SNAP before: wp ${r.before.oieb.payloadWritePos}, free ${r.before.oieb.payloadFreeBytes})`,
      false,
      waited,
    );
    expectTrue(`write completed within T_immediate = ${T_IMMEDIATE} ms (elapsed ${r.elapsedMs.toFixed(1)} ms)`, r.elapsedMs <= T_IMMEDIATE);
  },
});

// ------------------------------------------------------------------ B17–B21 (zero-copy)

defineStep({
  id: 'B17',
  keyword: 'When',
  pattern: "the '{role}' process requests zero-copy frame of size '{uint}'",
  runsIn: 'process',
  summary:
    "acquire(size) (T_write): data.length = size, isZeroCopy, sequence = the writer's next sequence; payload_written_count and payload_write_pos unchanged.",
  servo: async (ctx, _role: string, size: number) => {
    const w = ctx.requireWriter();
    await ctx.settlePending(w);
    if (w.acquired !== null) fail(`writer ${w.name} already holds an acquired frame (sequence ${w.acquired.sequence})`);
    const before = ctx.snapWriter(w);
    const f = await w.writer.acquire(size, T_WRITE);
    w.acquired = { frame: f, size, sequence: f.sequence, snapBefore: before };
    const after = ctx.snapWriter(w);
    expectEqual('acquired frame: data.length', size, f.data.length);
    expectEqual('acquired frame: isZeroCopy', true, f.isZeroCopy);
    expectEqual("acquired frame: sequence = writer's next sequence", w.nextSeq, f.sequence);
    expectEqual('payload_written_count unchanged by acquire (nothing published)', before.oieb.payloadWrittenCount, after.oieb.payloadWrittenCount);
    expectEqual('payload_write_pos unchanged by acquire', before.oieb.payloadWritePos, after.oieb.payloadWritePos);
  },
});

defineStep({
  id: 'B18',
  keyword: 'When',
  pattern: "the '{role}' process fills zero-copy buffer with test pattern",
  runsIn: 'process',
  summary: 'Fill the acquired view in place with F(size, acquired sequence); fails if nothing is acquired.',
  servo: (ctx) => {
    const w = ctx.requireWriter();
    const a = w.acquired;
    if (a === null) fail(`writer ${w.name} has no acquired zero-copy frame`);
    expectEqual('acquired view length before filling', a.size, a.frame.data.length);
    fillFramePattern(a.frame.data, a.sequence);
    const mm = checkFramePattern(a.frame.data, a.sequence);
    if (mm !== null) fail(describeMismatch('acquired view after filling', mm));
  },
});

defineStep({
  id: 'B19',
  keyword: 'When',
  pattern: "the '{role}' process commits zero-copy frame",
  runsIn: 'process',
  summary:
    'commit() must succeed; the view has length 0; payload_written_count +1 (+1 for a wrap marker); if payload_read_count did not change, the data semaphore rose by exactly 1 and payload_free_bytes fell by 16 + size (+ wasted tail).',
  servo: (ctx) => {
    const w = ctx.requireWriter();
    const a = w.acquired;
    if (a === null) fail(`writer ${w.name} has no acquired zero-copy frame to commit`);
    const before = ctx.snapWriter(w);
    const seq = a.frame.commit();
    w.acquired = null;
    expectEqual('commit(): returned sequence = acquired sequence', a.sequence, seq);
    w.nextSeq = seq + 1n;
    const after = ctx.snapWriter(w);
    expectEqual('committed view length', 0, a.frame.data.length);
    const plan = placement(Number(before.oieb.payloadSize), Number(before.oieb.payloadWritePos), a.size);
    expectEqual('payload_written_count increase on commit', plan.markerWritten ? 2n : 1n, after.oieb.payloadWrittenCount - before.oieb.payloadWrittenCount);
    if (before.oieb.payloadReadCount === after.oieb.payloadReadCount) {
      expectEqual('data semaphore (sem-w) increase on commit', 1, (after.sem.data ?? NaN) - (before.sem.data ?? NaN));
      expectEqual(`payload_free_bytes decrease on commit (16 + ${a.size}${plan.wrap ? ` + wasted tail ${plan.wastedTail}` : ''})`, BigInt(plan.need), before.oieb.payloadFreeBytes - after.oieb.payloadFreeBytes);
    }
  },
});

defineStep({
  id: 'B20',
  keyword: 'Then',
  pattern: "the '{role}' process should read frame with size '{uint}'",
  runsIn: 'process',
  summary: 'Read (T_read): a frame with size = size, sequence = next expected, PATTERN-OK. Held.',
  servo: async (ctx, _role: string, size: number) => {
    const expected = ctx.requireReader().expectedNext;
    const h = await mustRead(ctx);
    expectEqual('frame size', size, h.size);
    expectEqual('frame sequence = next expected', expected, h.sequence);
    checkPatternOk('frame data', h);
  },
});

defineStep({
  id: 'B21',
  keyword: 'Then',
  pattern: "the '{role}' process should verify frame data matches test pattern",
  runsIn: 'process',
  summary: 'The most recently read held frame: all bytes equal F(size, frame.sequence).',
  servo: (ctx) => checkF('frame data matches test pattern', ctx.newestHeld()),
});

// ------------------------------------------------------------------ B22–B23 (sizes)

defineStep({
  id: 'B22',
  keyword: 'When',
  pattern: "the '{role}' process writes frame with size '{uint}'",
  runsIn: 'process',
  summary:
    'Pending-capable write of S(size) with T_write: an error within T_settle fails the step; still unsettled after T_settle → stays pending (a later step examines it).',
  servo: async (ctx, _role: string, size: number) => {
    const w = ctx.requireWriter();
    const p = await ctx.startPendingWrite(w, simplePattern(size), T_WRITE);
    if (p.settled) {
      p.observed = true;
      if (p.outcome !== null && !p.outcome.ok) fail(`write of S(${size}): expected success or pending, observed ${describeError(p.outcome.error)}`);
      return { settled: true };
    }
    ctx.logger.info({ size, seq: p.expectedSeq }, 'write still pending after T_settle');
    return { settled: false };
  },
});

defineStep({
  id: 'B23',
  keyword: 'Then',
  pattern: "the '{role}' process should read {count} frames with sizes '{sizes}' in order",
  runsIn: 'process',
  summary:
    'count must equal the number of listed sizes. Read count frames (T_read each): frame k has size sizes[k], sequence = previous + 1 and data S(size); each is released after validation.',
  servo: async (ctx, _role: string, count: number, sizes: number[]) => {
    expectEqual('number of listed sizes = quoted frame count', count, sizes.length);
    let prev = ctx.requireReader().expectedNext - 1n;
    for (let k = 0; k < count; k++) {
      const h = await mustRead(ctx);
      expectEqual(`frame ${k + 1} of ${count}: size`, sizes[k], h.size);
      expectEqual(`frame ${k + 1} of ${count}: sequence = previous + 1`, prev + 1n, h.sequence);
      const mm = checkFramePattern(h.frame.data, 0);
      if (mm !== null) fail(describeMismatch(`frame ${k + 1} of ${count} (sequence ${h.sequence}) vs S(${h.size})`, mm));
      prev = h.sequence;
      ctx.release(h);
    }
  },
});

// ------------------------------------------------------------------ B24–B28 (bulk writer, reader loop)

defineStep({
  id: 'B24',
  keyword: 'When',
  pattern: "the '{role}' process writes '{uint}' frames of size '{uint}' as fast as possible",
  runsIn: 'process',
  summary: 'Start a BULK WRITER of count frames F(size, seq) in the background; returns after the first write completed (fails if it failed). The writer is closed after the last frame.',
  servo: async (ctx, _role: string, count: number, size: number) => {
    const w = ctx.requireWriter();
    await ctx.settlePending(w);
    const bulk = new BulkWriter(ctx, w, count, size);
    ctx.background.push(bulk);
    try {
      await bulk.first;
    } catch (e) {
      bulk.observed = true;
      fail(`bulk writer: first write of F(${size}, 1) failed: ${describeError(e)}`);
    }
    return { started: true };
  },
});

defineStep({
  id: 'B25',
  keyword: 'When',
  pattern: "the '{role}' process reads frames with '{uint}' ms delay between each read",
  runsIn: 'process',
  boundMs: LOOP_CAP + 5000,
  summary:
    'Run a READER LOOP in the foreground (content F), sleeping delay ms after releasing each frame, until it ends (cap 120 s). Fails only on cap or a non-ZeroBuffer exception; results are asserted by B26–B28.',
  servo: async (ctx, _role: string, delay: number) => {
    const res = await runReaderLoop(ctx, { delayMs: delay, content: 'F' });
    if (res.reason === 'cap') {
      res.observed = true;
      fail(`reader loop hit its cap of ${LOOP_CAP} ms: ${res.detail}`);
    }
    return { reason: res.reason, frames: res.accepted.length };
  },
});

defineStep({
  id: 'B26',
  keyword: 'Then',
  pattern: "the '{role}' process should have read '{uint}' frames",
  runsIn: 'process',
  summary: 'The last reader loop accepted exactly count frames.',
  servo: (ctx, _role: string, count: number) => {
    const l = requireLoop(ctx);
    expectEqual(`frames accepted by the last reader loop (ended: ${l.reason}${l.detail ? ` — ${l.detail}` : ''})`, count, l.accepted.length);
  },
});

defineStep({
  id: 'B27',
  keyword: 'Then',
  pattern: "the '{role}' process should verify all frames have sequential sequence numbers starting from '{u64}'",
  runsIn: 'process',
  summary: "The last loop's accepted sequences are non-empty, start at first and increase by exactly 1.",
  servo: (ctx, _role: string, first: bigint) => {
    const l = requireLoop(ctx);
    expectTrue('the last reader loop accepted at least one frame', l.accepted.length > 0, l.reason);
    expectEqual('first accepted sequence', first, l.accepted[0]!);
    for (let i = 1; i < l.accepted.length; i++) {
      if (l.accepted[i] !== l.accepted[i - 1]! + 1n) expectEqual(`accepted sequence #${i + 1} = previous + 1`, l.accepted[i - 1]! + 1n, l.accepted[i]!);
    }
  },
});

defineStep({
  id: 'B28',
  keyword: 'Then',
  pattern: 'no sequence errors should have occurred',
  runsIn: 'process',
  summary: 'No SequenceError was raised by any read of this process during the scenario, and the last reader loop did not end with validation-error.',
  servo: (ctx) => {
    expectEqual(
      'SequenceErrors raised by reads of this process',
      '[]',
      JSON.stringify(ctx.sequenceErrors.map((e) => `expected ${e.expected}, got ${e.got}`)),
    );
    if (ctx.lastLoop !== null) {
      ctx.lastLoop.observed = true;
      expectTrue(`the last reader loop did not end with validation-error (${ctx.lastLoop.detail})`, ctx.lastLoop.reason !== 'validation-error', ctx.lastLoop.reason);
    }
  },
});

// ------------------------------------------------------------------ lifecycle frames: L02, L03, L06, L07, L08, L10

defineStep({
  id: 'L02',
  keyword: 'When',
  pattern: "the '{role}' process writes frame with data '{text}'",
  runsIn: 'process',
  summary: 'Write the UTF-8 bytes of text (T_write); must succeed.',
  servo: async (ctx, _role: string, text: string) => {
    await ctx.write(ctx.requireWriter(), textPattern(text), T_WRITE);
  },
});

defineStep({
  id: 'L03',
  keyword: 'Then',
  pattern: "the '{role}' process should read frame with data '{text}'",
  runsIn: 'process',
  summary: 'Read (T_read): sequence = next expected, size = UTF-8 length of text, bytes decode to exactly text. Held.',
  servo: async (ctx, _role: string, text: string) => {
    const expected = ctx.requireReader().expectedNext;
    const h = await mustRead(ctx);
    expectEqual('frame sequence = next expected', expected, h.sequence);
    expectEqual('frame size = UTF-8 byte length of the text', Buffer.byteLength(text, 'utf8'), h.size);
    expectEqual('frame data decoded as UTF-8', text, Buffer.from(h.frame.data).toString('utf8'));
  },
});

defineStep({
  id: 'L06',
  keyword: 'Then',
  pattern: "the '{role}' process should timeout or detect writer death on next read",
  runsIn: 'process',
  summary: 'Read with a 2 s timeout: WriterDeadError ZB_WRITER_DEAD within 2.5 s is required (a frame, null or another error fails).',
  servo: async (ctx) => {
    const t0 = now();
    let err: unknown = null;
    let got: HeldFrame | null = null;
    try {
      got = await ctx.read(2000);
    } catch (e) {
      err = e;
    }
    const ms = now() - t0;
    if (got !== null) fail(`read after the writer died: expected WriterDeadError (ZB_WRITER_DEAD), observed a frame with sequence ${got.sequence}`);
    if (err === null) fail(`read after the writer died: expected WriterDeadError (ZB_WRITER_DEAD), observed null after ${ms.toFixed(0)} ms (timeout)`);
    expectErrorClassCode('read after the writer died', err, WriterDeadError, 'ZB_WRITER_DEAD');
    expectTrue(`writer death reported within 2.5 s (elapsed ${ms.toFixed(0)} ms)`, ms <= 2500);
  },
});

defineStep({
  id: 'L07',
  keyword: 'Then',
  pattern: "the '{role}' process should read frame with sequence '{u64}'",
  runsIn: 'process',
  summary: 'Same as B11: sequence = seq, size 1024, data F(1024, seq), held. After a reader replacement the role refers to the new process.',
  servo: (ctx, _role: string, seq: bigint) => readSequenced(ctx, seq),
});

defineStep({
  id: 'L08',
  keyword: 'When',
  pattern: "the '{role}' process fills buffer completely",
  runsIn: 'process',
  summary:
    'Like B13 from the current state (held frames count as occupied): F(1024, next) with T_probe until BufferFullError ZB_BUFFER_FULL; exactly the RING MODEL capacity k ≥ 1 succeeds; afterwards a 1024-byte frame does not fit.',
  servo: (ctx) => fillUntilFull(ctx),
});

defineStep({
  id: 'L10',
  keyword: 'Then',
  pattern: "the '{role}' process should detect reader death on next write",
  runsIn: 'process',
  summary: 'F(1024, next) with T_write must fail with ReaderDeadError ZB_READER_DEAD within 1 s; UNCHANGED; isReaderConnected() false.',
  servo: async (ctx) => {
    const w = ctx.requireWriter();
    const r = await tryWrite(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq), T_WRITE);
    expectErrorClassCode('write after the reader died', r.ok ? undefined : r.error, ReaderDeadError, 'ZB_READER_DEAD');
    expectTrue(`reader death reported within 1 s (elapsed ${r.elapsedMs.toFixed(0)} ms)`, r.elapsedMs <= 1000);
    checkUnchanged('the failed write', r.before, r.after);
    expectEqual("writer's next sequence unchanged by the failed write", r.seqBefore, w.nextSeq);
    expectEqual('isReaderConnected() after reader death', false, w.writer.isReaderConnected());
  },
});
