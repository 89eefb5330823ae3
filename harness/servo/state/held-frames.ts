// Frames read by single-read steps and kept (held) in a FIFO until a release step (steps.md §4.2),
// with a model of the library's in-order release queue (protocol.md §6.7), the process's sequence
// log and every SequenceError a read raised.
import { SequenceError, type Frame } from '../../../src/index';
import { describeError, fail } from '../../assert';
import type { Logger } from '../../logging';
import { FRAME_HEADER, frameOffset } from '../../model/ring-model';
import type { ReaderEntry } from './objects';

export type ReleaseEntry = { kind: 'frame'; bytes: number; released: boolean } | { kind: 'tail'; bytes: number; released: true };

export interface HeldFrame {
  frame: Frame;
  sequence: bigint;
  size: number;
  reader: ReaderEntry;
  entry: ReleaseEntry & { kind: 'frame' };
  /** Ring offset of the frame header, derived from the OIEB (steps.md §4.5). */
  offset: number;
  /** Bytes of a wrap tail (marker) consumed right before this frame, 0 if none. */
  wrapTail: number;
  /** OIEB payload_read_pos right before and right after the read. */
  readPosBefore: number;
  readPosAfter: number;
}

export class HeldFrames {
  held: HeldFrame[] = [];
  sequenceLog: bigint[] = [];
  sequenceErrors: SequenceError[] = [];

  constructor(
    private readonly role: string,
    private readonly logger: Logger,
  ) {}

  /**
   * One read through `e`: the frame is held, its sequence logged, a SequenceError recorded; the
   * release-queue model is updated from the OIEB read position before/after (wrap tails).
   */
  async read(e: ReaderEntry, timeoutMs: number): Promise<HeldFrame | null> {
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
    const offset = frameOffset(P, rpAfter, frame.size);
    let wrapTail = 0;
    if (offset === 0 && rpBefore !== 0) {
      wrapTail = P - rpBefore;
      if (e.queue.length > 0) e.queue.push({ kind: 'tail', bytes: wrapTail, released: true });
    }
    const entry: ReleaseEntry & { kind: 'frame' } = { kind: 'frame', bytes: FRAME_HEADER + frame.size, released: false };
    e.queue.push(entry);
    e.expectedNext = frame.sequence + 1n;
    this.sequenceLog.push(frame.sequence);
    const h: HeldFrame = { frame, sequence: frame.sequence, size: frame.size, reader: e, entry, offset, wrapTail, readPosBefore: rpBefore, readPosAfter: rpAfter };
    this.held.push(h);
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ seq: frame.sequence, size: frame.size, offset, wrapTail }, 'frame read');
    return h;
  }

  /** Releases a held frame; returns the bytes the library should have returned to free (model). */
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

  oldest(): HeldFrame {
    const h = this.held[0];
    if (h === undefined) fail(`process '${this.role}' holds no frame (nothing to release)`);
    return h;
  }

  newest(): HeldFrame {
    const h = this.held[this.held.length - 1];
    if (h === undefined) fail(`process '${this.role}' holds no frame (no frame has been read and kept)`);
    return h;
  }

  /** Teardown: release every held frame (the reader may already be closed). */
  releaseAll(): string[] {
    const errors: string[] = [];
    for (const h of this.held) {
      try {
        h.frame.release();
      } catch (e) {
        errors.push(`releasing held frame ${h.sequence}: ${describeError(e)}`);
      }
    }
    this.held = [];
    return errors;
  }

  /** B01: forget the scenario's reads. */
  clear(): void {
    this.held = [];
    this.sequenceLog = [];
    this.sequenceErrors = [];
  }
}
