// Feature 13 — disposing a channel (scenario 13.10): the server stops with responses pending
// (D50); the client still receives them, then WriterDeadError (D51, D52); closing the client
// leaves no residue of either buffer (D53); and a new server process re-creates the channel under
// the same name and serves an echo (D55, after D54).
import { WriterDeadError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { expectEqual, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { inspectOieb } from '../../harness/diagnostics/snap';
import { checkResidue } from '../../harness/diagnostics/residue';
import { SEQ_FRAME_SIZE } from '../../harness/model/config';
import { LOOP_READ_SLICE, T_READ, pollUntil } from '../../harness/model/timing';
import { checkEqualsRequest, receive, requestWithSequence, roundTrip, serverPhase, startServer } from '../../harness/servo/actions/duplex';
import { echoHandler } from '../../harness/servo/actions/duplex-handlers';
import type { ReceivedResponse } from '../../harness/servo/state/duplex';

/** D50: how long the server may take to consume every request and become idle. */
const DRAIN_LIMIT_MS = 5000;
/** D51: receives of at most this many attempts, each with a 1 s timeout. */
const PENDING_ATTEMPTS = 10;

defineStep({
  id: 'D50',
  keyword: 'When',
  pattern: "the '{role}' process disposes server while '{uint}' responses pending",
  runsIn: 'process',
  summary:
    'Wait (≤ 5 s) until `<ch>_request` has no unread frame and the handler is idle; pending = `<ch>_response` payload_written_count − payload_read_count (inspection) must equal count. Then stop the server; afterwards `<ch>_response` writer_pid = 0 and RESIDUE(`<ch>_request`).',
  servo: async (ctx, _role: string, count: number) => {
    const e = ctx.objects.requireServer();
    const drained = () => {
      const o = inspectOieb(e.request);
      return o.payloadReadCount === o.payloadWrittenCount && serverPhase(e) === 'waiting';
    };
    if (!(await pollUntil(drained, DRAIN_LIMIT_MS))) {
      const o = inspectOieb(e.request);
      fail(`${e.request}: not drained with an idle handler within ${DRAIN_LIMIT_MS} ms (written ${o.payloadWrittenCount}, read ${o.payloadReadCount}, server phase ${serverPhase(e)})`);
    }
    const o = inspectOieb(e.response);
    expectEqual(`pending responses = ${e.response} payload_written_count ${o.payloadWrittenCount} − payload_read_count ${o.payloadReadCount}`, BigInt(count), o.payloadWrittenCount - o.payloadReadCount);
    await e.server.stop();
    expectEqual(`after stopping the server: ${e.response} writer_pid`, 0n, inspectOieb(e.response).writerPid);
    checkResidue('after stopping the server: its request buffer', e.request);
  },
});

defineStep({
  id: 'D51',
  keyword: 'Then',
  pattern: "the '{role}' process attempts to receive pending responses",
  runsIn: 'process',
  boundMs: PENDING_ATTEMPTS * LOOP_READ_SLICE,
  summary: 'Receive repeatedly with a 1 s timeout until a receive throws or 10 attempts were made; record the responses obtained and the terminating outcome.',
  servo: async (ctx) => {
    const c = ctx.objects.requireClient();
    const before = c.responses.length;
    const responses: ReceivedResponse[] = [];
    let ended: unknown = null;
    let attempts = 0;
    while (attempts < PENDING_ATTEMPTS && ended === null) {
      attempts++;
      try {
        const r = await receive(c, LOOP_READ_SLICE);
        if (r !== null) responses.push(r);
      } catch (e) {
        ended = e;
      }
    }
    c.drained = { before, responses, ended, attempts };
    ctx.logger.info({ received: responses.map((r) => r.sequence), attempts, ended: ended !== null }, 'pending responses received');
  },
});

defineStep({
  id: 'D52',
  keyword: 'Then',
  pattern: "the '{role}' process should receive exception on pending",
  runsIn: 'process',
  summary:
    'The D51 series ended with WriterDeadError ZB_WRITER_DEAD (graceful: server gone, everything published consumed); before that it delivered exactly (requests sent − responses received earlier) responses, each equal to its request.',
  servo: (ctx) => {
    const c = ctx.objects.requireClient();
    const d = c.drained;
    if (d === null) fail(`client of ${c.channel}: no series of receives was attempted (no earlier D51 step)`);
    expectErrorClassCode(`the error that ended the series of ${d.attempts} receives`, d.ended ?? undefined, WriterDeadError, 'ZB_WRITER_DEAD');
    expectTrue('WriterDeadError.graceful (the server closed its writer and every published response was consumed)', (d.ended as WriterDeadError).graceful);
    expectEqual(`responses the series delivered = requests sent ${c.requests.length} − responses received earlier ${d.before}`, c.requests.length - d.before, d.responses.length);
    for (const r of d.responses) checkEqualsRequest(`pending response ${r.sequence}`, r, requestWithSequence(c, r.sequence));
  },
});

defineStep({
  id: 'D53',
  keyword: 'Then',
  pattern: 'all shared memory should be cleaned up',
  runsIn: 'process',
  summary: 'Close the client (its last use in the scenario); then RESIDUE holds for both `<ch>_request` and `<ch>_response`.',
  servo: (ctx) => {
    const c = ctx.objects.requireClient();
    c.client.close();
    checkResidue('after closing the client: the request buffer', c.request);
    checkResidue('after closing the client: the response buffer', c.response);
  },
});

defineStep({
  id: 'D55',
  keyword: 'Then',
  pattern: 'the new server should reuse same channel name successfully',
  runsIn: 'process',
  summary:
    'Start the new server with an echo handler: `<ch>_request` is created again under the same resolved name and is FRESH(4096, 1048576) with this process as reader; a temporary client in this process (response buffer mirrored) completes one 1024-byte echo round trip within T_read; the server is stopped and the client closed afterwards.',
  servo: async (ctx) => {
    const e = ctx.objects.requireServer();
    await startServer(ctx, e, echoHandler());
    await roundTrip(ctx, e, SEQ_FRAME_SIZE, T_READ);
  },
});
