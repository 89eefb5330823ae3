// `zerobuffer write <name>`: connect to an existing buffer and write pattern frames.
import { performance } from 'node:perf_hooks';
import { Writer } from '../writer';
import { ClosedError, ZeroBufferError } from '../errors';
import { DEFAULT_COPY_MAX_BYTES } from '../read-batch';
import { retryWhileNotReady } from '../duplex/retry';
import { fillPattern, makePattern, type Pattern } from './patterns';
import { describeError, handleSignals, mibPerSecond, printSummary, Progress, round, signalExitCode, sleep, startSummary } from './common';

export interface WriteOptions {
  frames: number;
  size: number;
  pattern: Pattern;
  metadata?: string;
  delayMs: number;
  timeoutMs: number;
  json: boolean;
}

/** Runs the command and returns the process exit code. */
export async function runWrite(name: string, o: WriteOptions): Promise<number> {
  const metadata = o.metadata !== undefined ? Buffer.from(o.metadata, 'utf8') : undefined;
  const { summary, addError } = startSummary('write', name, o.size, metadata?.byteLength ?? 0);
  let writer: Writer | undefined;
  let ok = true;
  let started = performance.now();
  const signals = handleSignals(() => writer?.close());
  const progress = new Progress('write');
  try {
    // Retried every 100 ms up to --timeout-ms while the Reader has not created the buffer yet.
    writer = await retryWhileNotReady(() => Writer.connect(name, { writeTimeoutMs: o.timeoutMs }), o.timeoutMs, () => signals.received() !== null);
    if (signals.received()) writer.close();
    if (metadata !== undefined) writer.setMetadata(metadata);
    started = performance.now();
    const interrupted = (): boolean => signals.received() !== null;
    const published = (n: number): void => {
      summary.frames = n;
      progress.update(n, n * o.size);
    };
    if (o.size <= COPY_MAX_BYTES && o.delayMs === 0) await writeBatches(writer, o, interrupted, published);
    else await writeInPlace(writer, o, interrupted, published, signals.stopped);
  } catch (err) {
    const sig = signals.received();
    if (sig !== null && (err instanceof ClosedError || !(err instanceof ZeroBufferError))) {
      if (o.frames > 0) {
        addError(`interrupted by ${sig} after ${summary.frames} of ${o.frames} frame(s)`);
        ok = false;
      }
    } else {
      addError(describeError(err));
      ok = false;
    }
  } finally {
    progress.end();
    writer?.close();
    signals.dispose();
  }
  summary.duration_seconds = round((performance.now() - started) / 1000, 6);
  summary.throughput_mbps = round(mibPerSecond(summary.frames * o.size, summary.duration_seconds), 3);
  if (o.frames > 0 && summary.frames < o.frames) ok = false;
  printSummary(summary, { json: o.json, ok, requested: o.frames });
  if (ok) return 0;
  return signals.received() ? signalExitCode(signals.received()) : 1;
}

/**
 * Frames up to the library's copy threshold are copied from a pattern table, many per native call
 * (a copy costs less than a zero-copy view there: docs/library-api.md, "Batches"; on the writer's
 * side at every size `npm run bench:copy-threshold` measures); larger ones are filled in place.
 */
const COPY_MAX_BYTES = DEFAULT_COPY_MAX_BYTES;
/** Frames per writeMany call. */
const BATCH_FRAMES = 64;

/**
 * Small frames, no delay: `writeMany` of frames cut from one pattern table (frame k is the window
 * at k mod 256, the same bytes fillPattern writes). `published` gets the frames published so far,
 * also when a batch fails part-way (nextSequence tells how far it got).
 */
async function writeBatches(writer: Writer, o: WriteOptions, interrupted: () => boolean, published: (n: number) => void): Promise<void> {
  const table = makePattern(o.size + 256, o.pattern, 0);
  const windows = Array.from({ length: 256 }, (_, s) => table.subarray(s, s + o.size));
  const batch: Uint8Array[] = [];
  for (let k = 0; o.frames === 0 || k < o.frames; k += batch.length) {
    if (interrupted()) throw new ClosedError('interrupted');
    batch.length = 0;
    for (let j = k; j < k + BATCH_FRAMES && (o.frames === 0 || j < o.frames); j++) batch.push(windows[j & 0xff]!);
    try {
      await writer.writeMany(batch, o.timeoutMs);
    } finally {
      published(Number(writer.nextSequence - 1n));
    }
  }
}

/**
 * Zero-copy: reserve each frame in the ring, fill it in place, publish it. acquire() takes the
 * space at once when there is some; only a full ring waits (a thrown BufferFullError per frame
 * would cost more than the wait).
 */
async function writeInPlace(writer: Writer, o: WriteOptions, interrupted: () => boolean, published: (n: number) => void, stopped: Promise<void>): Promise<void> {
  for (let k = 0; o.frames === 0 || k < o.frames; k++) {
    if (interrupted()) throw new ClosedError('interrupted');
    const frame = await writer.acquire(o.size, o.timeoutMs);
    fillPattern(frame.data, o.pattern, k);
    frame.commit();
    published(k + 1);
    if (o.delayMs > 0) await Promise.race([sleep(o.delayMs), stopped]);
  }
}
