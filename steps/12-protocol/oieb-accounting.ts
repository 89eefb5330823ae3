// Feature 12 — the OIEB accounting of every write and every read (scenario 12.1): a SNAP series per
// write (Q02) and per read (Q04), checked row by row against the field/condition tables of the
// feature file (Q03, Q05).
//
// Appendix B, 12.1: frame positions are packed in v1, so "all values are 64-byte aligned" is
// applied to the layout values only, and "frame size" means header + payload (16 + size).
import { defineStep, type TableRows } from '../../harness/registry';
import { expectEqual, expectTrue, fail } from '../../harness/assert';
import type { Snap } from '../../harness/diagnostics/snap';
import { OIEB_BYTES } from '../../harness/diagnostics/snap';
import { framePattern } from '../../harness/model/patterns';
import { FRAME_HEADER } from '../../harness/model/ring-model';
import { T_QUIET } from '../../harness/model/timing';
import { write } from '../../harness/servo/actions/write';
import { checkF, expectNoFrame, mustRead, releaseChecked } from '../../harness/servo/actions/read';
import type { ReaderEntry, WriterEntry } from '../../harness/servo/state/objects';

/** W: the frame sizes Q02 writes and Q04 reads (steps.md §6.12). */
export const W_SIZES = [1, 63, 64, 100, 1024, 4000] as const;

interface WriteSample {
  size: number;
  before: Snap;
  after: Snap;
}
interface ReadSample {
  size: number;
  before: Snap;
  afterRead: Snap;
  afterRelease: Snap;
}
const writeSeries = new WeakMap<WriterEntry, WriteSample[]>();
const readSeries = new WeakMap<ReaderEntry, ReadSample[]>();

/** One check of a table row against one sample: [what, expected, observed]. */
type Check<S> = (s: S, i: number) => [string, bigint, bigint][];

/** Applies every row of a field/condition table to every sample; an unknown row fails. */
function checkTable<S>(what: string, rows: TableRows, samples: readonly S[], checks: Readonly<Record<string, Check<S>>>): void {
  if (samples.length === 0) fail(`${what}: no samples were recorded`);
  for (const row of rows) {
    const field = row.field;
    const condition = row.condition;
    if (field === undefined || condition === undefined) fail(`${what}: table row ${JSON.stringify(row)} lacks the column 'field' or 'condition'`);
    const check = checks[`${field} | ${condition}`];
    if (check === undefined) fail(`${what}: unknown field/condition '${field}' / '${condition}' (known: ${Object.keys(checks).join('; ')})`);
    samples.forEach((s, i) => {
      for (const [c, expected, observed] of check(s, i)) expectEqual(`${what} ${i + 1}: ${field} ${condition} — ${c}`, expected, observed);
    });
  }
}

const frameBytes = (size: number) => BigInt(FRAME_HEADER + size);

/** The layout values of an OIEB (v1): all must be multiples of 64. */
function layoutValues(s: Snap): [string, bigint][] {
  const m = s.oieb.metadataSize;
  return [
    ['oieb_size', BigInt(s.oieb.oiebSize)],
    ['metadata_size', m],
    ['payload_size', s.oieb.payloadSize],
    ['metadata block offset', BigInt(OIEB_BYTES)],
    ['payload block offset (128 + metadata_size)', BigInt(OIEB_BYTES) + m],
  ];
}

const WRITE_CHECKS: Readonly<Record<string, Check<WriteSample>>> = {
  'payload_written_count | increments by 1': (s) => [['after − before', 1n, s.after.oieb.payloadWrittenCount - s.before.oieb.payloadWrittenCount]],
  'payload_free_bytes | decreases by frame size': (s) => [['before − after = 16 + size', frameBytes(s.size), s.before.oieb.payloadFreeBytes - s.after.oieb.payloadFreeBytes]],
  'payload_write_pos | advances correctly': (s) => [
    ['(before + 16 + size) mod payload_size', (s.before.oieb.payloadWritePos + frameBytes(s.size)) % s.before.oieb.payloadSize, s.after.oieb.payloadWritePos],
  ],
  'all values | are 64-byte aligned': (s) => layoutValues(s.after).map(([n, v]) => [`${n} (${v}) mod 64`, 0n, v % 64n]),
};

const READ_CHECKS: Readonly<Record<string, Check<ReadSample>>> = {
  'payload_read_count | increments by 1': (s) => [['after read − before', 1n, s.afterRead.oieb.payloadReadCount - s.before.oieb.payloadReadCount]],
  'payload_free_bytes | increases by frame size': (s) => [
    ['unchanged by the read itself (after read − before)', 0n, s.afterRead.oieb.payloadFreeBytes - s.before.oieb.payloadFreeBytes],
    ['at release: after release − after read = 16 + size', frameBytes(s.size), s.afterRelease.oieb.payloadFreeBytes - s.afterRead.oieb.payloadFreeBytes],
  ],
  'payload_read_pos | advances correctly': (s) => [
    ['(before + 16 + size) mod payload_size', (s.before.oieb.payloadReadPos + frameBytes(s.size)) % s.before.oieb.payloadSize, s.afterRead.oieb.payloadReadPos],
  ],
};

defineStep({
  id: 'Q02',
  keyword: 'When',
  pattern: 'performs multiple write operations',
  runsIn: 'process',
  summary: `Write F(size, next) for every size in W = [${W_SIZES.join(', ')}] (T_write each; each must succeed without having WAITED), with a SNAP before and after each write.`,
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const samples: WriteSample[] = [];
    for (const size of W_SIZES) {
      const r = await write(ctx, w, framePattern(size, w.nextSeq));
      expectTrue(`write of ${size} bytes (sequence ${r.sequence}) did not wait: RING MODEL on the SNAP before says it fits`, !r.waited);
      samples.push({ size, before: r.before, after: r.after });
    }
    writeSeries.set(w, samples);
  },
});

defineStep({
  id: 'Q03',
  keyword: 'Then',
  pattern: "the '{role}' process should verify after each write:",
  runsIn: 'process',
  table: true,
  summary:
    'Per row against the Q02 SNAPs: payload_written_count/increments by 1; payload_free_bytes/decreases by frame size (16 + size); payload_write_pos/advances correctly ((old + 16 + size) mod P); all values/are 64-byte aligned (layout values). Other rows fail.',
  servo: (ctx, _role: string, rows: TableRows) => {
    const w = ctx.objects.requireWriter();
    const samples = writeSeries.get(w);
    if (samples === undefined) fail(`writer ${w.name} has made no series of write operations`);
    checkTable('write', rows, samples, WRITE_CHECKS);
  },
});

defineStep({
  id: 'Q04',
  keyword: 'When',
  pattern: "the '{role}' process performs multiple read operations",
  runsIn: 'process',
  boundMs: 45_000,
  summary: `Read |W| frames (T_read each) with a SNAP before the read, after it (held) and after the release; sizes W in order, data F; a final T_quiet read returns null.`,
  servo: async (ctx) => {
    const e = ctx.objects.requireReader();
    const samples: ReadSample[] = [];
    for (const size of W_SIZES) {
      const expected = e.expectedNext;
      const before = ctx.snapReader(e);
      const h = await mustRead(ctx);
      const afterRead = ctx.snapReader(e);
      expectEqual(`read ${samples.length + 1}: sequence = next expected`, expected, h.sequence);
      expectEqual(`read ${samples.length + 1}: size (W[${samples.length}])`, size, h.size);
      checkF(`read ${samples.length + 1}`, h);
      releaseChecked(ctx, h);
      samples.push({ size, before, afterRead, afterRelease: ctx.snapReader(e) });
    }
    await expectNoFrame(ctx, T_QUIET, `all ${W_SIZES.length} frames were read`);
    readSeries.set(e, samples);
  },
});

defineStep({
  id: 'Q05',
  keyword: 'Then',
  pattern: "the '{role}' process should verify after each read:",
  runsIn: 'process',
  table: true,
  summary:
    'Per row against the Q04 SNAPs: payload_read_count/increments by 1; payload_free_bytes/increases by frame size (unchanged by the read, +(16 + size) at release); payload_read_pos/advances correctly. Other rows fail.',
  servo: (ctx, _role: string, rows: TableRows) => {
    const e = ctx.objects.requireReader();
    const samples = readSeries.get(e);
    if (samples === undefined) fail(`reader ${e.name} has made no series of read operations`);
    checkTable('read', rows, samples, READ_CHECKS);
  },
});
