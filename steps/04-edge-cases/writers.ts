// Feature 04 — a filling buffer and a second writer inside the writer's own process
// (scenario 4.10): X44–X48.
import { Writer, WriterAlreadyConnectedError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { SEQ_FRAME_SIZE } from '../../harness/model/config';
import { framePattern } from '../../harness/model/patterns';
import { fits, ringStateOf } from '../../harness/model/ring-model';
import { T_WRITE } from '../../harness/model/timing';
import { checkWaitingForSpace, startPendingWrite, write } from '../../harness/servo/actions/write';
import type { Snap } from '../../harness/diagnostics/snap';
import type { ServoContext } from '../../harness/servo/context';
import type { WriterEntry } from '../../harness/servo/state/objects';

/** Used bytes (payload_size − payload_free_bytes) on a fresh SNAP and the target ceil(pct × payload_size) (steps.md X44, X47). */
function fillLevel(ctx: ServoContext, w: WriterEntry, pct: number): { used: number; target: number; snap: Snap } {
  const snap = ctx.snapWriter(w);
  const P = Number(snap.oieb.payloadSize);
  return { used: P - Number(snap.oieb.payloadFreeBytes), target: Math.ceil((pct * P) / 100), snap };
}

defineStep({
  id: 'X44',
  keyword: 'When',
  pattern: "the '{role}' process fills buffer to '{pct}' capacity",
  runsIn: 'process',
  summary: `Write F(${SEQ_FRAME_SIZE}, next) frames (T_write) until payload_size − payload_free_bytes ≥ ceil(pct × payload_size); no write may have WAITED; fails if the RING MODEL says the next frame cannot fit before the target is reached.`,
  servo: async (ctx, _role: string, pct: number) => {
    const w = ctx.objects.requireWriter();
    await ctx.writes.settle(w);
    let written = 0;
    for (;;) {
      const { used, target, snap } = fillLevel(ctx, w, pct);
      if (used >= target) return { written, used };
      expectTrue(
        `RING MODEL: the next ${SEQ_FRAME_SIZE}-byte frame fits before ${pct}% is reached (used ${used} of target ${target}; wp ${snap.oieb.payloadWritePos}, free ${snap.oieb.payloadFreeBytes})`,
        fits(ringStateOf(snap.oieb), SEQ_FRAME_SIZE),
      );
      const r = await write(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq), T_WRITE);
      expectEqual(`frame ${r.sequence} WAITED (RING MODEL on the SNAP before: wp ${r.before.oieb.payloadWritePos}, free ${r.before.oieb.payloadFreeBytes})`, false, r.waited);
      written++;
    }
  },
});

defineStep({
  id: 'X45',
  keyword: 'When',
  pattern: "the '{role}' process a second writer process attempts to connect to buffer '{name}'",
  runsIn: 'process',
  summary: 'Inside this process, while its first writer stays connected, attempt another writer connect to the resolved name; record lastConnect.',
  servo: async (ctx, _role: string, name: string) => {
    const first = ctx.objects.requireWriter();
    if (first.writer.closed) fail(`the first writer ${first.name} of this process is closed`);
    const resolved = ctx.resolve(name);
    const o = await ctx.outcomes.attempt(
      'lastConnect',
      ctx.snap(resolved),
      async () => {
        // a second writer that connects anyway is disposed at teardown but never becomes current
        const second = await Writer.connect(resolved);
        return ctx.objects.own(`second writer ${resolved}`, second, (x) => x.close(), (x) => !x.closed);
      },
      { name: resolved },
    );
    return { ok: o.ok };
  },
});

defineStep({
  id: 'X46',
  keyword: 'Then',
  pattern: "the '{role}' process the second writer should fail with writer exists error",
  runsIn: 'process',
  summary: 'lastConnect failed with WriterAlreadyConnectedError ZB_WRITER_EXISTS; OIEB writer_pid = own PID; the first writer is still open and isReaderConnected() on it is true.',
  servo: (ctx) => {
    const o = ctx.outcomes.get('lastConnect');
    expectErrorClassCode(`lastConnect (second writer for ${String(o.details.name)})`, o.ok ? undefined : o.error, WriterAlreadyConnectedError, 'ZB_WRITER_EXISTS');
    const first = ctx.objects.requireWriter();
    expectEqual(`first writer ${first.name} still open`, false, first.writer.closed);
    expectEqual(`OIEB writer_pid of ${first.name} = own PID`, BigInt(ctx.pid), ctx.snapWriter(first).oieb.writerPid);
    expectEqual(`isReaderConnected() on the first writer`, true, first.writer.isReaderConnected());
  },
});

defineStep({
  id: 'X47',
  keyword: 'When',
  pattern: "the '{role}' process continues filling buffer to '{pct}'",
  runsIn: 'process',
  summary: `Keep writing F(${SEQ_FRAME_SIZE}, next), each a pending-capable write with T_write, until used bytes ≥ pct of payload_size or a write is still unsettled after T_settle (it stays pending). Any write error fails the step.`,
  servo: async (ctx, _role: string, pct: number) => {
    const w = ctx.objects.requireWriter();
    let written = 0;
    for (;;) {
      const { used, target } = fillLevel(ctx, w, pct);
      if (used >= target) return { written, used, pending: false };
      const p = await startPendingWrite(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq), T_WRITE);
      if (!p.settled) {
        ctx.logger.info({ seq: p.expectedSeq, used, target }, 'write still pending after T_settle');
        return { written, used, pending: true };
      }
      p.observed = true;
      if (p.outcome?.ok !== true) fail(`write of F(${SEQ_FRAME_SIZE}, ${p.expectedSeq}) while filling to ${pct}%: expected success or pending, observed ${describeError(p.outcome?.error)}`);
      written++;
    }
  },
});

defineStep({
  id: 'X48',
  keyword: 'Then',
  pattern: "the '{role}' process should block waiting for space",
  runsIn: 'process',
  boundMs: 5_000,
  summary: 'Same as X37: a pending write exists; once it is T_block old it is still unsettled and the RING MODEL on a fresh SNAP says it does not fit.',
  servo: (ctx) => checkWaitingForSpace(ctx, ctx.objects.requireWriter(), 'should block waiting for space'),
});
