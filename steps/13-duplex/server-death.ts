// Feature 13 — a server that dies mid-request (scenario 13.5): the host observes the crash its
// handler armed (D21), the client waits for the response (D22) and detects the dead server (D23,
// D24).
import { WriterDeadError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { isPidAlive } from '../../harness/diagnostics/pids';
import { T_REAP } from '../../harness/model/timing';
import { inspectOieb } from '../../harness/diagnostics/snap';
import { receive } from '../../harness/servo/actions/duplex';
import type { HostStepContext } from '../../harness/host/context';
import type { ReceivedResponse } from '../../harness/servo/state/duplex';

/** The channel the scenario names last (steps.md §3.4 item 6), resolved. */
export function scenarioChannel(hctx: HostStepContext): string {
  const base = hctx.scenarioBuffer();
  if (base === undefined) fail('no channel has been named in this scenario');
  return hctx.naming.resolveChannel(base);
}

/** Slack D23 allows beyond the receive's own timeout. */
const DETECTION_SLACK_MS = 1500;

defineStep({
  id: 'D21',
  keyword: 'When',
  pattern: "the '{role}' process simulates crash during processing",
  runsIn: 'host-role',
  boundMs: T_REAP,
  summary:
    'Wait (≤ 5 s) until the server process has exited and been reaped; it must have died from SIGKILL (the death its handler armed, declared by D19). By inspection: `<ch>_request` payload_read_count ≥ 1 (the request was taken) and reader_pid still the victim, `<ch>_response` payload_written_count = 0 (no response produced).',
  host: async (hctx, role: string) => {
    const servo = hctx.current(role);
    if (servo === undefined) fail(`the scenario has no '${role}' process`);
    await hctx.declaredDeath(servo).wait({ signal: 'SIGKILL' }, T_REAP);
    const channel = scenarioChannel(hctx);
    const request = inspectOieb(`${channel}_request`);
    expectTrue(`${channel}_request payload_read_count ≥ 1 (the request was taken before the crash)`, request.payloadReadCount >= 1n, request.payloadReadCount);
    expectEqual(`${channel}_request reader_pid still records the crashed server (no cleanup ran)`, BigInt(servo.pid), request.readerPid);
    expectEqual(`${channel}_response payload_written_count (no response was produced)`, 0n, inspectOieb(`${channel}_response`).payloadWrittenCount);
  },
});

defineStep({
  id: 'D22',
  keyword: 'Then',
  pattern: "the '{role}' process waits for response with timeout '{uint}' seconds",
  runsIn: 'process',
  bound: (_role: string, seconds: number) => seconds * 1000,
  summary: 'receiveResponse with that timeout; the outcome (response, null or error) and the elapsed time are recorded as lastRead.',
  servo: async (ctx, _role: string, seconds: number) => {
    const c = ctx.objects.requireClient();
    const o = await ctx.outcomes.attempt('lastRead', null, () => receive(c, seconds * 1000), { timeoutMs: seconds * 1000 });
    ctx.logger.info({ ok: o.ok, elapsedMs: Math.round(o.elapsedMs), error: o.ok ? undefined : describeError(o.error) }, 'waited for a response');
  },
});

defineStep({
  id: 'D23',
  keyword: 'Then',
  pattern: "the '{role}' process should detect server death",
  runsIn: 'process',
  summary: 'lastRead produced no response and ended within its timeout + 1.5 s, and by inspection `<ch>_response` writer_pid is 0 or not alive.',
  servo: (ctx) => {
    const c = ctx.objects.requireClient();
    const o = ctx.outcomes.get('lastRead');
    const timeoutMs = Number(o.details.timeoutMs);
    const response = o.ok ? (o.value as ReceivedResponse | null) : null;
    if (response !== null) fail(`lastRead: expected no response from the dead server, observed response ${response.sequence} (${response.bytes.length} bytes)`);
    expectTrue(`lastRead ended within its timeout ${timeoutMs} ms + ${DETECTION_SLACK_MS} ms`, o.elapsedMs <= timeoutMs + DETECTION_SLACK_MS, `${o.elapsedMs.toFixed(0)} ms`);
    const writerPid = inspectOieb(c.response).writerPid;
    expectTrue(`${c.response} writer_pid is 0 or not alive`, writerPid === 0n || !isPidAlive(writerPid), writerPid);
  },
});

defineStep({
  id: 'D24',
  keyword: 'Then',
  pattern: 'an appropriate exception should be thrown',
  runsIn: 'process',
  summary: 'lastRead is a WriterDeadError with code ZB_WRITER_DEAD.',
  servo: (ctx) => {
    const o = ctx.outcomes.get('lastRead');
    expectErrorClassCode('lastRead (waiting for the response of a dead server)', o.ok ? undefined : o.error, WriterDeadError, 'ZB_WRITER_DEAD');
  },
});
