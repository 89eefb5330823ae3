// The model of one buffer that a generated program drives: what protocol.md alone says the OIEB,
// the semaphores, the reader's release queue and the frames in flight must be after each
// operation. Independent of the library and of the harness's servo state: placement comes from
// the RING MODEL (../ring-model.ts), everything else from protocol.md §5–§8.
//
// Semaphores: sem-w counts published frames not yet consumed (one post per logical frame, §5.7
// W12; one wait per frame, §6.2 R2 — a marker shares its frame's post). sem-r counts release posts
// (§6.7) the writer has not used up; the writer consumes them only while it waits for space, and
// then all of them (the wait drains stale posts before it sleeps), so a write that had to wait and
// timed out leaves sem-r at 0. Programs never let a write wait while the reader releases, so no
// value depends on timing.
import { FRAME_HEADER, capacity, fits, placeable, placement, unplaceable, type RingState } from '../ring-model';

export interface ModelConfig {
  /** Aligned metadata size M and payload size P (protocol.md §3.1). */
  metadataSize: number;
  payloadSize: number;
}

/** A published frame the reader has not consumed. */
export interface UnreadFrame {
  sequence: bigint;
  size: number;
  /** Ring offset of its header. */
  offset: number;
}

export interface HeldFrame {
  sequence: bigint;
  size: number;
}

type QueueEntry = { kind: 'frame'; sequence: bigint; bytes: number; released: boolean } | { kind: 'tail'; bytes: number };

/** The OIEB fields and semaphore values the model predicts (names as in protocol.md §3.2). */
export interface ExpectedState {
  payload_free_bytes: number;
  payload_write_pos: number;
  payload_read_pos: number;
  payload_written_count: number;
  payload_read_count: number;
  metadata_written_bytes: number;
  sem_w: number;
  /** Every value sem-r can have (sorted); usually one. */
  sem_r: readonly number[];
}

export const STATE_FIELDS = [
  'payload_free_bytes',
  'payload_write_pos',
  'payload_read_pos',
  'payload_written_count',
  'payload_read_count',
  'metadata_written_bytes',
  'sem_w',
  'sem_r',
] as const satisfies readonly (keyof ExpectedState)[];

/** A predicted value as written in a table cell: `2`, or `0 or 2` when it can be either. */
export function formatValue(v: number | readonly number[]): string {
  return typeof v === 'number' ? String(v) : v.join(' or ');
}

export class BufferModel {
  free: number;
  writePos = 0;
  readPos = 0;
  writtenCount = 0;
  readCount = 0;
  metadataWritten = 0;
  semW = 0;
  /** Every value sem-r can have (sorted, no duplicates). */
  semR: number[] = [0];
  /** The writer's next sequence (a new writer starts at 1, §5.2). */
  nextSequence = 1n;
  /** The reader's next expected sequence. */
  expected = 1n;
  /** The writer process is alive (killed: its PID stays in the OIEB, §8.3). */
  writerAlive = true;
  /** The reader threw SequenceError at a frame of a new writer and is poisoned (§6.5). */
  poisoned = false;
  readonly unread: UnreadFrame[] = [];
  /** Frames read and not released, oldest first (the "bundle"). */
  readonly held: HeldFrame[] = [];
  private readonly queue: QueueEntry[] = [];

  constructor(readonly config: ModelConfig) {
    this.free = config.payloadSize;
  }

  /** An independent copy (to look ahead without changing this model). */
  clone(): BufferModel {
    const c = new BufferModel(this.config);
    Object.assign(c, { free: this.free, writePos: this.writePos, readPos: this.readPos, writtenCount: this.writtenCount, readCount: this.readCount });
    Object.assign(c, { writerAlive: this.writerAlive, poisoned: this.poisoned });
    Object.assign(c, { metadataWritten: this.metadataWritten, semW: this.semW, semR: [...this.semR], nextSequence: this.nextSequence, expected: this.expected });
    c.unread.push(...this.unread.map((f) => ({ ...f })));
    c.held.push(...this.held.map((h) => ({ ...h })));
    c.queue.push(...this.queue.map((e) => ({ ...e })));
    return c;
  }

  get P(): number {
    return this.config.payloadSize;
  }

  ring(): RingState {
    return { payloadSize: this.P, writePos: this.writePos, freeBytes: this.free };
  }

  placeable(size: number): boolean {
    return placeable(this.P, size);
  }

  /** A write of `size` completes without waiting (§5.5). */
  fits(size: number): boolean {
    return this.placeable(size) && fits(this.ring(), size);
  }

  /** A write of `size` can never be placed at the current write position (§5.10). */
  unplaceable(size: number): boolean {
    return unplaceable(this.ring(), size);
  }

  /** A write of `size` is placeable and placeable here, but has to wait for releases. */
  mustWait(size: number): boolean {
    return this.placeable(size) && !this.unplaceable(size) && !fits(this.ring(), size);
  }

  /** How many frames of `size` fit back to back from here (steps.md §4.5 capacity). */
  capacity(size: number): number {
    return capacity(this.ring(), size);
  }

  /** A successful write of `size` (§5.5–§5.8); returns the sequence it carries. */
  write(size: number): bigint {
    if (!this.fits(size)) throw new Error(`model: a ${size}-byte write does not fit (wp ${this.writePos}, free ${this.free})`);
    const p = placement(this.P, this.writePos, size);
    if (p.wrap) {
      if (p.markerWritten) this.writtenCount += 1;
      this.free -= p.wastedTail;
    }
    this.free -= FRAME_HEADER + size;
    this.writePos = p.nextWritePos;
    this.writtenCount += 1;
    this.semW += 1;
    const sequence = this.nextSequence;
    this.nextSequence += 1n;
    this.unread.push({ sequence, size, offset: p.offset });
    return sequence;
  }

  /** A write that had to wait and timed out: its wait on sem-r, if it got there, used up every post (§8.2.3). */
  writeTimedOut(): void {
    this.semR = [...new Set([0, ...this.semR])].sort((a, b) => a - b);
  }

  /** setMetadata of `size` content bytes (§4.2 step 5). */
  writeMetadata(size: number): void {
    this.metadataWritten = 8 + size;
  }

  /** The writer process is SIGKILLed: nothing of the OIEB changes. */
  killWriter(): void {
    this.writerAlive = false;
  }

  /** A new writer takes the dead one's slot: positions and counts carry on, sequences restart at 1 (§5.2, §7.1). */
  connectWriter(): void {
    this.writerAlive = true;
    this.nextSequence = 1n;
  }

  /** The next read meets a sequence other than the expected one (a new writer's frame): it can be delivered? */
  nextIsInSequence(): boolean {
    const f = this.unread[0];
    return f !== undefined && f.sequence === this.expected;
  }

  /**
   * A read that throws SequenceError (§6.2 R8): it consumed the frame's post, not the frame; the
   * reader is poisoned. Only modelled when no marker precedes the frame (R7 would consume it first).
   */
  readOutOfSequence(): { expected: bigint; got: bigint } {
    const f = this.unread[0];
    if (f === undefined || f.sequence === this.expected) throw new Error('model: no out-of-sequence frame is next');
    this.semW -= 1;
    this.poisoned = true;
    return { expected: this.expected, got: f.sequence };
  }

  /** The next frame follows a wrap marker the reader would consume first. */
  nextFollowsMarker(): boolean {
    const f = this.unread[0];
    return f !== undefined && f.offset === 0 && this.readPos !== 0;
  }

  /** The next frame the reader will get (undefined: none pending). */
  nextUnread(): UnreadFrame | undefined {
    return this.unread[0];
  }

  /** One read (§6.2): the marker or implicit-wrap tail before the frame, then the frame, held. */
  read(): UnreadFrame {
    const f = this.unread.shift();
    if (f === undefined) throw new Error('model: read with no frame pending');
    this.semW -= 1;
    if (f.offset === 0 && this.readPos !== 0) {
      const tail = this.P - this.readPos;
      // a tail ≥ 16 holds a marker, which counts; a shorter one is an implicit wrap (§5.9)
      if (tail >= FRAME_HEADER) this.readCount += 1;
      this.enqueueTail(tail);
      this.readPos = 0;
    }
    this.readPos = f.offset + FRAME_HEADER + f.size;
    if (this.readPos === this.P) this.readPos = 0;
    this.readCount += 1;
    this.expected = f.sequence + 1n;
    this.held.push({ sequence: f.sequence, size: f.size });
    this.queue.push({ kind: 'frame', sequence: f.sequence, bytes: FRAME_HEADER + f.size, released: false });
    return f;
  }

  private enqueueTail(bytes: number): void {
    if (this.queue.length === 0) this.free += bytes;
    else this.queue.push({ kind: 'tail', bytes });
  }

  /** Releases the held frame `sequence` (§6.7); returns the bytes and posts it gives back. */
  release(sequence: bigint): { bytes: number; posts: number } {
    const i = this.held.findIndex((h) => h.sequence === sequence);
    if (i < 0) throw new Error(`model: frame ${sequence} is not held`);
    this.held.splice(i, 1);
    const e = this.queue.find((q) => q.kind === 'frame' && q.sequence === sequence);
    if (e === undefined || e.kind !== 'frame') throw new Error(`model: frame ${sequence} is not in the release queue`);
    e.released = true;
    let bytes = 0;
    let posts = 0;
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.kind === 'frame' && !head.released) break;
      this.queue.shift();
      bytes += head.bytes;
      if (head.kind === 'frame') posts += 1;
    }
    this.free += bytes;
    this.semR = this.semR.map((v) => v + posts);
    return { bytes, posts };
  }

  expectedState(): ExpectedState {
    return {
      payload_free_bytes: this.free,
      payload_write_pos: this.writePos,
      payload_read_pos: this.readPos,
      payload_written_count: this.writtenCount,
      payload_read_count: this.readCount,
      metadata_written_bytes: this.metadataWritten,
      sem_w: this.semW,
      sem_r: this.semR,
    };
  }

  /** One line for comments and logs: every predicted value. */
  describe(): string {
    const s = this.expectedState();
    const held = this.held.map((h) => String(h.sequence)).join(',');
    return `${STATE_FIELDS.map((f) => `${f}=${formatValue(s[f])}`).join(' ')} held=[${held}] unread=${this.unread.length}`;
  }
}
