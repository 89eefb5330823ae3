// The floor of a JavaScript endpoint in `npm run bench`'s latency group (started by bench/run.ts;
// not run directly): the same frames, arguments and output as bench/endpoint.ts's `blocking`
// latency pair, but calling the addon directly — no Reader or Writer object, no validation, no
// Frame objects, no Promise. What remains is what any JavaScript endpoint pays on this machine: the
// crossings into and out of the addon and the JavaScript around them, run cold after each wake-up.
// A TypeScript row's distance from this one is what the library adds; this row's distance from
// the native pair is what JavaScript itself costs.
//
//   node addon-endpoint.js reader <name> <frames> <size> blocking <ringBytes> 1
//   node addon-endpoint.js writer <name> <frames> <size> copy 1 <intervalUs>
//
// The reader blocks its thread in the addon's batch read of one frame, copied into a buffer of its
// own (as readManySync does), reads the clock, then verifies the frame's pattern after the stamp.
// The writer stamps the pattern frame and writes it with one synchronous addon call.
import { native } from '../src/native';
import { makePattern, PatternVerifier } from '../src/cli/patterns';
import { measurement, printResult, readStamp, sleepUs, STAMP_BYTES, warmUpFrames, writeStamp } from './result';

const WAIT_MS = 30000;
/** out[0]: frames in the batch; then one entry per frame: token, sequence, size, offset in the pool. */
const OFFSET = 4;

function runReader(name: string, frames: number, size: number, ringBytes: number): number {
  const reader = native().createReaderSync(name, 0, ringBytes);
  try {
    process.stdout.write('ready\n');
    const pool = new Uint8Array(size);
    const out = new Float64Array(5);
    const verifier = new PatternVerifier('sequential');
    const warm = warmUpFrames(frames);
    const samples: number[] = [];
    let errors = 0;
    let first = 0n;
    let last = 0n;
    let cpu = process.cpuUsage();
    for (let k = 0; k < frames; k++) {
      reader.readBatchSync(pool, 0, out, 1, size, WAIT_MS);
      if (out[0] !== 1) throw new Error(`no frame ${k} within ${WAIT_MS} ms`);
      const frame = pool.subarray(out[OFFSET]!, out[OFFSET]! + size);
      if (k >= warm) {
        last = process.hrtime.bigint();
        if (k === warm) {
          first = last;
          cpu = process.cpuUsage();
        }
        samples.push(Number(last - readStamp(frame)));
      }
      if (out[3] !== size || verifier.firstMismatch(frame, k, STAMP_BYTES) >= 0) {
        if (errors++ === 0) process.stderr.write(`bench addon reader: frame ${k} does not match\n`);
      }
    }
    printResult(frames - 1 - warm, Number(last - first) / 1e9, errors, cpu, samples);
    return errors === 0 ? 0 : 1;
  } finally {
    reader.close();
  }
}

async function runWriter(name: string, frames: number, size: number, intervalUs: number): Promise<number> {
  const writer = native().connectWriterSync(name);
  try {
    const table = makePattern(size + 256, 'sequential', 0);
    const frame = new Uint8Array(size);
    const measure = measurement(frames);
    for (let k = 0; k < frames; k++) {
      measure.at(k);
      await sleepUs(intervalUs);
      frame.set(table.subarray(k & 255, (k & 255) + size));
      writeStamp(frame);
      writer.writeSync(frame, WAIT_MS);
    }
    measure.print();
    return 0;
  } finally {
    writer.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [cmd, name, frames, size, path, a5, a6] = argv;
  if (cmd === 'reader' && path === 'blocking' && a6 === '1') return runReader(name!, Number(frames), Number(size), Number(a5));
  if (cmd === 'writer' && path === 'copy' && a5 === '1') return runWriter(name!, Number(frames), Number(size), Number(a6));
  throw new Error(`the addon endpoint runs the blocking latency pair only, not: ${argv.join(' ')}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench addon endpoint: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
