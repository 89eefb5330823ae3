// Feature 01 — zero-copy writes: B17–B21.
import { defineStep } from '../../harness/registry';
import { expectEqual, fail } from '../../harness/assert';
import { fillAcquired } from '../../harness/servo/actions/write';
import { placement } from '../../harness/model/ring-model';
import { T_WRITE } from '../../harness/model/timing';
import { checkF, checkPatternOk, readNext } from '../../harness/servo/actions/read';
import { notePublished } from '../../harness/servo/state/objects';

defineStep({
  id: 'B17',
  keyword: 'When',
  pattern: "the '{role}' process requests zero-copy frame of size '{uint}'",
  runsIn: 'process',
  summary:
    "acquire(size) (T_write): data.length = size, isZeroCopy, sequence = the writer's next sequence; payload_written_count and payload_write_pos unchanged.",
  servo: async (ctx, _role: string, size: number) => {
    const w = ctx.objects.requireWriter();
    await ctx.writes.settle(w);
    if (w.acquired !== null) fail(`writer ${w.name} already holds an acquired frame (sequence ${w.acquired.sequence})`);
    const before = ctx.snapWriter(w);
    const f = await w.writer.acquire(size, T_WRITE);
    w.acquired = { frame: f, size, sequence: f.sequence, snapBefore: before };
    const after = ctx.snapWriter(w);
    expectEqual('acquired frame: data.length', size, f.data.length);
    expectEqual('acquired frame: isZeroCopy', true, f.isZeroCopy);
    expectEqual("acquired frame: sequence = writer's next sequence", w.nextSeq, f.sequence);
    expectEqual('payload_written_count unchanged by acquire (nothing published)', before.oieb.payloadWrittenCount, after.oieb.payloadWrittenCount);
    expectEqual('payload_write_pos unchanged by acquire', before.oieb.payloadWritePos, after.oieb.payloadWritePos);
  },
});

defineStep({
  id: 'B18',
  keyword: 'When',
  pattern: "the '{role}' process fills zero-copy buffer with test pattern",
  runsIn: 'process',
  summary: 'Fill the acquired view in place with F(size, acquired sequence); fails if nothing is acquired.',
  servo: (ctx) => {
    const w = ctx.objects.requireWriter();
    const a = w.acquired;
    if (a === null) fail(`writer ${w.name} has no acquired zero-copy frame`);
    fillAcquired(a, 'acquired view');
  },
});

defineStep({
  id: 'B19',
  keyword: 'When',
  pattern: "the '{role}' process commits zero-copy frame",
  runsIn: 'process',
  summary:
    'commit() must succeed; the view has length 0; payload_written_count +1 (+1 for a wrap marker); if payload_read_count did not change, the data semaphore rose by exactly 1 and payload_free_bytes fell by 16 + size (+ wasted tail).',
  servo: (ctx) => {
    const w = ctx.objects.requireWriter();
    const a = w.acquired;
    if (a === null) fail(`writer ${w.name} has no acquired zero-copy frame to commit`);
    const before = ctx.snapWriter(w);
    const seq = a.frame.commit();
    w.acquired = null;
    expectEqual('commit(): returned sequence = acquired sequence', a.sequence, seq);
    notePublished(w, seq, a.size);
    const after = ctx.snapWriter(w);
    expectEqual('committed view length', 0, a.frame.data.length);
    const plan = placement(Number(before.oieb.payloadSize), Number(before.oieb.payloadWritePos), a.size);
    expectEqual('payload_written_count increase on commit', plan.markerWritten ? 2n : 1n, after.oieb.payloadWrittenCount - before.oieb.payloadWrittenCount);
    if (before.oieb.payloadReadCount === after.oieb.payloadReadCount) {
      expectEqual('data semaphore (sem-w) increase on commit', 1, (after.sem.data ?? NaN) - (before.sem.data ?? NaN));
      expectEqual(`payload_free_bytes decrease on commit (16 + ${a.size}${plan.wrap ? ` + wasted tail ${plan.wastedTail}` : ''})`, BigInt(plan.need), before.oieb.payloadFreeBytes - after.oieb.payloadFreeBytes);
    }
  },
});

defineStep({
  id: 'B20',
  keyword: 'Then',
  pattern: "the '{role}' process should read frame with size '{uint}'",
  runsIn: 'process',
  summary: 'Read (T_read): a frame with size = size, sequence = next expected, PATTERN-OK. Held.',
  servo: async (ctx, _role: string, size: number) => {
    const h = await readNext(ctx);
    expectEqual('frame size', size, h.size);
    checkPatternOk('frame data', h);
  },
});

defineStep({
  id: 'B21',
  keyword: 'Then',
  pattern: "the '{role}' process should verify frame data matches test pattern",
  runsIn: 'process',
  summary: 'The most recently read held frame: all bytes equal F(size, frame.sequence).',
  servo: (ctx) => checkF('frame data matches test pattern', ctx.frames.newest()),
});
