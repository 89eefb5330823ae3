// Feature 13 — the client: connecting (D03), sending requests (D04, D07, D11, D20, D37, D42, D48)
// and receiving their responses, matched to the requests by sequence (D05, D08–D10, D12, D13,
// D49). Request payloads are F(size, sequence) unless a step says REQ(i) (steps.md §3.3).
import { defineStep } from '../../harness/registry';
import { expectEqual, expectTrue } from '../../harness/assert';
import { SEQ_FRAME_SIZE } from '../../harness/model/config';
import { textPattern } from '../../harness/model/patterns';
import { T_QUIET, T_READ, T_WRITE } from '../../harness/model/timing';
import {
  checkAnswers,
  checkEqualsRequest,
  connectMirroredClient,
  expectNoMoreResponses,
  mustReceive,
  oldestUnanswered,
  requestWithSequence,
  sendPatternRequest,
  sendRequest,
} from '../../harness/servo/actions/duplex';
import type { ServoContext } from '../../harness/servo/context';
import type { ClientEntry, ReceivedResponse } from '../../harness/servo/state/duplex';

/** D07/D11: REQ(1) … REQ(count), each awaited before the next, without waiting for responses; the first one's send time is kept. */
async function sendNumberedRequests(ctx: ServoContext, count: number): Promise<void> {
  const c = ctx.objects.requireClient();
  for (let i = 1; i <= count; i++) {
    const q = await sendRequest(c, textPattern(`Request ${i}`));
    if (i === 1) c.batchStartedAt = q.sentAt;
  }
}

/** Receives `count` responses (T_read each); each is checked by `check` (k = 1 … count). */
async function receiveResponses(c: ClientEntry, count: number, check: (k: number, r: ReceivedResponse) => void): Promise<void> {
  for (let k = 1; k <= count; k++) check(k, await mustReceive(c, `response ${k} of ${count}`));
}

/** Every response received so far equals, byte for byte, the request with its sequence. */
function checkAllMatch(c: ClientEntry): void {
  for (const r of c.responses) checkEqualsRequest(`response ${r.sequence}`, r, requestWithSequence(c, r.sequence));
}

/** D04, D20, D37: one F(size, seq) request. */
async function sendSized(ctx: ServoContext, _role: string, size: number): Promise<void> {
  await sendPatternRequest(ctx.objects.requireClient(), size);
}

const SEND_F = "Send F(size, seq) with seq = the client's next request sequence; sendRequest must return seq; record the request.";

defineStep({
  id: 'D03',
  keyword: 'When',
  pattern: "the '{role}' process creates duplex channel client '{name}'",
  runsIn: 'process',
  summary:
    "Read metadata_size/payload_size of `<ch>_request` by inspection and create the client with exactly that response-buffer configuration; `<ch>_request` writer_pid = own PID, `<ch>_response` FRESH with this process as reader, request sequence counter 1.",
  servo: async (ctx, _role: string, name: string) => {
    await connectMirroredClient(ctx, name, true);
  },
});

defineStep({
  id: 'D04',
  keyword: 'When',
  pattern: "the '{role}' process sends request with size '{uint}'",
  runsIn: 'process',
  summary: SEND_F,
  servo: sendSized,
});

defineStep({
  id: 'D20',
  keyword: 'When',
  pattern: "the '{role}' process sends request of '{uint}' bytes",
  runsIn: 'process',
  summary: `As D04: ${SEND_F}`,
  servo: sendSized,
});

defineStep({
  id: 'D37',
  keyword: 'When',
  pattern: "the '{role}' process sends '{uint}' byte frame with test pattern",
  runsIn: 'process',
  summary: `As D04: ${SEND_F}`,
  servo: sendSized,
});

defineStep({
  id: 'D42',
  keyword: 'When',
  pattern: "the '{role}' process sends request",
  runsIn: 'process',
  summary: `Send F(${SEQ_FRAME_SIZE}, seq) with seq = the client's next request sequence; sendRequest must return seq; record it.`,
  servo: async (ctx) => {
    await sendPatternRequest(ctx.objects.requireClient(), SEQ_FRAME_SIZE);
  },
});

defineStep({
  id: 'D48',
  keyword: 'When',
  pattern: "the '{role}' process sends '{uint}' requests",
  runsIn: 'process',
  bound: (_role: string, count: number) => count * T_WRITE,
  summary: `Send count requests F(${SEQ_FRAME_SIZE}, seq) one after another without waiting for responses; each must succeed; record them.`,
  servo: async (ctx, _role: string, count: number) => {
    const c = ctx.objects.requireClient();
    for (let i = 0; i < count; i++) await sendPatternRequest(c, SEQ_FRAME_SIZE);
  },
});

defineStep({
  id: 'D07',
  keyword: 'When',
  pattern: "the '{role}' process sends '{uint}' requests sequentially",
  runsIn: 'process',
  bound: (_role: string, count: number) => count * T_WRITE,
  summary: 'Send REQ(1) … REQ(count) one after another without waiting for responses; each must succeed (returned sequence = next request sequence); record the send time of the first.',
  servo: (ctx, _role: string, count: number) => sendNumberedRequests(ctx, count),
});

defineStep({
  id: 'D11',
  keyword: 'When',
  pattern: "the '{role}' process sends '{uint}' requests from single thread",
  runsIn: 'process',
  bound: (_role: string, count: number) => count * T_WRITE,
  summary: 'Same as D07: all sends issued from the one JavaScript thread, each awaited before the next.',
  servo: (ctx, _role: string, count: number) => sendNumberedRequests(ctx, count),
});

defineStep({
  id: 'D05',
  keyword: 'Then',
  pattern: "response should match request with size '{uint}'",
  runsIn: 'process',
  summary:
    "Receive one response (T_read): it must arrive with size = size, sequence = the oldest unanswered request's and bytes equal to that request's (whose size must also be size); release it.",
  servo: async (ctx, size: number) => {
    const c = ctx.objects.requireClient();
    const q = oldestUnanswered(c);
    expectEqual(`size of the oldest unanswered request (sequence ${q.sequence})`, size, q.bytes.length);
    const r = await mustReceive(c, `response to request ${q.sequence}`);
    expectEqual(`response ${r.sequence}: size`, size, r.bytes.length);
    checkAnswers(`response to request ${q.sequence}`, r, q);
  },
});

defineStep({
  id: 'D08',
  keyword: 'Then',
  pattern: "the '{role}' process receives '{uint}' responses in order",
  runsIn: 'process',
  bound: (_role: string, count: number) => count * T_READ,
  summary: 'Receive count responses (T_read each); their sequences must be consecutive and ascending, starting at the oldest unanswered request.',
  servo: async (ctx, _role: string, count: number) => {
    const c = ctx.objects.requireClient();
    const first = oldestUnanswered(c).sequence;
    await receiveResponses(c, count, (k, r) =>
      expectEqual(`response ${k} of ${count}: sequence (consecutive and ascending from the oldest unanswered request ${first})`, first + BigInt(k - 1), r.sequence),
    );
  },
});

defineStep({
  id: 'D09',
  keyword: 'Then',
  pattern: 'responses should match requests by content',
  runsIn: 'process',
  summary: 'Every response received so far equals, byte for byte, the request with the same sequence (at least one response received).',
  servo: (ctx) => {
    const c = ctx.objects.requireClient();
    expectTrue(`client of ${c.channel}: responses received`, c.responses.length > 0, c.responses.length);
    checkAllMatch(c);
  },
});

defineStep({
  id: 'D10',
  keyword: 'Then',
  pattern: 'no responses should be lost or duplicated',
  runsIn: 'process',
  summary: 'The set of response sequences equals the set of request sequences sent, with no duplicates, and a T_quiet receive returns nothing.',
  servo: async (ctx) => {
    const c = ctx.objects.requireClient();
    const seen = new Set<bigint>();
    const duplicated = c.responses.filter((r) => seen.has(r.sequence) || !seen.add(r.sequence)).map((r) => r.sequence);
    expectEqual('response sequences received more than once', '', duplicated.join(','));
    const sorted = (xs: bigint[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(',');
    expectEqual('set of response sequences = set of request sequences sent', sorted(c.requests.map((q) => q.sequence)), sorted([...seen]));
    await expectNoMoreResponses(c, 'nothing lost is still in flight, nothing duplicated follows');
  },
});

defineStep({
  id: 'D12',
  keyword: 'Then',
  pattern: "the '{role}' process receives exactly '{uint}' responses",
  runsIn: 'process',
  bound: (_role: string, count: number) => count * T_READ + T_QUIET,
  summary: 'Receive count responses (T_read each), then a T_quiet receive must return nothing.',
  servo: async (ctx, _role: string, count: number) => {
    const c = ctx.objects.requireClient();
    await receiveResponses(c, count, () => undefined);
    await expectNoMoreResponses(c, `exactly ${count} responses`);
  },
});

defineStep({
  id: 'D13',
  keyword: 'Then',
  pattern: "all '{uint}' responses match their requests",
  runsIn: 'process',
  summary: 'Exactly count responses and count requests are recorded, and each response equals the request with the same sequence.',
  servo: (ctx, count: number) => {
    const c = ctx.objects.requireClient();
    expectEqual(`client of ${c.channel}: requests recorded`, count, c.requests.length);
    expectEqual(`client of ${c.channel}: responses recorded`, count, c.responses.length);
    checkAllMatch(c);
  },
});

defineStep({
  id: 'D49',
  keyword: 'When',
  pattern: "the '{role}' process receives '{uint}' responses",
  runsIn: 'process',
  bound: (_role: string, count: number) => count * T_READ,
  summary: 'Receive count responses (T_read each); each equals the request with its sequence; release each.',
  servo: async (ctx, _role: string, count: number) => {
    const c = ctx.objects.requireClient();
    await receiveResponses(c, count, (k, r) => checkEqualsRequest(`response ${k} of ${count}`, r, requestWithSequence(c, r.sequence)));
  },
});
