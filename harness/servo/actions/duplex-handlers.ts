// The request handlers the feature-13 steps start servers with (steps.md D02, D15, D19, D25, D36,
// D41). Every one returns new bytes or the request's own view (which the server copies into the
// response ring before releasing the request); none modifies the request in place.
import { fail } from '../../assert';
import type { Logger } from '../../logging';
import { sleepAtLeast } from '../../model/timing';
import type { HandlerSpec } from '../state/duplex';

/** Returns the request bytes unchanged, after `delayMs` of (asynchronous) processing time. */
export function echoHandler(delayMs = 0): HandlerSpec {
  return {
    what: delayMs > 0 ? `echo after ${delayMs} ms` : 'echo',
    delayMs,
    respond: async (request) => {
      if (delayMs > 0) await sleepAtLeast(delayMs);
      return request.data;
    },
  };
}

/**
 * D19: waits `ms`, then SIGKILLs its own process without producing a response — so the first
 * request is the last one this process sees. The host declared this death before the step that
 * armed it (StepSpec.armsOwnDeath).
 */
export function crashingHandler(ms: number, logger: Logger): HandlerSpec {
  return {
    what: `SIGKILL of its own process after ${ms} ms`,
    delayMs: ms,
    respond: async (request) => {
      await sleepAtLeast(ms);
      logger.warn({ sequence: request.sequence, pid: process.pid }, 'handler sends SIGKILL to its own process (D19)');
      process.kill(process.pid, 'SIGKILL');
      return new Promise<never>(() => undefined);
    },
  };
}

/** D25: the request bytes twice in a row. */
export function doublingHandler(): HandlerSpec {
  return { what: 'doubles the request', delayMs: 0, respond: (request) => Buffer.concat([request.data, request.data]) };
}

/** D36: response byte i = request byte i XOR key, in a new buffer. */
export function xorHandler(key: number): HandlerSpec {
  return {
    what: `XOR 0x${key.toString(16).padStart(2, '0')}`,
    delayMs: 0,
    respond: (request) => {
      const out = Buffer.allocUnsafe(request.size);
      const data = request.data;
      for (let i = 0; i < out.length; i++) out[i] = data[i]! ^ key;
      return out;
    },
  };
}

/** A D36 key: `0x`-hex or decimal, 0–255; anything else fails the step. */
export function parseXorKey(text: string): number {
  const m = /^(?:0[xX]([0-9a-fA-F]+)|(\d+))$/.exec(text.trim());
  if (m === null) fail(`XOR key ${JSON.stringify(text)}: expected 0x-hex or decimal`);
  const key = m[1] !== undefined ? parseInt(m[1], 16) : Number(m[2]);
  if (!(key >= 0 && key <= 255)) fail(`XOR key ${JSON.stringify(text)} = ${key}: must be within 0–255`);
  return key;
}
