// The rules of a generated program: one fast-check command per operation, each with its
// precondition on the model, the catalogue phrase(s) it is written in, and the model update that
// says what must hold afterwards. Expected failures are rules of their own (a second metadata
// write, a write that times out), never skipped operations.
import * as fc from 'fast-check';
import { SEQ_FRAME_SIZE } from '../config';
import { FRAME_HEADER } from '../ring-model';
import type { BufferModel } from './model';
import { phrases, type PhraseStep } from './phrases';

/** What a rule needs of the system under test: run its steps, then check the model's state. */
export interface Program {
  /** Runs the steps in order (each through the real host → servo path), then checks the model's state. */
  apply(steps: readonly PhraseStep[], model: BufferModel): Promise<void>;
}

type Rule = fc.AsyncCommand<BufferModel, Program>;

/**
 * A frame size: fixed; whatever leaves exactly `tail` bytes before the end of the ring; or
 * `over` bytes more than fit before the end (the frame must wrap).
 */
export type SizeSpec = { kind: 'fixed'; size: number } | { kind: 'to-end'; tail: number } | { kind: 'past-end'; over: number };

export function sizeOf(spec: SizeSpec, m: Readonly<BufferModel>): number {
  const room = m.P - m.writePos - FRAME_HEADER;
  if (spec.kind === 'fixed') return spec.size;
  if (spec.kind === 'to-end') return room - spec.tail;
  return room + spec.over;
}

function describeSize(spec: SizeSpec): string {
  if (spec.kind === 'fixed') return String(spec.size);
  return spec.kind === 'to-end' ? `to-end(tail ${spec.tail})` : `past-end(+${spec.over})`;
}

class WriteFrame implements Rule {
  constructor(
    readonly spec: SizeSpec,
    readonly zeroCopy: boolean,
  ) {}
  check(m: Readonly<BufferModel>): boolean {
    const size = sizeOf(this.spec, m);
    return m.writerAlive && size >= 1 && m.fits(size);
  }
  async run(m: BufferModel, p: Program): Promise<void> {
    const size = sizeOf(this.spec, m);
    const seq = m.write(size);
    await p.apply(this.zeroCopy ? phrases.zeroCopy(size) : [phrases.write(size, seq)], m);
  }
  toString(): string {
    return `${this.zeroCopy ? 'zeroCopyWrite' : 'write'}(${describeSize(this.spec)})`;
  }
}

class ReadFrame implements Rule {
  check(m: Readonly<BufferModel>): boolean {
    return !m.poisoned && m.nextIsInSequence();
  }
  async run(m: BufferModel, p: Program): Promise<void> {
    const f = m.read();
    await p.apply([phrases.read(f.sequence, f.size)], m);
  }
  toString(): string {
    return 'read';
  }
}

/** Releases the oldest held frame (B09) or, with `pick`, a later one out of order (MB03). */
class ReleaseFrame implements Rule {
  constructor(readonly pick: number | null) {}
  check(m: Readonly<BufferModel>): boolean {
    return this.pick === null ? m.held.length >= 1 : m.held.length >= 2;
  }
  async run(m: BufferModel, p: Program): Promise<void> {
    if (this.pick === null) {
      m.release(m.held[0]!.sequence);
      await p.apply([phrases.releaseOldest()], m);
      return;
    }
    const seq = m.held[1 + (this.pick % (m.held.length - 1))]!.sequence;
    m.release(seq);
    await p.apply([phrases.release(seq)], m);
  }
  toString(): string {
    return this.pick === null ? 'releaseOldest' : `releaseLater(${this.pick})`;
  }
}

class ExpectNothing implements Rule {
  check(m: Readonly<BufferModel>): boolean {
    return !m.poisoned && m.writerAlive && m.nextUnread() === undefined;
  }
  async run(m: BufferModel, p: Program): Promise<void> {
    await p.apply([phrases.nothingPending()], m);
  }
  toString(): string {
    return 'expectNothing';
  }
}

class WriteMetadata implements Rule {
  constructor(readonly size: number) {}
  check(m: Readonly<BufferModel>): boolean {
    return m.writerAlive && m.metadataWritten === 0 && 8 + this.size <= m.config.metadataSize;
  }
  async run(m: BufferModel, p: Program): Promise<void> {
    m.writeMetadata(this.size);
    await p.apply([phrases.metadata(this.size)], m);
  }
  toString(): string {
    return `metadata(${this.size})`;
  }
}

/** A second metadata write must fail with MetadataAlreadyWrittenError and change nothing. */
class WriteMetadataAgain implements Rule {
  constructor(readonly size: number) {}
  check(m: Readonly<BufferModel>): boolean {
    return m.writerAlive && m.metadataWritten > 0;
  }
  async run(m: BufferModel, p: Program): Promise<void> {
    await p.apply(phrases.metadataAgain(this.size), m);
  }
  toString(): string {
    return `metadataAgain(${this.size})`;
  }
}

/**
 * L08: 1024-byte frames until one times out. Applies when at least one fits and the one that
 * finally does not is a wait (not unplaceable) — L08 requires exactly that.
 */
class FillUntilFull implements Rule {
  check(m: Readonly<BufferModel>): boolean {
    if (!m.writerAlive) return false;
    const k = m.capacity(SEQ_FRAME_SIZE);
    if (k < 1) return false;
    const probe = m.clone();
    for (let i = 0; i < k; i++) probe.write(SEQ_FRAME_SIZE);
    return probe.mustWait(SEQ_FRAME_SIZE);
  }
  async run(m: BufferModel, p: Program): Promise<void> {
    while (m.fits(SEQ_FRAME_SIZE)) m.write(SEQ_FRAME_SIZE);
    m.writeTimedOut();
    await p.apply([phrases.fill()], m);
  }
  toString(): string {
    return 'fillUntilFull';
  }
}

/** MB05: a write that has to wait times out with BufferFullError and changes nothing. */
class WriteTimesOut implements Rule {
  constructor(readonly spec: SizeSpec) {}
  check(m: Readonly<BufferModel>): boolean {
    const size = sizeOf(this.spec, m);
    return m.writerAlive && size >= 1 && m.mustWait(size);
  }
  async run(m: BufferModel, p: Program): Promise<void> {
    const size = sizeOf(this.spec, m);
    m.writeTimedOut();
    await p.apply([phrases.writeTimesOut(size)], m);
  }
  toString(): string {
    return `writeTimesOut(${describeSize(this.spec)})`;
  }
}

/** L04: SIGKILL of the writer; its PID stays in the OIEB, frames it published stay readable. */
class KillWriter implements Rule {
  check(m: Readonly<BufferModel>): boolean {
    return m.writerAlive;
  }
  async run(m: BufferModel, p: Program): Promise<void> {
    m.killWriter();
    await p.apply([phrases.killWriter()], m);
  }
  toString(): string {
    return 'killWriter';
  }
}

/** MB06: a new writer process takes the dead writer's slot; its frames start again at sequence 1. */
class NewWriter implements Rule {
  constructor(readonly buffer: string) {}
  check(m: Readonly<BufferModel>): boolean {
    return !m.writerAlive;
  }
  async run(m: BufferModel, p: Program): Promise<void> {
    m.connectWriter();
    await p.apply([phrases.newWriter(this.buffer)], m);
  }
  toString(): string {
    return 'newWriter';
  }
}

/** L06: with the writer dead and every frame consumed, a read reports WriterDeadError. */
class ExpectWriterDeath implements Rule {
  check(m: Readonly<BufferModel>): boolean {
    return !m.poisoned && !m.writerAlive && m.nextUnread() === undefined;
  }
  async run(m: BufferModel, p: Program): Promise<void> {
    await p.apply([phrases.writerDeath()], m);
  }
  toString(): string {
    return 'expectWriterDeath';
  }
}

/**
 * C04 + S02 + S03: the next frame is a new writer's (its sequence restarted at 1): the read fails
 * with SequenceError and poisons the reader (protocol.md §5.2, §6.5). Not when a wrap marker comes
 * first: the read consumes the marker before it fails, which S02's UNCHANGED does not allow.
 */
class ReadOutOfSequence implements Rule {
  check(m: Readonly<BufferModel>): boolean {
    return !m.poisoned && m.nextUnread() !== undefined && !m.nextIsInSequence() && !m.nextFollowsMarker();
  }
  async run(m: BufferModel, p: Program): Promise<void> {
    const e = m.readOutOfSequence();
    await p.apply(phrases.sequenceError(e.expected, e.got), m);
  }
  toString(): string {
    return 'readOutOfSequence';
  }
}

/**
 * Frame sizes that make wraps, exact fits and tails shorter than 16 bytes frequent in a small
 * ring: small and medium fixed sizes, and sizes that end the frame exactly `tail` bytes before
 * the end of the ring (0: exact fit; 1–15: a short tail the writer must avoid by wrapping early),
 * and sizes just too large for the end of the ring (they wrap, wasting the tail).
 */
export function sizeSpecs(payloadSize: number): fc.Arbitrary<SizeSpec> {
  return fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 64 }).map((size): SizeSpec => ({ kind: 'fixed', size })), weight: 2 },
    { arbitrary: fc.integer({ min: 65, max: Math.floor(payloadSize / 2) }).map((size): SizeSpec => ({ kind: 'fixed', size })), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 24 }).map((tail): SizeSpec => ({ kind: 'to-end', tail })), weight: 3 },
    { arbitrary: fc.integer({ min: 1, max: 256 }).map((over): SizeSpec => ({ kind: 'past-end', over })), weight: 3 },
  );
}

export function ruleArbitraries(buffer: string, metadataSize: number, payloadSize: number): fc.Arbitrary<Rule>[] {
  const size = sizeSpecs(payloadSize);
  const wrapping = fc.integer({ min: 1, max: 256 }).map((over): SizeSpec => ({ kind: 'past-end', over }));
  const metaSize = fc.integer({ min: 1, max: Math.max(1, metadataSize - 8) });
  // fc.commands picks uniformly among these: repeating an entry weights it. Reads and releases
  // only apply once frames are in flight, so they get as much weight as the writes.
  // one write in four is zero-copy; the flag shrinks towards a copy write (one step instead of three)
  const write = fc.tuple(size, fc.integer({ min: 0, max: 3 })).map(([s, k]) => new WriteFrame(s, k === 3));
  const read = fc.constant(new ReadFrame());
  const releaseLater = fc.nat({ max: 7 }).map((k) => new ReleaseFrame(k));
  return [
    write,
    write,
    write,
    write,
    read,
    read,
    read,
    fc.constant(new ReleaseFrame(null)),
    releaseLater,
    releaseLater,
    fc.constant(new ExpectNothing()),
    metaSize.map((n) => new WriteMetadata(n)),
    metaSize.map((n) => new WriteMetadataAgain(n)),
    // a full ring is where space accounting is tested hardest: tried twice as often
    fc.constant(new FillUntilFull()),
    fc.constant(new FillUntilFull()),
    // applies only while the model says a write must wait: weighted so that it is tried whenever
    // the ring is that full; half of them must wrap (a frame past the end of the ring, whose wasted
    // tail may exceed the free bytes: where free-space arithmetic goes wrong)
    size.map((s) => new WriteTimesOut(s)),
    size.map((s) => new WriteTimesOut(s)),
    wrapping.map((s) => new WriteTimesOut(s)),
    wrapping.map((s) => new WriteTimesOut(s)),
    fc.constant(new KillWriter()),
    // only applies while the writer is dead, when no writer rule does: back to writing soon
    fc.constant(new NewWriter(buffer)),
    fc.constant(new NewWriter(buffer)),
    fc.constant(new NewWriter(buffer)),
    fc.constant(new ExpectWriterDeath()),
    fc.constant(new ReadOutOfSequence()),
  ];
}
