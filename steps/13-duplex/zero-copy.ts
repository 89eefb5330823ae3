// Feature 13 — zero-copy requests (scenario 13.7): the client acquires a view into the request
// ring (D31), fills it in place (D32) and commits it (D33); the echo carries the pattern (D34) and
// the bytes went to shared memory with no intermediate copy (D35).
import { defineStep } from '../../harness/registry';
import { expectEqual, fail } from '../../harness/assert';
import { inspectOieb, snapFromShm } from '../../harness/diagnostics/snap';
import { checkFramePattern, describeMismatch, framePattern } from '../../harness/model/patterns';
import { fillAcquired } from '../../harness/servo/actions/write';
import { placement } from '../../harness/model/ring-model';
import { T_WRITE, now } from '../../harness/model/timing';
import { checkClientCounter, checkRequestInRing, mustReceive, recordRequest, requestWithSequence } from '../../harness/servo/actions/duplex';
import type { ServoContext } from '../../harness/servo/context';

/** The committed zero-copy request of the current client (D33). */
function committed(ctx: ServoContext) {
  const c = ctx.objects.requireClient();
  if (c.committed === null) fail(`client of ${c.channel}: no zero-copy request was committed (no earlier D33 step)`);
  return { c, k: c.committed };
}

defineStep({
  id: 'D31',
  keyword: 'When',
  pattern: "the '{role}' process acquires zero-copy request buffer of size '{uint}'",
  runsIn: 'process',
  summary:
    "acquireRequest(size) (T_write): data.length = size, isZeroCopy true, sequence = the client's next request sequence; nothing published yet (`<ch>_request` payload_written_count unchanged).",
  servo: async (ctx, _role: string, size: number) => {
    const c = ctx.objects.requireClient();
    if (c.acquired !== null) fail(`client of ${c.channel} already holds an acquired request (sequence ${c.acquired.sequence})`);
    checkClientCounter(c);
    const before = snapFromShm(c.request);
    const frame = await c.client.acquireRequest(size, T_WRITE);
    c.acquired = { frame, size, sequence: frame.sequence, snapBefore: before };
    expectEqual('acquired request: data.length', size, frame.data.length);
    expectEqual('acquired request: isZeroCopy', true, frame.isZeroCopy);
    expectEqual("acquired request: sequence = the client's next request sequence", c.nextSeq, frame.sequence);
    expectEqual(`${c.request} payload_written_count unchanged by the acquisition (nothing published)`, before.oieb.payloadWrittenCount, inspectOieb(c.request).payloadWrittenCount);
  },
});

defineStep({
  id: 'D32',
  keyword: 'When',
  pattern: "the '{role}' process fills buffer with test pattern",
  runsIn: 'process',
  summary: 'Fill the acquired request view in place with F(size, sequence); fails if nothing is acquired.',
  servo: (ctx) => {
    const c = ctx.objects.requireClient();
    const a = c.acquired;
    if (a === null) fail(`client of ${c.channel} has no acquired request to fill`);
    fillAcquired(a, 'acquired request view');
  },
});

defineStep({
  id: 'D33',
  keyword: 'When',
  pattern: "the '{role}' process commits request",
  runsIn: 'process',
  summary:
    'commit() must succeed and return the acquired sequence; the view now has length 0; `<ch>_request` payload_written_count rises by 1 (2 with a wrap marker); the request is recorded (bytes regenerated from the pattern).',
  servo: (ctx) => {
    const c = ctx.objects.requireClient();
    const a = c.acquired;
    if (a === null) fail(`client of ${c.channel} has no acquired request to commit`);
    const before = inspectOieb(c.request);
    const sentAt = now();
    const seq = a.frame.commit();
    c.acquired = null;
    expectEqual('commit(): returned sequence = acquired sequence', a.sequence, seq);
    expectEqual('committed request view length', 0, a.frame.data.length);
    const plan = placement(Number(before.payloadSize), Number(before.payloadWritePos), a.size);
    const grew = inspectOieb(c.request).payloadWrittenCount - before.payloadWrittenCount;
    expectEqual(`${c.request} payload_written_count increase on commit (1, or 2 with a wrap marker)`, plan.markerWritten ? 2n : 1n, grew);
    recordRequest(c, seq, framePattern(a.size, seq), sentAt);
    c.committed = { ...a, isZeroCopy: a.frame.isZeroCopy };
  },
});

defineStep({
  id: 'D34',
  keyword: 'Then',
  pattern: 'response should contain same test pattern',
  runsIn: 'process',
  summary: "Receive one response (T_read): size and sequence equal the committed request's, and the bytes equal F(size, sequence).",
  servo: async (ctx) => {
    const { c, k } = committed(ctx);
    const r = await mustReceive(c, `response to the committed request ${k.sequence}`);
    expectEqual('response sequence = committed request sequence', k.sequence, r.sequence);
    expectEqual('response size = committed request size', k.size, r.bytes.length);
    const mm = checkFramePattern(r.bytes, k.sequence);
    if (mm !== null) fail(describeMismatch(`response ${r.sequence} vs F(${k.size}, ${k.sequence})`, mm));
  },
});

defineStep({
  id: 'D35',
  keyword: 'Then',
  pattern: 'no memory allocations in send path',
  runsIn: 'process',
  summary:
    'The acquired request buffer was a zero-copy view into the request ring (isZeroCopy), detached by the commit, and by inspection the frame at its offset in `<ch>_request` carries its size, sequence and the bytes F(size, sequence).',
  servo: (ctx) => {
    const { c, k } = committed(ctx);
    expectEqual('committed request view: isZeroCopy', true, k.isZeroCopy);
    expectEqual('committed request view: length after the commit (detached)', 0, k.frame.data.length);
    // recorded by D33 with the bytes regenerated from the pattern: F(size, sequence)
    checkRequestInRing(c, requestWithSequence(c, k.sequence));
  },
});
