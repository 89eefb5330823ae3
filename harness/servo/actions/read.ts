// Read operations every feature's steps reuse: a read that must return a frame, the sequenced
// 1024-byte read of B11/L07, and the content checks F(size, seq) and PATTERN-OK (steps.md §3.3).
import { describeError, expectEqual, expectErrorClassCode, fail } from '../../assert';
import { checkFramePattern, describeMismatch, patternOk } from '../../model/patterns';
import { SEQ_FRAME_SIZE } from '../../model/config';
import { T_READ } from '../../model/timing';
import type { ServoContext } from '../context';
import type { HeldFrame } from '../state/held-frames';

/** A read through the current reader; the frame (if any) is held. */
export function read(ctx: ServoContext, timeoutMs: number = T_READ): Promise<HeldFrame | null> {
  return ctx.frames.read(ctx.objects.requireReader(), timeoutMs);
}

/** A read that must return a frame (null or an error fails the step). */
export async function mustRead(ctx: ServoContext, timeoutMs = T_READ): Promise<HeldFrame> {
  const expected = ctx.objects.requireReader().expectedNext;
  let h: HeldFrame | null;
  try {
    h = await read(ctx, timeoutMs);
  } catch (e) {
    fail(`read (timeout ${timeoutMs} ms, expecting sequence ${expected}): expected a frame, observed ${describeError(e)}`);
  }
  if (h === null) fail(`read (timeout ${timeoutMs} ms, expecting sequence ${expected}): expected a frame, observed null (timeout)`);
  return h;
}

/** A read that must return a frame with this header sequence and size (held). */
export async function mustReadFrame(ctx: ServoContext, seq: bigint, size: number): Promise<HeldFrame> {
  const h = await mustRead(ctx);
  expectEqual('frame sequence', seq, h.sequence);
  expectEqual('frame size', size, h.size);
  return h;
}

/** A read that must return the next expected frame. */
export async function readNext(ctx: ServoContext, timeoutMs = T_READ): Promise<HeldFrame> {
  const expected = ctx.objects.requireReader().expectedNext;
  const h = await mustRead(ctx, timeoutMs);
  expectEqual('frame sequence = next expected', expected, h.sequence);
  return h;
}

/** Every byte equals F(size, frame.sequence). */
export function checkF(what: string, h: HeldFrame): void {
  const mm = checkFramePattern(h.frame.data, h.sequence);
  if (mm !== null) fail(describeMismatch(`${what}: frame ${h.sequence} (${h.size} bytes) vs F(${h.size}, ${h.sequence})`, mm));
}

/** Every byte equals S(size). */
export function checkS(what: string, h: HeldFrame): void {
  const mm = checkFramePattern(h.frame.data, 0);
  if (mm !== null) fail(describeMismatch(`${what}: frame ${h.sequence} (${h.size} bytes) vs S(${h.size})`, mm));
}

/** PATTERN-OK: F(size, sequence) or S(size) in full. */
export function checkPatternOk(what: string, h: HeldFrame): void {
  const r = patternOk(h.frame.data, h.sequence);
  if (!r.ok) {
    fail(`${what}: PATTERN-OK — data equals neither F(${h.size}, ${h.sequence}) (${describeMismatch('F', r.f)}) nor S(${h.size}) (${describeMismatch('S', r.s)})`);
  }
}

/** B11/L07: a 1024-byte F frame with the quoted sequence, held. */
export async function readSequenced(ctx: ServoContext, seq: bigint): Promise<HeldFrame> {
  const h = await mustRead(ctx);
  expectEqual('frame sequence', seq, h.sequence);
  expectEqual('frame size', SEQ_FRAME_SIZE, h.size);
  checkF('frame data', h);
  return h;
}

/** Release a held frame and check its views are detached; returns the model's returned bytes. */
export function releaseChecked(ctx: ServoContext, h: HeldFrame): number {
  const returned = ctx.frames.release(h);
  expectEqual(`released frame ${h.sequence}: data view length`, 0, h.frame.data.length);
  expectEqual(`released frame ${h.sequence}: released flag`, true, h.frame.released);
  return returned;
}

/** No read of this process raised a SequenceError during the scenario. */
export function expectNoSequenceErrors(ctx: ServoContext): void {
  expectEqual(
    'SequenceErrors raised by reads of this process',
    '[]',
    JSON.stringify(ctx.frames.sequenceErrors.map((e) => `expected ${e.expected}, got ${e.got}`)),
  );
}

/** A read (through the current reader) that must fail with `cls` and `code`; returns the error. */
export async function expectReadError<E extends Error>(
  ctx: ServoContext,
  timeoutMs: number,
  what: string,
  cls: abstract new (...args: never[]) => E,
  code: string,
): Promise<E> {
  let observed: unknown;
  try {
    const h = await read(ctx, timeoutMs);
    observed = h === null ? 'null (timeout)' : `frame ${h.sequence}`;
  } catch (err) {
    observed = err;
  }
  if (!(observed instanceof Error)) fail(`${what} (timeout ${timeoutMs} ms): expected ${cls.name} with code ${code}, observed ${String(observed)}`);
  expectErrorClassCode(`${what} (timeout ${timeoutMs} ms)`, observed, cls, code);
  return observed as E;
}

/** Reads `count` frames (T_read each): next expected sequences, size `size`, data F; releases each. */
export async function readFramesF(ctx: ServoContext, count: number, size: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    const h = await readNext(ctx);
    expectEqual(`frame ${i} of ${count}: size`, size, h.size);
    checkF(`frame ${i} of ${count}`, h);
    releaseChecked(ctx, h);
  }
}

/** A read with `timeoutMs` must return null (nothing more is pending). */
export async function expectNoFrame(ctx: ServoContext, timeoutMs: number, why: string): Promise<void> {
  const h = await read(ctx, timeoutMs);
  expectEqual(`a ${timeoutMs} ms read returns null (${why})`, null, h === null ? null : `frame ${h.sequence} (${h.size} bytes)`);
}
