// The TypeScript endpoints of `npm run bench` (started by bench/run.ts; not run directly). Same
// arguments and output as the native ones (native/bench/main.cpp):
//
//   node endpoint.js reader     <name> <frames> <size> <copy|zerocopy|zc-sync|iterator|blocking> <ringBytes> <latency 0|1>
//   node endpoint.js writer     <name> <frames> <size> <copy|zerocopy|zc-sync> <latency 0|1> <intervalUs>
//   node endpoint.js uds-reader <socketPath> <frames> <size>
//   node endpoint.js uds-writer <socketPath> <frames> <size>
//
// Frames carry the CLI's `sequential` pattern (src/cli/patterns.ts), every byte verified by the
// reader — a batch's back-to-back copies with one compare per run, as the native reader compares
// each frame with one memcmp; a latency frame carries the writer's CLOCK_MONOTONIC nanoseconds in
// bytes [0, 8).
// Paths: `copy` writes with writeMany() (64 frames per call; a latency frame with write()) and
// reads with readMany() copying every frame (copyMaxBytes = the frame size); `zerocopy` fills
// acquire()d frames in place with WritableFrame.set (the copy write() makes) and reads zero-copy
// views (copyMaxBytes 0), `zc-sync` the same with synchronous calls (acquireSync, readManySync).
// `iterator` is the copy path read through the frames() async iterator; `blocking` (latency) the
// copy path read with readManySync blocking the JS thread.
// A latency frame is stamped right before it is published: on the copy path into the writer's
// frame right before write() copies it, on the zero-copy path in place (acquire → fill → stamp →
// commit).
import * as net from 'node:net';
import { Reader, type Frame } from '../src/reader';
import { Writer } from '../src/writer';
import type { WritableFrame } from '../src/writable-frame';
import { makePattern, PatternVerifier } from '../src/cli/patterns';
import { measurement, printResult, readStamp, sleepUs, STAMP_BYTES, warmUpFrames, writeStamp } from './result';

const WAIT_MS = 30000;
/** The paths that write and read zero-copy frames (acquire → fill → commit; views). */
const isZeroCopy = (path: string): boolean => path === 'zerocopy' || path === 'zc-sync';
/** Frames per writeMany call on the copy path. */
const BATCH = 64;

async function runReader(name: string, frames: number, size: number, path: string, ringBytes: number, latency: boolean): Promise<number> {
  using reader = await Reader.create(name, { metadataSize: 0, payloadSize: ringBytes });
  process.stdout.write('ready\n');
  const verifier = new PatternVerifier('sequential');
  const from = latency ? STAMP_BYTES : 0;
  const warm = warmUpFrames(frames);
  const samples: number[] = [];
  let errors = 0;
  let k = 0;
  /** take() verifies each frame itself (the iterator and latency paths); a batch reader verifies runs. */
  let check = true;
  let first = 0n;
  let last = 0n;
  let cpu = process.cpuUsage();
  /** Verifies and releases one frame; true after the last. */
  const take = (frame: Frame): boolean => {
    if (k >= warm && (latency || k === warm || k + 1 === frames)) {
      // The clock is read where it is needed (as the native reader does).
      last = process.hrtime.bigint();
      if (k === warm) {
        first = last;
        cpu = process.cpuUsage();
      }
      if (latency) samples.push(Number(last - readStamp(frame.data)));
    }
    if (check && (frame.size !== size || verifier.firstMismatch(frame.data, k, from) >= 0)) mismatch(k);
    frame.release();
    return ++k === frames;
  };
  const mismatch = (at: number): void => {
    if (errors++ === 0) process.stderr.write(`bench reader: frame ${at} does not match\n`);
  };
  /**
   * Verifies frames k … k + n − 1 of a batch before take() sees them: back-to-back copies with one
   * compare per run (as a native reader would memcmp), any other frame alone. A batch's copies lie
   * in one ArrayBuffer (docs/library-api.md, "Batches"), so a run is told by offsets alone — reading
   * a view's `buffer` per frame would cost more than the compare — and its buffer is checked at both ends.
   */
  const verifyBatch = (batch: Frame[], n: number): void => {
    for (let i = 0; i < n; ) {
      const d = batch[i]!.data;
      let j = i + 1;
      while (j < n && isNextCopy(batch[j - 1]!, batch[j]!)) j++;
      if (batch[i]!.size !== size) mismatch(k + i);
      else if (j - i === 1) {
        if (verifier.firstMismatch(d, k + i, from) >= 0) mismatch(k + i);
      } else if (batch[j - 1]!.data.buffer !== d.buffer) {
        throw new Error(`bench reader: the copies of one batch are not in one ArrayBuffer (frames ${k + i}…${k + j - 1})`);
      } else {
        const at = verifier.firstMismatchInRun(new Uint8Array(d.buffer, d.byteOffset, (j - i) * size), k + i, j - i, size);
        if (at >= 0) mismatch(k + i + at);
      }
      i = j;
    }
  };
  /** `b` is a copy of `size` bytes right behind copy `a` (of the same batch). */
  const isNextCopy = (a: Frame, b: Frame): boolean =>
    !a.isZeroCopy && !b.isZeroCopy && b.size === size && a.size === size && b.data.byteOffset === a.data.byteOffset + size;
  const options = { copyMaxBytes: isZeroCopy(path) ? 0 : size, timeoutMs: WAIT_MS };
  if (path === 'iterator') {
    for await (const frame of reader.frames(options)) if (take(frame)) break;
  } else {
    // `blocking`, `zc-sync`: the JS thread blocks in the wait — one wake-up per frame instead of two
    // (no event loop hop) — and takes the frames without an `await` (a microtask turn) in between.
    const blocking = path === 'blocking' || path === 'zc-sync';
    // A latency frame's stamp is not part of the pattern: those frames are verified one by one.
    check = latency;
    for (let done = false; !done; ) {
      const batch = blocking ? reader.readManySync(options) : await reader.readMany(options);
      if (batch.length === 0) break;
      if (!latency) verifyBatch(batch, Math.min(batch.length, frames - k));
      for (const frame of batch) if ((done = take(frame))) break;
    }
  }
  if (k < frames) throw new Error(`no frame ${k} within ${WAIT_MS} ms`);
  printResult(frames - 1 - warm, Number(last - first) / 1e9, errors, cpu, samples);
  return errors === 0 ? 0 : 1;
}

async function runWriter(name: string, frames: number, size: number, path: string, latency: boolean, intervalUs: number): Promise<number> {
  using writer = await Writer.connect(name, { writeTimeoutMs: WAIT_MS });
  const table = makePattern(size + 256, 'sequential', 0);
  const sources = Array.from({ length: 256 }, (_, j) => table.subarray(j, j + size));
  const measure = measurement(frames);
  if (latency || isZeroCopy(path)) {
    const frame = new Uint8Array(size); // the copy path's latency frame: a pattern frame, stamped
    for (let k = 0; k < frames; k++) {
      measure.at(k);
      if (latency) await sleepUs(intervalUs);
      if (path === 'zc-sync') fillAndCommit(writer.acquireSync(size, WAIT_MS), sources[k & 255]!, latency);
      else if (isZeroCopy(path)) fillAndCommit(await writer.acquire(size), sources[k & 255]!, latency);
      else {
        frame.set(sources[k & 255]!);
        writeStamp(frame);
        await writer.write(frame);
      }
    }
  } else {
    // The copy path in batches: what fits is written in one native call.
    const batch: Uint8Array[] = [];
    for (let k = 0; k < frames; k += batch.length) {
      measure.at(k);
      batch.length = 0;
      for (let j = k; j < Math.min(frames, k + BATCH); j++) batch.push(sources[j & 255]!);
      await writer.writeMany(batch);
    }
  }
  measure.print();
  return 0;
}

/** An acquired frame (at once when there was space): fill with WritableFrame.set (→ stamp) → commit. */
function fillAndCommit(f: WritableFrame, source: Uint8Array, stamp: boolean): void {
  f.set(source);
  if (stamp) writeStamp(f.data);
  f.commit();
}

/** The Unix-socket baseline: the same frames as a byte stream, every byte verified. */
async function runSocketReader(path: string, frames: number, size: number): Promise<number> {
  const verifier = new PatternVerifier('sequential');
  const total = frames * size;
  const warmBytes = warmUpFrames(frames) * size;
  let got = 0;
  let errors = 0;
  let first = 0n;
  let firstAt = 0; // bytes before the measured part (a stream has no frames: it starts at a chunk)
  let cpu = process.cpuUsage();
  const server = net.createServer();
  const last = await new Promise<bigint>((resolve, reject) => {
    server.on('connection', (sock) => {
      let k = 0; // frame of the stream position `got`
      let at = 0; // offset in frame k
      sock.on('data', (chunk: Buffer) => {
        if (first === 0n && got + chunk.length > warmBytes) {
          first = process.hrtime.bigint();
          firstAt = got;
          cpu = process.cpuUsage();
        }
        for (let p = 0; p < chunk.length; ) {
          const n = Math.min(size - at, chunk.length - p);
          if (!verifier.matchesAt(chunk.subarray(p, p + n), k, at) && errors++ === 0) {
            process.stderr.write(`bench socket reader: frame ${k} does not match\n`);
          }
          p += n;
          at += n;
          if (at === size) [k, at] = [k + 1, 0];
        }
        got += chunk.length;
        if (got >= total) resolve(process.hrtime.bigint());
      });
      sock.on('error', reject);
    });
    server.listen(path, () => process.stdout.write('ready\n'));
  });
  server.close();
  printResult((total - firstAt) / size, Number(last - first) / 1e9, errors, cpu, []);
  return errors === 0 ? 0 : 1;
}

async function runSocketWriter(path: string, frames: number, size: number): Promise<number> {
  const table = makePattern(size + 256, 'sequential', 0);
  const sock = net.createConnection(path);
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  const measure = measurement(frames);
  for (let k = 0; k < frames; k++) {
    measure.at(k);
    const j = k & 255;
    if (!sock.write(table.subarray(j, j + size))) await new Promise<void>((resolve) => sock.once('drain', resolve));
  }
  await new Promise<void>((resolve) => sock.end(resolve));
  measure.print();
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, target, frames, size, path, a5, a6] = argv;
  const n = (s: string | undefined): number => Number(s);
  switch (cmd) {
    case 'reader':
      return runReader(target!, n(frames), n(size), path!, n(a5), a6 === '1');
    case 'writer':
      return runWriter(target!, n(frames), n(size), path!, a5 === '1', n(a6));
    case 'uds-reader':
      return runSocketReader(target!, n(frames), n(size));
    case 'uds-writer':
      return runSocketWriter(target!, n(frames), n(size));
    default:
      throw new Error(`unknown endpoint ${String(cmd)}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench endpoint: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
