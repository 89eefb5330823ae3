// `zerobuffer read <name>`: create the buffer, read and verify frames, print a summary.
import { performance } from 'node:perf_hooks';
import { Reader, type Frame } from '../reader';
import { ClosedError, WriterDeadError } from '../errors';
import { align64, DEFAULT_METADATA_SIZE, DEFAULT_PAYLOAD_SIZE, MAX_BUFFER_SIZE } from '../config';
import { PatternVerifier, type Pattern } from './patterns';
import { describeError, handleSignals, mibPerSecond, printSummary, Progress, round, signalExitCode, startSummary } from './common';

export interface ReadOptions {
  frames: number;
  size?: number;
  metadataSize?: number;
  payloadSize?: number;
  verify: Pattern | 'none';
  timeoutMs: number;
  json: boolean;
}

/** Most frames taken per wake-up. */
const BATCH_FRAMES = 256;

/** Default ring size: 1 MiB, or four frames of --size when that is larger. */
export function defaultPayloadSize(frameSize: number | undefined): number {
  if (frameSize === undefined) return DEFAULT_PAYLOAD_SIZE;
  return Math.min(MAX_BUFFER_SIZE, Math.max(DEFAULT_PAYLOAD_SIZE, align64(4 * (frameSize + 16))));
}

/** Runs the command and returns the process exit code. */
export async function runRead(name: string, o: ReadOptions): Promise<number> {
  const { summary, addError } = startSummary('read', name, o.size ?? 0, 0);
  const started = performance.now();
  let firstFrameAt = -1;
  let bytes = 0;
  let mismatches = 0; // frames whose size or content did not match
  let ok = true;
  let reader: Reader | undefined;
  const signals = handleSignals(() => reader?.close());
  const progress = new Progress('read');
  try {
    reader = await Reader.create(name, {
      metadataSize: o.metadataSize ?? DEFAULT_METADATA_SIZE,
      payloadSize: o.payloadSize ?? defaultPayloadSize(o.size),
    });
    if (signals.received()) reader.close();
    if (!o.json) {
      process.stderr.write(
        `zerobuffer read: buffer ${JSON.stringify(name)} ready (metadata ${reader.metadataSize}, payload ${reader.payloadSize} bytes), waiting for a writer\n`,
      );
    }
    const verifier = o.verify === 'none' ? null : new PatternVerifier(o.verify);
    let gotMetadata = false;
    while (o.frames === 0 || summary.frames < o.frames) {
      // Every frame that is ready in one call (small frames are copies): a fast writer's stream
      // is not read one wake-up per frame.
      let batch: Frame[];
      try {
        batch = await reader.readMany({ timeoutMs: o.timeoutMs, maxFrames: o.frames === 0 ? BATCH_FRAMES : Math.min(BATCH_FRAMES, o.frames - summary.frames) });
      } catch (err) {
        // The Writer closed normally and the ring is drained: the normal end of --frames 0. A
        // Writer that died is a failure, whatever was read before.
        if (err instanceof WriterDeadError && err.graceful && o.frames === 0) break;
        if (err instanceof ClosedError && signals.received()) {
          addError(`interrupted by ${signals.received()} after ${summary.frames} frame(s)`);
        } else if (err instanceof WriterDeadError) {
          const count = o.frames === 0 ? `${summary.frames}` : `${summary.frames} of ${o.frames}`;
          addError(`writer gone after ${count} frame(s): ${describeError(err)}`);
        } else {
          addError(describeError(err));
        }
        ok = false;
        break;
      }
      if (batch.length === 0) {
        addError(
          summary.frames === 0
            ? `no frame within ${o.timeoutMs} ms (is a writer connected?)`
            : `timed out after ${o.timeoutMs} ms waiting for frame ${summary.frames + 1} (received ${summary.frames})`,
        );
        ok = false;
        break;
      }
      if (firstFrameAt < 0) firstFrameAt = performance.now();
      for (const frame of batch) {
        const k = summary.frames;
        try {
          if (!gotMetadata) {
            gotMetadata = true;
            summary.metadata_size = reader.getMetadata().byteLength;
          }
          if (o.size !== undefined && frame.size !== o.size) {
            mismatches++;
            addError(`frame ${k} (sequence ${frame.sequence}): size ${frame.size}, expected ${o.size}`);
          } else if (verifier) {
            const at = verifier.firstMismatch(frame.data, k);
            if (at >= 0) {
              mismatches++;
              addError(
                `frame ${k} (sequence ${frame.sequence}): byte ${at} is ${frame.data[at]}, expected ${verifier.expectedByte(at, k)} (${o.verify} pattern)`,
              );
            }
          }
          if (o.size === undefined && summary.frame_size === 0) summary.frame_size = frame.size;
          bytes += frame.size;
          summary.frames++;
          progress.update(summary.frames, bytes);
        } finally {
          frame.release();
        }
      }
    }
  } catch (err) {
    addError(describeError(err));
    ok = false;
  } finally {
    progress.end();
    reader?.close();
    signals.dispose();
  }
  const end = performance.now();
  summary.duration_seconds = round((end - (firstFrameAt >= 0 ? firstFrameAt : started)) / 1000, 6);
  summary.throughput_mbps = round(mibPerSecond(bytes, summary.duration_seconds), 3);
  summary.verification_errors = mismatches;
  if (mismatches > 0) ok = false;
  if (o.frames > 0 && summary.frames < o.frames) ok = false;
  printSummary(summary, { json: o.json, ok, requested: o.frames, verified: o.verify });
  if (ok) return 0;
  return signals.received() ? signalExitCode(signals.received()) : 1;
}
