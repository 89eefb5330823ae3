// Where a copy is cheaper than a zero-copy view (not a test): the measurement behind
// DEFAULT_COPY_MAX_BYTES (src/read-batch.ts; docs/library-api.md, "Batches").
//
//   npm run bench:copy-threshold                 (after `npm ci`)
//   node dist/bench/copy-threshold.js [--sizes 4096,8192,...] [--rounds R]
//
// In one process (so without cross-core traffic, which favours copies further), per frame:
//   read:  readManySync as copies (copyMaxBytes = the frame size) or as views (copyMaxBytes 0),
//          each frame checked and released; the frames are written by writeManySync beforehand,
//          outside the timing;
//   write: writeManySync from a source buffer, or acquireSync → set → commit (a view per frame);
//          the frames are read back as copies outside the timing.
// Each size runs R rounds, copies and views alternating, after a warm-up; medians are printed with
// their ratio. The default copyMaxBytes is the largest power of two at which a read copy costs at
// most half a view.
import { performance } from 'node:perf_hooks';
import { Reader, Writer, DEFAULT_COPY_MAX_BYTES } from '../src/index';

const RING = 8 << 20;
const FILL = 7;

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sizes = (option('--sizes') ?? '4096,8192,16384,32768,65536,131072,262144').split(',').map(Number);
const rounds = Number(option('--rounds') ?? 5);
if (sizes.some((s) => !Number.isSafeInteger(s) || s <= 0 || s > RING / 4) || !Number.isSafeInteger(rounds) || rounds < 1) {
  throw new Error(`bad --sizes or --rounds: sizes 1 … ${RING / 4} bytes, rounds ≥ 1`);
}

const name = `zb-copy-threshold-${process.pid}`;
const reader = Reader.createSync(name, { metadataSize: 0, payloadSize: RING });
const writer = Writer.connectSync(name);

/** Reads `n` frames of `size` bytes (already written), checking the last byte of each. */
function readAll(size: number, n: number, copyMaxBytes: number): void {
  for (let got = 0; got < n; ) {
    const batch = reader.readManySync({ copyMaxBytes, timeoutMs: 1000 });
    if (batch.length === 0) throw new Error(`frame ${got} of ${n} did not arrive`);
    for (const f of batch) {
      if (f.size !== size || f.data[size - 1] !== FILL) throw new Error(`frame of ${f.size} bytes does not match`);
      f.release();
    }
    got += batch.length;
  }
}

/** µs per frame of the timed side, over about `frames` frames of `size` bytes. */
function run(side: 'read' | 'write', size: number, copy: boolean, frames: number): number {
  const source = new Uint8Array(size).fill(FILL);
  const perRound = Math.min(64, Math.floor(RING / (size + 16)) - 1); // always fits in the ring
  const batch = new Array<Uint8Array>(perRound).fill(source);
  let ms = 0;
  let done = 0;
  for (; done < frames; done += perRound) {
    if (side === 'read') writer.writeManySync(batch, 1000);
    const t0 = performance.now();
    if (side === 'read') readAll(size, perRound, copy ? size : 0);
    else if (copy) writer.writeManySync(batch, 1000);
    else {
      for (let i = 0; i < perRound; i++) {
        const f = writer.acquireSync(size, 1000);
        f.data.set(source);
        f.commit();
      }
    }
    ms += performance.now() - t0;
    if (side === 'write') readAll(size, perRound, size);
  }
  return (ms * 1000) / done;
}

/** The columns of the table, in order: side, and copy (true) or view/in place (false). */
const CASES = [['read', true], ['read', false], ['write', true], ['write', false]] as const;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

function main(): void {
  console.log(`copy vs view per frame, in one process, ${rounds} rounds alternating, medians (µs)`);
  console.log(`size        read copy   read view   copy ÷ view   write copy   write in place   copy ÷ in place`);
  let threshold = 0;
  for (const size of sizes) {
    const frames = Math.max(2000, Math.min(20000, (64 << 20) / size));
    for (const [side, copy] of CASES) run(side, size, copy, 1000); // warm-up
    const samples = CASES.map(() => [] as number[]);
    for (let r = 0; r < rounds; r++) CASES.forEach(([side, copy], i) => samples[i]!.push(run(side, size, copy, frames)));
    const [rc, rv, wc, wv] = samples.map(median) as [number, number, number, number];
    if (rc <= rv / 2 && (size & (size - 1)) === 0) threshold = Math.max(threshold, size);
    const f = (x: number, w: number): string => x.toFixed(2).padStart(w);
    console.log(`${String(size).padEnd(10)}${f(rc, 11)}${f(rv, 12)}${f(rc / rv, 14)}${f(wc, 13)}${f(wv, 17)}${f(wc / wv, 18)}`);
  }
  console.log(`largest power of two read as a copy at ≤ ½ a view: ${threshold || 'none'} (DEFAULT_COPY_MAX_BYTES is ${DEFAULT_COPY_MAX_BYTES})`);
}

try {
  main();
} finally {
  writer.close();
  reader.close();
}
