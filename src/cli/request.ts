// `zerobuffer request <channel>`: a duplex client that sends pattern requests one at a time,
// verifies each response and reports round-trip percentiles.
import { performance } from 'node:perf_hooks';
import { DuplexClient } from '../duplex/client';
import { retryWhileNotReady } from '../duplex/retry';
import type { Frame } from '../reader';
import { ClosedError, ReaderDeadError } from '../errors';
import { fillPattern, PatternVerifier } from './patterns';
import { defaultPayloadSize } from './read';
import { summarizeLatency } from './latency';
import { describeError, errorAdder, handleSignals, printOutcome, round, signalExitCode } from './common';

export type ResponseCheck = 'echo' | 'xor' | 'none';
export const RESPONSE_CHECKS: readonly ResponseCheck[] = ['echo', 'xor', 'none'];

export interface RequestOptions {
  count: number;
  size: number;
  verify: ResponseCheck;
  /** Response ring size; default 1 MiB, or four responses of --size when that is larger. */
  payloadSize?: number;
  /** Longest wait for the server to appear and for each response. */
  timeoutMs: number;
  json: boolean;
}

/** The one JSON object printed by `request --json`. */
export interface RequestSummary {
  operation: 'request';
  channel: string;
  /** Requests answered (with a response of the right sequence). */
  requests: number;
  size: number;
  errors: string[];
  verification_errors: number;
  rtt_p50_us: number;
  rtt_p99_us: number;
  rtt_max_us: number;
  /** First request to the last response. */
  duration_seconds: number;
}

/** How often a wait for a response checks that the server still has its request buffer open. */
const SERVER_CHECK_MS = 1000;

/**
 * The next response, or null after `timeoutMs`. A server that stopped or died before it ever
 * wrote a response leaves the response buffer without a writer, where the Reader can only time
 * out; so between 1-second waits the request buffer's reader is checked as well.
 */
async function awaitResponse(client: DuplexClient, timeoutMs: number): Promise<Frame | null> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const response = await client.receiveResponse(Math.max(0, Math.min(SERVER_CHECK_MS, deadline - performance.now())));
    if (response !== null || performance.now() >= deadline) return response;
    if (!client.isServerConnected()) {
      throw new ReaderDeadError('ZB_READER_DEAD', `the server of channel ${JSON.stringify(client.channel)} is gone (no live reader on its request buffer)`);
    }
  }
}

/** Runs the command and returns the process exit code. */
export async function runRequest(channel: string, o: RequestOptions): Promise<number> {
  const summary: RequestSummary = {
    operation: 'request',
    channel,
    requests: 0,
    size: o.size,
    errors: [],
    verification_errors: 0,
    rtt_p50_us: 0,
    rtt_p99_us: 0,
    rtt_max_us: 0,
    duration_seconds: 0,
  };
  const addError = errorAdder(summary.errors);
  const rtts: number[] = [];
  let client: DuplexClient | undefined;
  let firstAt = -1;
  const signals = handleSignals(() => client?.close());
  try {
    const responseBuffer = { payloadSize: o.payloadSize ?? defaultPayloadSize(o.size) };
    client = await retryWhileNotReady(() => DuplexClient.connect(channel, { responseBuffer, writeTimeoutMs: o.timeoutMs }), o.timeoutMs, () => signals.received() !== null);
    if (signals.received()) client.close();
    const verifier = o.verify === 'none' ? null : new PatternVerifier('sequential', o.verify === 'xor' ? 0xff : 0);
    for (let k = 0; k < o.count; k++) {
      const t0 = performance.now();
      if (firstAt < 0) firstAt = t0;
      // Zero-copy: request k is written in place in the request ring.
      const slot = await client.acquireRequest(o.size);
      fillPattern(slot.data, 'sequential', k);
      const sequence = slot.commit();
      const response = await awaitResponse(client, o.timeoutMs);
      if (response === null) {
        addError(`no response to request ${k} (sequence ${sequence}) within ${o.timeoutMs} ms`);
        break;
      }
      rtts.push((performance.now() - t0) * 1000);
      try {
        summary.requests++;
        const problem =
          response.size !== o.size
            ? `size ${response.size}, expected ${o.size}`
            : verifier === null
              ? null
              : mismatch(verifier, response.data, k);
        if (problem !== null) {
          summary.verification_errors++;
          addError(`response ${k} (sequence ${response.sequence}): ${problem} (${o.verify})`);
        }
      } finally {
        response.release();
      }
    }
  } catch (err) {
    const sig = signals.received();
    addError(sig !== null && err instanceof ClosedError ? `interrupted by ${sig} after ${summary.requests} of ${o.count} request(s)` : describeError(err));
  } finally {
    client?.close();
    signals.dispose();
  }
  const latency = summarizeLatency(rtts);
  summary.rtt_p50_us = round(latency.p50, 1);
  summary.rtt_p99_us = round(latency.p99, 1);
  summary.rtt_max_us = round(latency.max, 1);
  summary.duration_seconds = firstAt < 0 ? 0 : round((performance.now() - firstAt) / 1000, 6);
  const ok = summary.requests === o.count && summary.verification_errors === 0 && summary.errors.length === 0;
  printOutcome('request', summary, {
    json: o.json,
    ok,
    success: () =>
      `${summary.requests} request(s) of ${o.size} bytes on ${JSON.stringify(channel)} answered` +
      (o.verify === 'none' ? ' (content not verified)' : ` and verified (${o.verify})`) +
      ` in ${summary.duration_seconds.toFixed(3)} s; round trip p50 ${summary.rtt_p50_us} µs, p99 ${summary.rtt_p99_us} µs, max ${summary.rtt_max_us} µs`,
    failure: () => {
      const bad = summary.verification_errors ? `, ${summary.verification_errors} with verification errors` : '';
      return `failed after ${summary.requests} of ${o.count} request(s) answered${bad}`;
    },
  });
  if (ok) return 0;
  return signals.received() ? signalExitCode(signals.received()) : 1;
}

function mismatch(verifier: PatternVerifier, data: Uint8Array, k: number): string | null {
  const at = verifier.firstMismatch(data, k);
  return at < 0 ? null : `byte ${at} is ${data[at]}, expected ${verifier.expectedByte(at, k)}`;
}
