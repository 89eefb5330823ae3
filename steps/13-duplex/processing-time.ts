// Feature 13 — sequential processing proved by time (scenario 13.4): D16 measures the total
// response time of the pipelined batch of D07/D11, D17 bounds it from below, D18 checks the order.
import { defineStep } from '../../harness/registry';
import { expectEqual, expectTrue, fail } from '../../harness/assert';
import { T_READ } from '../../harness/model/timing';
import { checkEqualsRequest, mustReceive, requestWithSequence } from '../../harness/servo/actions/duplex';
import type { ServoContext } from '../../harness/servo/context';

/** The D16 measurement of the current client; fails when no step measured. */
function measured(ctx: ServoContext) {
  const c = ctx.objects.requireClient();
  if (c.measured === null) fail(`client of ${c.channel}: no total response time was measured (no earlier D16 step)`);
  return { c, m: c.measured };
}

/** Requests sent that have no response yet. */
function unansweredCount(ctx: ServoContext): number {
  const c = ctx.objects.requireClient();
  const answered = new Set(c.responses.map((r) => r.sequence));
  return c.requests.filter((q) => !answered.has(q.sequence)).length;
}

defineStep({
  id: 'D16',
  keyword: 'When',
  pattern: "the '{role}' process measures total response time",
  runsIn: 'process',
  // one T_read per request in flight: the count is only known in the servo, so allow a generous batch
  boundMs: 20 * T_READ,
  summary: 'Receive one response per unanswered request (T_read each); total = receive time of the last − send time of the first request of the D07/D11 batch; record it.',
  servo: async (ctx) => {
    const c = ctx.objects.requireClient();
    if (c.batchStartedAt === null) fail(`client of ${c.channel}: no batch of requests was sent (D07/D11), so there is no first send time`);
    const n = unansweredCount(ctx);
    expectTrue(`client of ${c.channel}: unanswered requests to measure`, n > 0, n);
    const responses = [];
    for (let k = 1; k <= n; k++) responses.push(await mustReceive(c, `response ${k} of ${n}`));
    const totalMs = responses[n - 1]!.receivedAt - c.batchStartedAt;
    c.measured = { totalMs, responses };
    ctx.logger.info({ responses: n, totalMs: Math.round(totalMs) }, 'total response time measured');
  },
});

defineStep({
  id: 'D17',
  keyword: 'Then',
  pattern: "total time should be at least '{uint}' ms",
  runsIn: 'process',
  summary: 'The total recorded by D16 ≥ ms.',
  servo: (ctx, ms: number) => {
    const { m } = measured(ctx);
    expectTrue(`total response time ${m.totalMs.toFixed(1)} ms ≥ ${ms} ms`, m.totalMs >= ms);
  },
});

defineStep({
  id: 'D18',
  keyword: 'Then',
  pattern: 'responses should arrive in order',
  runsIn: 'process',
  summary: 'The responses of D16 had ascending consecutive sequences and each equals its request.',
  servo: (ctx) => {
    const { c, m } = measured(ctx);
    const first = m.responses[0]!.sequence;
    m.responses.forEach((r, i) => {
      expectEqual(`response ${i + 1} of ${m.responses.length} measured by D16: sequence (ascending and consecutive)`, first + BigInt(i), r.sequence);
      checkEqualsRequest(`response ${i + 1} of ${m.responses.length}`, r, requestWithSequence(c, r.sequence));
    });
  },
});
