// Feature 12 — memory alignment (scenario 12.2): the mapping's base address from /proc/<pid>/maps
// (BASE), the 64-byte aligned OIEB, metadata and payload blocks (Q06–Q08), and frames of sizes
// that put headers at unaligned ring offsets, decoded byte by byte (Q09, Q10).
import * as fs from 'node:fs';
import { defineStep } from '../../harness/registry';
import { expectEqual, expectTrue, fail } from '../../harness/assert';
import { OIEB_BYTES, readRingBytes, type Snap } from '../../harness/diagnostics/snap';
import { oiebU64Offsets } from '../../harness/diagnostics/oieb';
import { mappingBase, mappingPageSize, mapsOf } from '../../harness/diagnostics/proc';
import { framePattern } from '../../harness/model/patterns';
import { FRAME_HEADER, frameOffset } from '../../harness/model/ring-model';
import { osObjectPaths } from '../../harness/model/naming';
import { write } from '../../harness/servo/actions/write';
import type { ServoContext } from '../../harness/servo/context';
import type { WriterEntry } from '../../harness/servo/state/objects';

/** V: the frame sizes Q09 writes (steps.md §6.12). */
export const V_SIZES = [1, 7, 8, 15, 16, 17, 63, 64, 65, 127, 128, 129] as const;

/** The buffer this process maps (its current reader's, else its current writer's): name, SNAP, BASE. */
function ownMapping(ctx: ServoContext): { name: string; snap: Snap; base: bigint } {
  const { reader, writer } = ctx.objects;
  const snap = reader !== null ? ctx.snapReader(reader) : writer !== null ? ctx.snapWriter(writer) : fail(`process '${ctx.role}' has no current reader or writer`);
  const shm = osObjectPaths(snap.name).shm;
  const base = mappingBase(ctx.pid, shm);
  if (base === null) fail(`BASE(${ctx.pid}, ${snap.name}): /proc/${ctx.pid}/maps has no mapping of ${shm} at file offset 0`);
  return { name: snap.name, snap, base };
}

const hex = (v: bigint) => `0x${v.toString(16)}`;

function expectMultiple(what: string, value: bigint, of: bigint): void {
  expectEqual(`${what} (${value} = ${hex(value)}) mod ${of}`, 0n, value % of);
}

defineStep({
  id: 'Q06',
  keyword: 'Then',
  pattern: "the '{role}' process should verify OIEB starts at 64-byte aligned address",
  runsIn: 'process',
  summary: "BASE(own PID, resolved) — where the OIEB lives — is a multiple of 64 and of the mapping's page size.",
  servo: (ctx) => {
    const { name, base } = ownMapping(ctx);
    const page = BigInt(mappingPageSize(ctx.pid, base));
    expectMultiple(`BASE(${ctx.pid}, ${name}): address of the OIEB`, base, 64n);
    expectMultiple(`BASE(${ctx.pid}, ${name}): address of the OIEB, in pages of ${page} bytes`, base, page);
  },
});

defineStep({
  id: 'Q07',
  keyword: 'Then',
  pattern: 'should verify metadata block starts at 64-byte aligned offset',
  runsIn: 'process',
  summary: 'The metadata block starts at offset 128 (right after the OIEB, oieb_size) and at BASE + 128, both multiples of 64; metadata_size is a multiple of 64.',
  servo: (ctx) => {
    const { name, snap, base } = ownMapping(ctx);
    const offset = BigInt(snap.oieb.oiebSize);
    expectEqual(`${name}: metadata block offset = oieb_size`, BigInt(OIEB_BYTES), offset);
    expectMultiple(`${name}: metadata block offset`, offset, 64n);
    expectMultiple(`${name}: metadata block address BASE + ${offset}`, base + offset, 64n);
    expectMultiple(`${name}: metadata_size`, snap.oieb.metadataSize, 64n);
  },
});

defineStep({
  id: 'Q08',
  keyword: 'Then',
  pattern: 'should verify payload block starts at 64-byte aligned offset',
  runsIn: 'process',
  summary: 'The payload block starts at offset 128 + metadata_size, a multiple of 64 (also as BASE + offset); payload_size is a multiple of 64; segment size = 128 + metadata_size + payload_size, all of it mapped.',
  servo: (ctx) => {
    const { name, snap, base } = ownMapping(ctx);
    const o = snap.oieb;
    const offset = BigInt(o.oiebSize) + o.metadataSize;
    expectMultiple(`${name}: payload block offset 128 + metadata_size`, offset, 64n);
    expectMultiple(`${name}: payload block address BASE + ${offset}`, base + offset, 64n);
    expectMultiple(`${name}: payload_size`, o.payloadSize, 64n);
    const size = BigInt(fs.statSync(osObjectPaths(name).shm).size);
    expectEqual(`${name}: segment size = 128 + metadata_size + payload_size`, offset + o.payloadSize, size);
    const mapped = mapsOf(ctx.pid).find((e) => e.start === base)!;
    expectTrue(`${name}: the mapping at BASE covers the whole segment (${mapped.end - mapped.start} ≥ ${size} bytes)`, mapped.end - mapped.start >= size);
  },
});

interface WrittenFrame {
  size: number;
  sequence: bigint;
  offset: number;
}
const variousFrames = new WeakMap<WriterEntry, WrittenFrame[]>();

defineStep({
  id: 'Q09',
  keyword: 'When',
  pattern: 'writes various sized frames',
  runsIn: 'process',
  summary: `Write F(size, next) for every size in V = [${V_SIZES.join(', ')}] (T_write each, must succeed); record each frame's offset (from the OIEB) and sequence.`,
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const frames: WrittenFrame[] = [];
    for (const size of V_SIZES) {
      const r = await write(ctx, w, framePattern(size, w.nextSeq));
      frames.push({ size, sequence: r.sequence, offset: frameOffset(Number(r.after.oieb.payloadSize), Number(r.after.oieb.payloadWritePos), size) });
    }
    variousFrames.set(w, frames);
    ctx.logger.info({ frames: frames.map((f) => `${f.size}@${f.offset}`) }, 'various sized frames written');
  },
});

/** Little-endian u64 assembled byte by byte (as a memcpy of an unaligned header would). */
function u64Bytewise(b: Buffer, at: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i]!);
  return v;
}

defineStep({
  id: 'Q10',
  keyword: 'Then',
  pattern: "the '{role}' process should verify all data access respects alignment",
  runsIn: 'process',
  summary:
    'Every OIEB 64-bit field lies at BASE(own PID) + offset, a multiple of 8; every Q09 header read byte-wise through inspection decodes to its size and sequence, followed by F(size, sequence); at least one header offset is not a multiple of 8.',
  servo: (ctx) => {
    const w = ctx.objects.requireWriter();
    const frames = variousFrames.get(w);
    if (frames === undefined) fail(`writer ${w.name} has written no various sized frames`);
    const { name, snap, base } = ownMapping(ctx);
    for (const f of oiebU64Offsets()) expectMultiple(`address of OIEB field ${f.name} (BASE + ${f.offset})`, base + BigInt(f.offset), 8n);
    const M = Number(snap.oieb.metadataSize);
    for (const f of frames) {
      const b = readRingBytes(name, M, f.offset, FRAME_HEADER + f.size);
      expectEqual(`header at ring offset ${f.offset} (frame ${f.sequence}): payload_size`, BigInt(f.size), u64Bytewise(b, 0));
      expectEqual(`header at ring offset ${f.offset} (frame ${f.sequence}): sequence_number`, f.sequence, u64Bytewise(b, 8));
      expectTrue(`payload of frame ${f.sequence} at ring offset ${f.offset + FRAME_HEADER} equals F(${f.size}, ${f.sequence})`, b.subarray(FRAME_HEADER).equals(framePattern(f.size, f.sequence)));
    }
    const unaligned = frames.filter((f) => f.offset % 8 !== 0).map((f) => f.offset);
    expectTrue(`at least one header at a ring offset that is not a multiple of 8 (offsets ${frames.map((f) => f.offset).join(', ')})`, unaligned.length > 0);
  },
});
