// Unit tests of the harness's background machinery (steps.md §4.4) inside one servo context: the
// CONTINUOUS WRITER against a READER LOOP with a delay and a target set while it runs, the
// periodic reader loop, and the end reasons eos and validation-error. Reader and writer share this
// process here; the scenarios run them in separate servos. Buffers: helpers' uniqueName + '_unit'.
import { afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import pino from 'pino';
import { ServoContext } from '../harness/servo/context';
import { startContinuousWriter, stopContinuousWriter } from '../harness/servo/actions/continuous-writer';
import { ReaderLoop, runReaderLoop, startReaderLoop } from '../harness/servo/actions/reader-loop';
import { startBulkWriter } from '../harness/servo/actions/bulk-writer';
import { corruptNextFrameHeader } from '../harness/diagnostics/corrupt';
import { capacity } from '../harness/model/ring-model';
import { uniqueName } from './helpers';

let ctx: ServoContext | null = null;

/** A servo context holding a reader (0/payload) and a writer of one fresh buffer. */
async function servo(payloadSize: number): Promise<ServoContext> {
  ctx = new ServoContext('unit', 'unit', 'harness loops', pino({ level: 'silent' }));
  const base = uniqueName('loops');
  await ctx.objects.createReader(base, 0, payloadSize);
  await ctx.objects.connectWriter(base);
  return ctx;
}

afterEach(async () => {
  if (ctx !== null) assert.deepEqual(await ctx.disposeAll(), []);
  ctx = null;
});

describe('harness continuous writer and reader loop', () => {
  it('a writer faster than a 20 ms reader WAITs after the ring capacity; the loop stops at its target', async () => {
    const c = await servo(1024);
    const cw = await startContinuousWriter(c, 100);
    const loop = startReaderLoop(c, { content: 'F', delayMs: 20 });
    loop.setTarget(30);
    const res = await loop.done;
    assert.equal(res.reason, 'target');
    assert.deepEqual(res.accepted, Array.from({ length: 30 }, (_, i) => BigInt(i + 1)));
    await stopContinuousWriter(c);
    assert.ok(cw.stopMs! <= 1000, `stop took ${cw.stopMs} ms`);
    assert.equal(cw.error, null);
    const C = capacity({ payloadSize: 1024, writePos: 0, freeBytes: 1024 }, 100);
    assert.equal(C, 8);
    assert.ok(cw.written > C);
    const after = cw.waitedAfter(C);
    assert.ok(after.waited >= 0.8 * after.writes, `${after.waited} of ${after.writes} waited`);
    assert.equal(cw.freeOutOfRange.count, 0);
    assert.equal(cw.failedWhileReaderAdvanced.count, 0);
    assert.equal(cw.stalls.count, 0);
  });

  it('waitUntil() wakes on the writer’s calls and gives up at its deadline', async () => {
    const c = await servo(1024);
    const cw = await startContinuousWriter(c, 100);
    assert.equal(await cw.waitUntil(() => cw.firstNoFitAt !== null, 2000), true);
    assert.equal(await cw.waitUntil(() => cw.waitedWrites >= 1, 300), false, 'nothing is read, so no write can have WAITED');
    await stopContinuousWriter(c);
  });

  it('a periodic loop starts one read every period', async () => {
    const c = await servo(65536);
    await startBulkWriter(c, 6, 64);
    const res = await runReaderLoop(c, { content: 'F', periodMs: 60 });
    assert.equal(res.reason, 'eos');
    assert.equal(res.accepted.length, 6);
    for (let i = 1; i < res.times.length; i++) {
      const gap = res.times[i]! - res.times[i - 1]!;
      assert.ok(gap >= 55, `frames ${i} and ${i + 1} were ${gap.toFixed(1)} ms apart`);
    }
  });

  it('a content mismatch ends the loop with validation-error and keeps the frame held', async () => {
    const c = await servo(65536);
    const w = c.objects.requireWriter();
    for (let seq = 1n; seq <= 3n; seq++) {
      await w.writer.write(Buffer.alloc(32, Number(seq)), 1000);
      w.nextSeq = seq + 1n;
    }
    // frames are not F(32, seq): the first one already fails content validation
    const bad = await runReaderLoop(c, { content: 'F', capMs: 5000 });
    assert.equal(bad.reason, 'validation-error');
    assert.match(bad.detail, /frame 1 \(32 bytes\) vs F\(size, 1\)/);
    assert.equal(c.frames.held.length, 1);
    const loop = c.background.latest(ReaderLoop)!;
    assert.ok(loop.error !== null);
    loop.observed = true;
  });

  it('a corrupted sequence ends the loop with validation-error (SequenceError)', async () => {
    const c = await servo(65536);
    await startBulkWriter(c, 3, 64);
    const r = c.objects.requireReader();
    corruptNextFrameHeader(r.name, 'sequence', 9n);
    const res = await runReaderLoop(c, { content: 'F', capMs: 5000 });
    assert.equal(res.reason, 'validation-error');
    assert.match(res.detail, /SequenceError .*expected 1, got 9/);
    res.observed = true;
    assert.equal(c.frames.sequenceErrors.length, 1);
  });
});
