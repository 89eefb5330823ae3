// Feature 13 — an immutable handler that transforms (scenario 13.8): the XOR response is checked
// on every byte with a key the client infers (D38), the request is still intact in the request
// ring (D39) and the response is one new frame of the response ring (D40).
import { defineStep } from '../../harness/registry';
import { expectEqual, expectTrue, fail } from '../../harness/assert';
import { inspectOieb } from '../../harness/diagnostics/snap';
import { describeMismatch, firstMismatch } from '../../harness/model/patterns';
import { checkRequestInRing, mustReceive, oldestUnanswered, requestWithSequence } from '../../harness/servo/actions/duplex';
import type { ServoContext } from '../../harness/servo/context';

/** The latest response of the current client and the request it answers. */
function latestExchange(ctx: ServoContext) {
  const c = ctx.objects.requireClient();
  const r = c.responses[c.responses.length - 1];
  if (r === undefined) fail(`client of ${c.channel}: no response has been received`);
  return { c, r, q: requestWithSequence(c, r.sequence) };
}

defineStep({
  id: 'D38',
  keyword: 'Then',
  pattern: 'response should contain XOR transformed data',
  runsIn: 'process',
  summary:
    'Receive one response (T_read): same size and sequence as the request it answers; k = response[0] XOR request[0] must be non-zero and every byte must satisfy response[i] = request[i] XOR k (the key is inferred, not told).',
  servo: async (ctx) => {
    const c = ctx.objects.requireClient();
    const q = oldestUnanswered(c);
    const r = await mustReceive(c, `response to request ${q.sequence}`);
    expectEqual('response sequence = request sequence', q.sequence, r.sequence);
    expectEqual('response size = request size', q.bytes.length, r.bytes.length);
    expectTrue('request of at least one byte (the key is inferred from byte 0)', q.bytes.length > 0);
    const key = r.bytes[0]! ^ q.bytes[0]!;
    expectTrue('inferred XOR key = response[0] XOR request[0] is non-zero', key !== 0, key);
    const expected = Buffer.from(q.bytes).map((b) => b ^ key);
    const mm = firstMismatch(r.bytes, expected);
    if (mm !== null) fail(describeMismatch(`response ${r.sequence} vs request ${q.sequence} XOR 0x${key.toString(16)}`, mm));
    ctx.logger.info({ key }, 'XOR key inferred and verified on every byte');
  },
});

defineStep({
  id: 'D39',
  keyword: 'Then',
  pattern: 'the server handler receives immutable request frame',
  runsIn: 'process',
  summary:
    'By inspection of `<ch>_request`, the frame of the request the latest response answers still has its original header (size, sequence) and bytes at its offset: the server did not modify it in place.',
  servo: (ctx) => {
    const { c, q } = latestExchange(ctx);
    checkRequestInRing(c, q);
  },
});

defineStep({
  id: 'D40',
  keyword: 'Then',
  pattern: 'the server handler returns new response data',
  runsIn: 'process',
  summary:
    "The latest response came through `<ch>_response` (a zero-copy view of the client's response reader) and `<ch>_response` payload_written_count equals the number of requests answered (one new frame per request).",
  servo: (ctx) => {
    const { c, r } = latestExchange(ctx);
    expectEqual(`response ${r.sequence}: isZeroCopy`, true, r.isZeroCopy);
    expectEqual(`response ${r.sequence}: read through the reader of`, c.response, r.viaReader);
    expectEqual(`${c.response} payload_written_count = requests answered`, BigInt(c.responses.length), inspectOieb(c.response).payloadWrittenCount);
  },
});
