// Feature 13 — a full response ring (scenario 13.6, steps.md Appendix B 13.6): the client stops
// reading (D26); a further response written through the server's response writer (test hook)
// blocks (D27, D28) until the client reads one response (D29), then completes (D30).
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, fail } from '../../harness/assert';
import { inspectOieb } from '../../harness/diagnostics/snap';
import { simplePattern } from '../../harness/model/patterns';
import { T_WRITE, pollUntil } from '../../harness/model/timing';
import { mustReceive, oldestUnanswered, responseWriterEntry, serverPhase } from '../../harness/servo/actions/duplex';
import { awaitSettled, checkWaitingForSpace, checkWrittenFrame, startRecordedPendingWrite } from '../../harness/servo/actions/write';
import type { ServoContext } from '../../harness/servo/context';

/** D27: how long the server may take to finish a request and become idle. */
const IDLE_LIMIT_MS = 5000;

/** The response writer entry D27 wrote through. */
function testHookWriter(ctx: ServoContext) {
  const e = ctx.objects.requireServer();
  if (e.responseWriter === null) fail(`server of ${e.channel}: no response was written through its response writer (no earlier D27 step)`);
  return e.responseWriter;
}

defineStep({
  id: 'D26',
  keyword: 'When',
  pattern: "the '{role}' process does not read responses",
  runsIn: 'process',
  summary: 'Mark the client as not consuming (until a step reads a response again); `<ch>_response` payload_read_count must be 0 and no receive may be in flight.',
  servo: (ctx) => {
    const c = ctx.objects.requireClient();
    expectEqual(`${c.response} payload_read_count (no response consumed so far)`, 0n, inspectOieb(c.response).payloadReadCount);
    expectEqual(`client of ${c.channel}: receives in flight`, 0, c.receiving);
    c.consuming = false;
  },
});

defineStep({
  id: 'D27',
  keyword: 'When',
  pattern: "the '{role}' process attempts to send response of '{uint}' bytes",
  runsIn: 'process',
  summary:
    "Wait (≤ 5 s) until the handler has completed at least one request and the server is idle; SNAP `<ch>_response`; through the server's response writer (test hook) start a pending-capable write of S(size) with T_write (outcome recorded in lastWrite when it settles).",
  servo: async (ctx, _role: string, size: number) => {
    const e = ctx.objects.requireServer();
    const idle = () => e.handled.some((h) => h.endedAt !== null) && serverPhase(e) === 'waiting';
    if (!(await pollUntil(idle, IDLE_LIMIT_MS))) {
      fail(`server of ${e.channel}: not idle after a completed request within ${IDLE_LIMIT_MS} ms (requests handled ${e.handled.length}, phase ${serverPhase(e)})`);
    }
    await startRecordedPendingWrite(ctx, responseWriterEntry(e), simplePattern(size), T_WRITE);
  },
});

defineStep({
  id: 'D28',
  keyword: 'Then',
  pattern: "the '{role}' process should block on response write",
  runsIn: 'process',
  summary: 'The D27 write is still unsettled at least T_block after it started, and the RING MODEL on a fresh SNAP of `<ch>_response` says it does not fit.',
  servo: (ctx) => checkWaitingForSpace(ctx, testHookWriter(ctx), 'the response write through the server\'s response writer'),
});

defineStep({
  id: 'D29',
  keyword: 'When',
  pattern: "the '{role}' process reads one response",
  runsIn: 'process',
  summary: "The client reads again: receive one response (T_read); its sequence is the oldest unanswered request's; release it.",
  servo: async (ctx) => {
    const c = ctx.objects.requireClient();
    c.consuming = true;
    const q = oldestUnanswered(c);
    const r = await mustReceive(c, 'one response');
    expectEqual(`response sequence = the oldest unanswered request's`, q.sequence, r.sequence);
  },
});

defineStep({
  id: 'D30',
  keyword: 'Then',
  pattern: "the '{role}' process should unblock and complete write",
  runsIn: 'process',
  summary: 'The D27 write settles successfully within T_write + 1 s of its start; its frame sits where the RING MODEL placed it (header size and sequence, written count +1, +2 with a wrap marker).',
  servo: async (ctx) => {
    const w = testHookWriter(ctx);
    const what = "the blocked response write through the server's response writer";
    const p = ctx.writes.requirePending(w, what);
    await awaitSettled(p, what);
    p.observed = true;
    if (p.outcome?.ok !== true) fail(`${what}: expected it to complete, observed ${describeError(p.outcome?.error)}`);
    checkWrittenFrame(w, { sequence: p.expectedSeq, before: p.snapBefore, after: ctx.snapWriter(w) }, p.size);
    await ctx.writes.settle(w);
  },
});
