// Feature 05 — contiguous free space (scenario 5.6): for each (write_pos, read_pos) row the
// position-based reference value is proved to be exactly the largest frame total the library
// writes without waiting, on scratch rings driven into that state by an in-process writer plus
// reader (C21–C23).
import { Reader, Writer, BufferFullError, FrameTooLargeError } from '../../src/index';
import { defineStep, type TableRows } from '../../harness/registry';
import { StepFailure, describeError, expectEqual, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { BUFFER_CONFIGS } from '../../harness/model/config';
import { simplePattern } from '../../harness/model/patterns';
import { FRAME_HEADER, afterWrite, placeable, placement, type RingState } from '../../harness/model/ring-model';
import { T_PROBE, T_READ, T_WRITE } from '../../harness/model/timing';
import { tryWrite } from '../../harness/servo/actions/write';
import type { ServoContext } from '../../harness/servo/context';
import type { ReaderEntry, WriterEntry } from '../../harness/servo/state/objects';
import { createFresh } from '../common/buffers';

const COLUMNS = ['write_pos', 'read_pos', 'expected_result', 'scenario'] as const;
/** `expected_result` value that asks for the reference formula. */
const CALCULATED = 'calculated';

/** One table row as C22 tested it. */
interface RowResult {
  row: number;
  scenario: string;
  writePos: number;
  readPos: number;
  reference: number;
  expected: number;
  /** null when both probes behaved as required, else what went wrong. */
  failure: string | null;
}

/** Per reader: the rows of its last C22 step. */
const rowResults = new WeakMap<ReaderEntry, RowResult[]>();

/** The reference contiguous free space for positions (wp, rp) of a ring of P bytes (steps.md C22). */
function referenceFreeBytes(P: number, wp: number, rp: number): number {
  if (wp >= rp) return rp === 0 ? P - wp : Math.max(P - wp, rp);
  return rp - wp;
}

interface ParsedRow {
  scenario: string;
  writePos: number;
  readPos: number;
  /** The integer given, or null for `calculated`. */
  given: number | null;
}

function parseRow(r: Record<string, string>, k: number, P: number): ParsedRow {
  for (const c of COLUMNS) if (r[c] === undefined) fail(`row ${k}: column ${c} is missing (required: ${COLUMNS.join(', ')})`);
  const position = (c: 'write_pos' | 'read_pos'): number => {
    const v = r[c]!;
    if (!/^\d+$/.test(v)) fail(`row ${k}: ${c} ${JSON.stringify(v)} is not a decimal integer`);
    const n = Number(v);
    expectTrue(`row ${k}: 0 ≤ ${c} ${n} < payload size ${P}`, n < P);
    return n;
  };
  const e = r.expected_result!;
  if (e !== CALCULATED && !/^\d+$/.test(e)) fail(`row ${k}: expected_result ${JSON.stringify(e)} is neither ${CALCULATED} nor a decimal integer`);
  return { scenario: r.scenario!, writePos: position('write_pos'), readPos: position('read_pos'), given: e === CALCULATED ? null : Number(e) };
}

/** A scratch ring of this process: its own reader and a writer connected to it. */
interface ScratchRing {
  name: string;
  reader: Reader;
  writer: WriterEntry;
  close(): void;
}

async function openScratch(ctx: ServoContext, base: string, P: number): Promise<ScratchRing> {
  const name = ctx.resolve(base);
  const reader = ctx.objects.own(`scratch reader ${name}`, await Reader.create(name, { metadataSize: 0, payloadSize: P }), (r) => r.close(), (r) => !r.closed);
  const writer = ctx.objects.own(`scratch writer ${name}`, await Writer.connect(name), (w) => w.close(), (w) => !w.closed);
  const entry: WriterEntry = { kind: 'writer', writer, base, name, nextSeq: 1n, published: 0, lastFrameSize: null, pending: null, acquired: null };
  return {
    name,
    reader,
    writer: entry,
    close() {
      writer.close();
      reader.close();
    },
  };
}

/** The frames that drive an empty ring to (wp, rp): totals, and whether each is consumed. */
function constructingFrames(P: number, wp: number, rp: number): { total: number; consume: boolean }[] {
  const frames: { total: number; consume: boolean }[] = [];
  if (rp > 0) frames.push({ total: rp, consume: true });
  if (wp > rp) frames.push({ total: wp - rp, consume: false });
  if (wp < rp) {
    frames.push({ total: P - rp, consume: false });
    if (wp > 0) frames.push({ total: wp, consume: false });
  }
  return frames;
}

/** Fails unless every constructing frame has total ≥ 17, is placeable and lands without a wrap. */
function checkConstructible(P: number, wp: number, rp: number): void {
  let s: RingState = { payloadSize: P, writePos: 0, freeBytes: P };
  for (const { total, consume } of constructingFrames(P, wp, rp)) {
    const size = total - FRAME_HEADER;
    const what = `(write_pos ${wp}, read_pos ${rp}) is not constructible: a constructing frame of total ${total}`;
    expectTrue(`${what} has total ≥ ${FRAME_HEADER + 1} and a placeable size`, size >= 1 && placeable(P, size), size);
    expectTrue(`${what} at write position ${s.writePos} goes there without a wrap (RING MODEL)`, !placement(P, s.writePos, size).wrap);
    s = afterWrite(s, size);
    if (consume) s = { ...s, freeBytes: P };
  }
}

/** Drives a fresh scratch ring to exactly (wp, rp) (steps.md C22). */
async function driveTo(ctx: ServoContext, ring: ScratchRing, wp: number, rp: number, P: number): Promise<void> {
  for (const { total, consume } of constructingFrames(P, wp, rp)) {
    const size = total - FRAME_HEADER;
    const r = await tryWrite(ctx, ring.writer, simplePattern(size), T_WRITE);
    if (!r.ok) fail(`${ring.name}: constructing frame of total ${total}: expected success, observed ${describeError(r.error)}`);
    expectTrue(`${ring.name}: constructing frame of total ${total} did not wait`, !r.waited);
    if (!consume) continue;
    const f = await ring.reader.read(T_READ);
    if (f === null) fail(`${ring.name}: reading back the constructing frame of total ${total}: expected a frame, observed null (timeout)`);
    expectEqual(`${ring.name}: size of the consumed constructing frame`, size, f.size);
    f.release();
  }
  const o = ctx.snapWriter(ring.writer).oieb;
  expectEqual(`${ring.name}: payload_write_pos after driving the ring`, BigInt(wp), o.payloadWritePos);
  expectEqual(`${ring.name}: payload_read_pos after driving the ring`, BigInt(rp), o.payloadReadPos);
}

/** Both probes of one row; throws what went wrong. */
async function testRow(ctx: ServoContext, base: string, k: number, P: number, row: ParsedRow, expected: number): Promise<void> {
  const { writePos: wp, readPos: rp } = row;
  checkConstructible(P, wp, rp);
  const fitting = expected - FRAME_HEADER;
  expectTrue(`a frame of total ${expected} (size ${fitting}) is placeable in a ${P}-byte ring`, placeable(P, fitting), fitting);
  const a = await openScratch(ctx, `${base}-row${k}`, P);
  try {
    await driveTo(ctx, a, wp, rp, P);
    const r = await tryWrite(ctx, a.writer, simplePattern(fitting), T_PROBE);
    if (!r.ok) fail(`${a.name}: a frame of total ${expected} with T_probe: expected to be written, observed ${describeError(r.error)}`);
    expectTrue(`${a.name}: the frame of total ${expected} was written without having WAITED`, !r.waited);
  } finally {
    a.close();
  }
  const larger = fitting + 1;
  const b = await openScratch(ctx, `${base}-row${k}-larger`, P);
  try {
    await driveTo(ctx, b, wp, rp, P);
    const r = await tryWrite(ctx, b.writer, simplePattern(larger), T_PROBE);
    const what = `${b.name}: a frame of total ${expected + 1} with T_probe`;
    if (r.ok) fail(`${what}: expected no write without waiting, observed a successful write (waited: ${r.waited})`);
    if (!placeable(P, larger)) expectErrorClassCode(`${what} (size ${larger} not placeable)`, r.error, FrameTooLargeError, 'ZB_FRAME_TOO_LARGE');
    else if (!(r.error instanceof BufferFullError) || (r.error.code !== 'ZB_BUFFER_FULL' && r.error.code !== 'ZB_FRAME_UNPLACEABLE')) {
      fail(`${what}: expected BufferFullError with code ZB_BUFFER_FULL or ZB_FRAME_UNPLACEABLE, observed ${describeError(r.error)}`);
    }
  } finally {
    b.close();
  }
}

defineStep({
  id: 'C21',
  keyword: 'Given',
  pattern: "the '{role}' process creates buffer '{name}' with specific configuration",
  runsIn: 'process',
  summary: 'Create a reader with metadata 0 and payload 10240; FRESH(0, 10240).',
  servo: (ctx, _role: string, name: string) => createFresh(ctx, name, BUFFER_CONFIGS.specific),
});

defineStep({
  id: 'C22',
  keyword: 'When',
  pattern: 'the system tests continuous_free_bytes calculation with:',
  runsIn: 'process',
  table: true,
  summary:
    'Inherited reader, P = its payload size; table write_pos, read_pos, expected_result (calculated or an integer), scenario; positions in [0, P). Per row k, on scratch rings <base>-row<k> and <base>-row<k>-larger (0/P) driven by an in-process writer plus reader to exactly (wp, rp): a frame of total expected is written with T_probe without having WAITED, and one of total expected + 1 is not (BufferFullError of either code, FrameTooLargeError when not placeable). Results recorded per row.',
  servo: async (ctx, rows: TableRows) => {
    const e = ctx.objects.requireReader();
    const P = e.payloadSize;
    const parsed = rows.map((r, i) => parseRow(r, i + 1, P));
    const results: RowResult[] = [];
    rowResults.set(e, results);
    for (const [i, row] of parsed.entries()) {
      const k = i + 1;
      const reference = referenceFreeBytes(P, row.writePos, row.readPos);
      const expected = row.given ?? reference;
      let failure: string | null = null;
      try {
        await testRow(ctx, e.base, k, P, row, expected);
      } catch (err) {
        failure = err instanceof StepFailure ? err.message : describeError(err);
      }
      results.push({ row: k, scenario: row.scenario, writePos: row.writePos, readPos: row.readPos, reference, expected, failure });
      ctx.logger.info({ row: k, scenario: row.scenario, wp: row.writePos, rp: row.readPos, reference, expected, failure }, 'continuous free space row tested');
    }
    return { rows: results.map((r) => `${r.scenario}: ${r.expected} ${r.failure === null ? 'ok' : 'FAILED'}`) };
  },
});

defineStep({
  id: 'C23',
  keyword: 'Then',
  pattern: "the '{role}' process calculations should match specification",
  runsIn: 'process',
  summary: "C22 ran with ≥ 1 row and every row's two probes behaved as required: the reference value is exactly the largest frame total the library writes without waiting in that state.",
  servo: (ctx) => {
    const e = ctx.objects.requireReader();
    const results = rowResults.get(e);
    if (results === undefined || results.length === 0) fail(`reader ${e.name}: no continuous free space rows were tested`);
    const failed = results.filter((r) => r.failure !== null);
    if (failed.length > 0) {
      fail(
        `${failed.length} of ${results.length} rows do not match the specification:\n` +
          failed.map((r) => `row ${r.row} (${r.scenario}, write_pos ${r.writePos}, read_pos ${r.readPos}, expected ${r.expected}, reference ${r.reference}): ${r.failure}`).join('\n'),
      );
    }
    return { rows: results.map((r) => `${r.scenario} (${r.writePos}, ${r.readPos}) → ${r.expected}`) };
  },
});
