// The floor of a JavaScript endpoint in `npm run bench` (started by bench/run.ts; not run
// directly): the same frames, arguments and output as bench/endpoint.ts, but calling the addon
// directly — no Reader or Writer object, no validation, no Frame objects, no Promise. What remains
// is what any JavaScript endpoint pays on this machine: the crossings into and out of the addon and
// the JavaScript around them. A TypeScript row's distance from this one is what the library adds;
// this row's distance from the native pair is what JavaScript itself costs. Three pairs:
//
//   node addon-endpoint.js reader <name> <frames> <size> blocking|copy|zerocopy <ringBytes> <latency 1|0>
//   node addon-endpoint.js writer <name> <frames> <size> copy|zerocopy <latency 1|0> <intervalUs>
//
// `blocking` latency: the reader blocks its thread in the addon's batch read of one frame, copied
// into a buffer of its own (as readManySync does), reads the clock, then verifies the frame after
// the stamp; the writer stamps the pattern frame and writes it with one synchronous call (`copy`).
// `copy` throughput: batches as readMany and writeMany make them — the reader copies every frame
// ready (up to 1024) into one buffer and verifies each run of frames with one compare; the writer
// writes 64 frames per call, what fits now, and blocks for space only when nothing fit.
// `zerocopy` throughput: the reader blocks for a view, verifies it and releases it; the writer
// acquires without a view, fills in place (the addon's fill, as WritableFrame.set) and commits. Every byte is
// verified, as by the other endpoints.
import { native } from '../src/native';
import { makePattern, PatternVerifier } from '../src/cli/patterns';
import { measurement, printResult, readStamp, sleepUs, STAMP_BYTES, warmUpFrames, writeStamp } from './result';

const WAIT_MS = 30000;
/** The copy path's batches: frames per write call, most frames per read, bytes of the read's buffer. */
const WRITE_BATCH = 64;
const READ_BATCH = 1024;
const READ_BUFFER = 128 * 1024;
/** out[0]: frames in the batch; then one entry per frame: token, sequence, size, offset in the pool (-1: the view). */
const TOKEN = 1;
const SIZE = 3;
const OFFSET = 4;

/** The copy path's reader: every frame a copy in `pool`, back to back, verified run by run. */
function runBatchReader(name: string, frames: number, size: number, ringBytes: number): number {
  const reader = native().createReaderSync(name, 0, ringBytes);
  try {
    process.stdout.write('ready\n');
    const pool = new Uint8Array(Math.max(READ_BUFFER, size));
    const out = new Float64Array(1 + 4 * READ_BATCH);
    const verifier = new PatternVerifier('sequential');
    const warm = warmUpFrames(frames);
    let errors = 0;
    let first = 0n;
    let last = 0n;
    let cpu = process.cpuUsage();
    for (let k = 0; k < frames; ) {
      reader.readBatchSync(pool, 0, out, READ_BATCH, size, WAIT_MS);
      const n = Math.min(out[0]!, frames - k);
      if (n === 0) throw new Error(`no frame ${k} within ${WAIT_MS} ms`);
      if (k + n > warm && (k <= warm || k + n === frames)) {
        last = process.hrtime.bigint();
        if (k <= warm) {
          first = last;
          cpu = process.cpuUsage();
        }
      }
      const at = verifier.firstMismatchInRun(pool.subarray(0, n * size), k, n, size);
      if (at >= 0 && errors++ === 0) process.stderr.write(`bench addon reader: frame ${k + at} does not match\n`);
      k += n;
    }
    printResult(frames - 1 - warm, Number(last - first) / 1e9, errors, cpu, []);
    return errors === 0 ? 0 : 1;
  } finally {
    reader.close();
  }
}

function runReader(name: string, frames: number, size: number, latency: boolean, ringBytes: number): number {
  const reader = native().createReaderSync(name, 0, ringBytes);
  try {
    process.stdout.write('ready\n');
    const pool = new Uint8Array(latency ? size : 0);
    const copyMax = latency ? size : 0;
    const out = new Float64Array(5);
    const verifier = new PatternVerifier('sequential');
    const from = latency ? STAMP_BYTES : 0;
    const warm = warmUpFrames(frames);
    const samples: number[] = [];
    let errors = 0;
    let first = 0n;
    let last = 0n;
    let cpu = process.cpuUsage();
    for (let k = 0; k < frames; k++) {
      const view = reader.readBatchSync(pool, 0, out, 1, copyMax, WAIT_MS);
      if (out[0] !== 1) throw new Error(`no frame ${k} within ${WAIT_MS} ms`);
      const frame = view ?? pool.subarray(out[OFFSET]!, out[OFFSET]! + size);
      if (k >= warm && (latency || k === warm || k + 1 === frames)) {
        last = process.hrtime.bigint();
        if (k === warm) {
          first = last;
          cpu = process.cpuUsage();
        }
        if (latency) samples.push(Number(last - readStamp(frame)));
      }
      if (out[SIZE] !== size || verifier.firstMismatch(frame, k, from) >= 0) {
        if (errors++ === 0) process.stderr.write(`bench addon reader: frame ${k} does not match\n`);
      }
      if (view !== null) reader.release(out[TOKEN]!);
    }
    printResult(frames - 1 - warm, Number(last - first) / 1e9, errors, cpu, samples);
    return errors === 0 ? 0 : 1;
  } finally {
    reader.close();
  }
}

/** The copy path's writer: 64 frames per call, as writeMany hands them to the addon. */
function runBatchWriter(name: string, frames: number, size: number): number {
  const writer = native().connectWriterSync(name);
  try {
    const table = makePattern(size + 256, 'sequential', 0);
    const sources = Array.from({ length: 256 }, (_, j) => table.subarray(j, j + size));
    const measure = measurement(frames);
    const batch: Uint8Array[] = [];
    for (let k = 0; k < frames; ) {
      measure.at(k);
      batch.length = 0;
      for (let j = k; j < Math.min(frames, k + WRITE_BATCH); j++) batch.push(sources[j & 255]!);
      const written = writer.writeBatchSync(0, 0, ...batch);
      if (written > 0) {
        k += written;
      } else {
        writer.writeSync(batch[0]!, WAIT_MS); // nothing fit: block for the first
        k++;
      }
    }
    measure.print();
    return 0;
  } finally {
    writer.close();
  }
}

async function runWriter(name: string, frames: number, size: number, latency: boolean, intervalUs: number): Promise<number> {
  const writer = native().connectWriterSync(name);
  try {
    const table = makePattern(size + 256, 'sequential', 0);
    const frame = new Uint8Array(latency ? size : 0);
    const measure = measurement(frames);
    for (let k = 0; k < frames; k++) {
      measure.at(k);
      const source = table.subarray(k & 255, (k & 255) + size);
      if (latency) {
        await sleepUs(intervalUs);
        frame.set(source);
        writeStamp(frame);
        writer.writeSync(frame, WAIT_MS);
      } else {
        writer.acquireSync(size, WAIT_MS, false); // as WritableFrame.set fills: no view
        writer.fill(0, source);
        writer.commit();
      }
    }
    measure.print();
    return 0;
  } finally {
    writer.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [cmd, name, frames, size, path, a5, a6] = argv;
  const n = (x: string | undefined): number => Number(x);
  // The latency flag is the reader's 7th argument and the writer's 6th (as bench/endpoint.ts's).
  const run: Record<string, () => number | Promise<number>> = {
    'reader blocking 1': () => runReader(name!, n(frames), n(size), true, n(a5)),
    'reader zerocopy 0': () => runReader(name!, n(frames), n(size), false, n(a5)),
    'reader copy 0': () => runBatchReader(name!, n(frames), n(size), n(a5)),
    'writer copy 1': () => runWriter(name!, n(frames), n(size), true, n(a6)),
    'writer zerocopy 0': () => runWriter(name!, n(frames), n(size), false, n(a6)),
    'writer copy 0': () => runBatchWriter(name!, n(frames), n(size)),
  };
  const pair = run[`${cmd} ${path} ${cmd === 'reader' ? a6 : a5}`];
  if (pair === undefined) throw new Error(`the addon endpoint runs the blocking latency pair and the copy and zero-copy throughput pairs only, not: ${argv.join(' ')}`);
  return pair();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench addon endpoint: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
