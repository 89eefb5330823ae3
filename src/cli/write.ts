// `zerobuffer write <name>`: connect to an existing buffer and write pattern frames.
import { performance } from 'node:perf_hooks';
import { Writer, type WritableFrame } from '../writer';
import { BufferFullError, ClosedError, ZeroBufferError } from '../errors';
import { retryWhileNotReady } from '../duplex/retry';
import { fillPattern, type Pattern } from './patterns';
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
    for (let k = 0; o.frames === 0 || k < o.frames; k++) {
      if (signals.received()) throw new ClosedError('interrupted');
      // Zero-copy: reserve the frame in the ring, fill it in place, publish it. Try without waiting
      // on the JS thread first; only a full ring goes to the async (worker-thread) wait.
      let frame: WritableFrame;
      try {
        frame = writer.acquireSync(o.size, 0);
      } catch (err) {
        if (!(err instanceof BufferFullError) || err.code !== 'ZB_BUFFER_FULL') throw err;
        frame = await writer.acquire(o.size, o.timeoutMs);
      }
      fillPattern(frame.data, o.pattern, k);
      frame.commit();
      summary.frames++;
      progress.update(summary.frames, summary.frames * o.size);
      if (o.delayMs > 0) await Promise.race([sleep(o.delayMs), signals.stopped]);
    }
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
