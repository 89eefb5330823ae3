// Feature 04 — boundary frame sizes: the minimum ring (scenario 4.4, X18–X21) and the minimum
// frame (scenario 4.7, X34–X36).
import { FrameTooLargeError, InvalidFrameSizeError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectTrue, fail } from '../../harness/assert';
import { simplePattern } from '../../harness/model/patterns';
import { FRAME_HEADER, placeable } from '../../harness/model/ring-model';
import { T_WRITE } from '../../harness/model/timing';
import { REJECTED_BEFORE_WAITING_MS, checkRejectedWrite, lastRecordedWrite, recordedWrite } from '../../harness/servo/actions/write';
import type { ServoContext } from '../../harness/servo/context';

/** X20/X34: SNAP; attempt S(size) with T_write; lastWrite records the outcome and elapsed time. */
async function attemptSizedWrite(ctx: ServoContext, size: number): Promise<{ ok: boolean }> {
  const r = await recordedWrite(ctx, ctx.objects.requireWriter(), simplePattern(size), T_WRITE);
  return { ok: r.ok };
}

defineStep({
  id: 'X18',
  keyword: 'When',
  pattern: "the '{role}' process writes single byte frame",
  runsIn: 'process',
  summary: 'SNAP; write S(1) (T_write); must succeed (recorded as the last write).',
  servo: async (ctx) => {
    const r = await recordedWrite(ctx, ctx.objects.requireWriter(), simplePattern(1), T_WRITE);
    if (!r.ok) fail(`write of S(1): expected success, observed ${describeError(r.error)}`);
  },
});

defineStep({
  id: 'X19',
  keyword: 'Then',
  pattern: "the '{role}' process should verify write succeeded",
  runsIn: 'process',
  summary: 'The last write succeeded; versus its SNAP, payload_free_bytes fell by exactly 16 + the written size and payload_written_count rose by 1.',
  servo: (ctx) => {
    const { size, result: r } = lastRecordedWrite(ctx);
    if (!r.ok) fail(`the last write (${size} bytes): expected success, observed ${describeError(r.error)}`);
    expectEqual(`payload_free_bytes decrease by the ${size}-byte write (16 + size)`, BigInt(FRAME_HEADER + size), r.before.oieb.payloadFreeBytes - r.after.oieb.payloadFreeBytes);
    expectEqual(`payload_written_count increase by the ${size}-byte write`, 1n, r.after.oieb.payloadWrittenCount - r.before.oieb.payloadWrittenCount);
  },
});

defineStep({
  id: 'X20',
  keyword: 'When',
  pattern: "the '{role}' process attempts to write '{uint}' byte frame",
  runsIn: 'process',
  summary: 'SNAP; attempt S(size) with T_write; record lastWrite with elapsed time.',
  servo: (ctx, _role: string, size: number) => attemptSizedWrite(ctx, size),
});

defineStep({
  id: 'X21',
  keyword: 'Then',
  pattern: "the '{role}' process should receive FrameTooLargeException",
  runsIn: 'process',
  summary: `lastWrite failed with FrameTooLargeError ZB_FRAME_TOO_LARGE; the size is not placeable (RING MODEL); elapsed < ${REJECTED_BEFORE_WAITING_MS} ms; UNCHANGED.`,
  servo: (ctx) => {
    const { size, payloadSize } = checkRejectedWrite(ctx, FrameTooLargeError, 'ZB_FRAME_TOO_LARGE');
    expectTrue(`RING MODEL: ${size} bytes is not placeable in a ${payloadSize}-byte ring (placeable: 1 … P − 32 or P − 16)`, !placeable(payloadSize, size));
  },
});

defineStep({
  id: 'X34',
  keyword: 'When',
  pattern: "the '{role}' process attempts to write frame with size '{uint}'",
  runsIn: 'process',
  summary: 'SNAP; attempt S(size) with T_write; record lastWrite with elapsed time.',
  servo: (ctx, _role: string, size: number) => attemptSizedWrite(ctx, size),
});

defineStep({
  id: 'X35',
  keyword: 'Then',
  pattern: "the '{role}' process should fail with zero size error",
  runsIn: 'process',
  summary: `lastWrite (size 0) failed with InvalidFrameSizeError ZB_INVALID_FRAME_SIZE within ${REJECTED_BEFORE_WAITING_MS} ms; UNCHANGED.`,
  servo: (ctx) => {
    const { size } = checkRejectedWrite(ctx, InvalidFrameSizeError, 'ZB_INVALID_FRAME_SIZE');
    expectEqual('size of the attempted write recorded in lastWrite', 0, size);
  },
});

defineStep({
  id: 'X36',
  keyword: 'Then',
  pattern: "frame overhead should be '{uint}' bytes",
  runsIn: 'process',
  summary:
    'Inherited reader, exactly one frame in flight (written = read count, one held frame): payload_size − payload_free_bytes − frame.size = bytes, and that read advanced payload_read_pos by frame.size + bytes.',
  servo: (ctx, bytes: number) => {
    const held = ctx.frames.held;
    expectEqual('frames held by this process (exactly one in flight)', 1, held.length);
    const h = held[0]!;
    const o = ctx.snapReader(h.reader).oieb;
    expectEqual('payload_read_count = payload_written_count (no other frame published)', o.payloadWrittenCount, o.payloadReadCount);
    const P = Number(o.payloadSize);
    expectEqual(`overhead: payload_size ${P} − payload_free_bytes ${o.payloadFreeBytes} − frame size ${h.size}`, bytes, P - Number(o.payloadFreeBytes) - h.size);
    // a read always advances by ≥ 17 bytes, so a zero difference means a whole lap (an exact fit)
    const advanced = (((h.readPosAfter - h.readPosBefore) % P) + P) % P || P;
    expectEqual(`payload_read_pos advance by the read of frame ${h.sequence} (${h.readPosBefore} → ${h.readPosAfter}) = frame size + overhead`, h.size + bytes, advanced);
  },
});
