// RING MODEL — the reference placement rule (steps.md §4.5), deliberately independent of the
// library. All quantities are plain numbers (ring sizes are ≤ 2^35, far below 2^53).

export const FRAME_HEADER = 16;

export interface RingState {
  /** P — payload size. */
  payloadSize: number;
  /** wp — write position (a value equal to P is treated as 0). */
  writePos: number;
  /** F — free bytes. */
  freeBytes: number;
}

export interface Placement {
  /** true when the frame goes to offset 0 (a marker is written at wp iff markerWritten). */
  wrap: boolean;
  /** bytes that must be free. */
  need: number;
  /** ring offset of the frame header. */
  offset: number;
  /** wp after the write. */
  nextWritePos: number;
  /** a wrap marker is written at wp (ste ≥ 16). */
  markerWritten: boolean;
  /** wasted tail charged to the writer when wrapping. */
  wastedTail: number;
}

export function placement(P: number, wp: number, size: number): Placement {
  const w = wp === P ? 0 : wp;
  const T = FRAME_HEADER + size;
  const ste = P - w;
  if (ste === T || ste >= T + FRAME_HEADER) {
    const next = w + T === P ? 0 : w + T;
    return { wrap: false, need: T, offset: w, nextWritePos: next, markerWritten: false, wastedTail: 0 };
  }
  const next = T === P ? 0 : T;
  return { wrap: true, need: ste + T, offset: 0, nextWritePos: next, markerWritten: ste >= FRAME_HEADER, wastedTail: ste };
}

/** The frame fits iff F ≥ need. */
export function fits(state: RingState, size: number): boolean {
  return state.freeBytes >= placement(state.payloadSize, state.writePos, size).need;
}

/** Unplaceable iff need > P. */
export function unplaceable(state: RingState, size: number): boolean {
  return placement(state.payloadSize, state.writePos, size).need > state.payloadSize;
}

/** A size is placeable iff 1 ≤ size ≤ P − 32 or size = P − 16. */
export function placeable(P: number, size: number): boolean {
  return (size >= 1 && size <= P - 32) || size === P - 16;
}

/** State after writing one frame of `size` (assumes it fits). */
export function afterWrite(state: RingState, size: number): RingState {
  const p = placement(state.payloadSize, state.writePos, size);
  return { payloadSize: state.payloadSize, writePos: p.nextWritePos, freeBytes: state.freeBytes - p.need };
}

/** "Capacity for size s": how many consecutive frames of size s fit from `state` with no releases. */
export function capacity(state: RingState, size: number, limit = 10_000_000): number {
  let s = state;
  let k = 0;
  while (k < limit && placeable(s.payloadSize, size) && fits(s, size)) {
    s = afterWrite(s, size);
    k++;
  }
  return k;
}

/** Convenience: RingState from an OIEB snapshot (bigint fields). */
export function ringStateOf(oieb: { payloadSize: bigint; payloadWritePos: bigint; payloadFreeBytes: bigint }): RingState {
  return {
    payloadSize: Number(oieb.payloadSize),
    writePos: Number(oieb.payloadWritePos),
    freeBytes: Number(oieb.payloadFreeBytes),
  };
}

export function align64(n: number): number {
  return Math.ceil(n / 64) * 64;
}

/**
 * Frame offsets (steps.md §4.5): a frame of `size` bytes that ended at position `posAfter` (the
 * write or read position right after it) started at (posAfter − 16 − size) mod P; a position of 0
 * after an exact fit means the frame ended at P.
 */
export function frameOffset(P: number, posAfter: number, size: number): number {
  return (((posAfter - FRAME_HEADER - size) % P) + P) % P;
}
