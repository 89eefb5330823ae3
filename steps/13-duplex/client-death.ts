// Feature 13 — a client killed while it waits for a response (scenario 13.9): the host kills it
// (D43); the server finishes the request (D44), its response write fails (D45) with the client's
// death, reported once (D46), and the failure stays contained: the same process serves a new
// request through a new server on the same channel (D47, steps.md Appendix B 13.9).
import { ReaderDeadError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { inspectOieb } from '../../harness/diagnostics/snap';
import { checkResidue } from '../../harness/diagnostics/residue';
import { SEQ_FRAME_SIZE } from '../../harness/model/config';
import { T_REAP, now, pollUntil, sleepAtLeast } from '../../harness/model/timing';
import { constructServer, examineErrors, roundTrip, serverPhase, startServer } from '../../harness/servo/actions/duplex';
import { scenarioChannel } from './server-death';

/** D44: how long after the handler started it may take to finish, beyond its own processing time. */
const FINISH_SLACK_MS = 3000;
/** D44: timer tolerance of the processing time. */
const PROCESSING_TOLERANCE_MS = 50;
/** D45: how long the outcome of the response write may take to become known. */
const WRITE_OUTCOME_LIMIT_MS = 2000;
/** D47: the new round trip may take the handler's processing time plus this. */
const ROUND_TRIP_SLACK_MS = 5000;

defineStep({
  id: 'D43',
  keyword: 'When',
  pattern: "the '{role}' process simulates crash after '{uint}' second",
  runsIn: 'host-role',
  bound: (_role: string, seconds: number) => seconds * 1000 + T_REAP,
  summary:
    'Sleep seconds from the step\'s start, then SIGKILL the client per steps.md §1.3; at the moment of the kill `<ch>_response` payload_written_count must still be 0 (the client dies while waiting); afterwards its reader_pid still records the victim.',
  host: async (hctx, role: string, seconds: number) => {
    const t0 = now();
    const victim = hctx.current(role);
    if (victim === undefined) fail(`the scenario has no '${role}' process`);
    const response = `${scenarioChannel(hctx)}_response`;
    const left = seconds * 1000 - (now() - t0);
    if (left > 0) await sleepAtLeast(left);
    expectEqual(`${response} payload_written_count at the moment of the kill (the client dies while waiting)`, 0n, inspectOieb(response).payloadWrittenCount);
    await hctx.killRole(role);
    expectEqual(`after SIGKILL of the '${role}' process: ${response} reader_pid still records it (no graceful cleanup ran)`, BigInt(victim.pid), inspectOieb(response).readerPid);
  },
});

defineStep({
  id: 'D44',
  keyword: 'Then',
  pattern: "the '{role}' process completes processing after '{uint}' seconds",
  runsIn: 'process',
  bound: (_role: string, seconds: number) => seconds * 1000 + FINISH_SLACK_MS,
  summary: 'Wait (≤ seconds + 3 s after the handler started) until the handler has finished the request; its processing time must be ≥ seconds − 50 ms.',
  servo: async (ctx, _role: string, seconds: number) => {
    const e = ctx.objects.requireServer();
    const limitMs = seconds * 1000 + FINISH_SLACK_MS;
    if (!(await pollUntil(() => e.handled.length > 0, limitMs))) fail(`server of ${e.channel}: the handler started no request within ${limitMs} ms`);
    const rec = e.handled[e.handled.length - 1]!;
    if (!(await pollUntil(() => rec.endedAt !== null, rec.startedAt + limitMs - now()))) fail(`handler of request ${rec.sequence}: not finished ${limitMs} ms after it started`);
    const processingMs = rec.endedAt! - rec.startedAt;
    expectTrue(`handler of request ${rec.sequence}: processing time ${processingMs.toFixed(1)} ms ≥ ${seconds} s − ${PROCESSING_TOLERANCE_MS} ms`, processingMs >= seconds * 1000 - PROCESSING_TOLERANCE_MS);
  },
});

defineStep({
  id: 'D45',
  keyword: 'Then',
  pattern: "the '{role}' process attempts to send response",
  runsIn: 'process',
  boundMs: WRITE_OUTCOME_LIMIT_MS,
  summary:
    "Wait (≤ 2 s) until the outcome of the server's response write for the handler's latest finished request is known (an error reported through the error callback, or the response published); record it as lastWrite.",
  servo: async (ctx) => {
    const e = ctx.objects.requireServer();
    let k = e.handled.length;
    while (k > 0 && e.handled[k - 1]!.endedAt === null) k--;
    if (k === 0) fail(`server of ${e.channel}: the handler has finished no request, so no response is being written`);
    const rec = e.handled[k - 1]!;
    const reported = () => e.errors.length > e.examined;
    const known = await pollUntil(() => e.server.requestsServed >= k || reported(), WRITE_OUTCOME_LIMIT_MS);
    if (!known) fail(`response to request ${rec.sequence}: neither published (responses published: ${e.server.requestsServed}) nor failed within ${WRITE_OUTCOME_LIMIT_MS} ms`);
    const published = e.server.requestsServed >= k;
    const failure = published ? undefined : e.errors[e.examined]!;
    ctx.outcomes.record('lastWrite', {
      ok: published,
      error: failure?.error,
      startedAt: rec.endedAt!,
      elapsedMs: (failure?.at ?? now()) - rec.endedAt!,
      snapBefore: null,
      details: { request: rec.sequence },
    });
  },
});

defineStep({
  id: 'D46',
  keyword: 'Then',
  pattern: "the '{role}' process detects client death when writing",
  runsIn: 'process',
  summary: "lastWrite is a ReaderDeadError with code ZB_READER_DEAD, reported exactly once through the server's error callback.",
  servo: (ctx) => {
    const e = ctx.objects.requireServer();
    const o = ctx.outcomes.get('lastWrite');
    expectErrorClassCode('lastWrite (the response write to a dead client)', o.ok ? undefined : o.error, ReaderDeadError, 'ZB_READER_DEAD');
    expectEqual(`errors the server of ${e.channel} reported through its error callback`, 1, e.errors.length);
    expectTrue('the one reported error is the lastWrite error', e.errors[0]!.error === o.error, describeError(e.errors[0]!.error));
    examineErrors(e);
  },
});

defineStep({
  id: 'D47',
  keyword: 'Then',
  pattern: "the '{role}' process continues processing other requests",
  runsIn: 'process',
  summary:
    'The failure stayed contained: this process is still the role\'s process and answers, the failed server has stopped (isRunning false, RESIDUE of `<ch>_request`) and reported only the ReaderDeadError. Then a new server on the same channel with the same handler and a temporary client in this process (response buffer mirrored as in D03) complete one 1024-byte round trip within the handler delay + 5 s; both are closed afterwards.',
  servo: async (ctx) => {
    const failed = ctx.objects.requireServer();
    expectEqual(`this process is still the '${ctx.role}' role's process (host routing table)`, ctx.pid, ctx.host.roles[ctx.role]?.[0]);
    expectEqual(`failed server of ${failed.channel}: isRunning`, false, failed.server.isRunning);
    expectEqual(`failed server of ${failed.channel}: loop phase`, 'stopped', serverPhase(failed));
    checkResidue(`the failed server's request buffer (a server serves one client)`, failed.request);
    expectEqual(`errors the failed server reported`, 1, failed.errors.length);
    expectErrorClassCode('the one error the failed server reported', failed.errors[0]!.error, ReaderDeadError, 'ZB_READER_DEAD');
    const handler = failed.handler;
    if (handler === null) fail(`the failed server of ${failed.channel} was never started: there is no handler to serve with`);
    const fresh = constructServer(ctx, failed.base, failed.config, failed.server.processingMode, false);
    await startServer(ctx, fresh, handler);
    await roundTrip(ctx, fresh, SEQ_FRAME_SIZE, handler.delayMs + ROUND_TRIP_SLACK_MS);
  },
});
