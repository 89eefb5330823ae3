// Feature 04 — a frame that fills the ring exactly (scenario 4.6): X28–X33.
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, fail } from '../../harness/assert';
import { simplePattern } from '../../harness/model/patterns';
import { T_WRITE } from '../../harness/model/timing';
import { probeFullBuffer, tryWrite, write } from '../../harness/servo/actions/write';
import { checkPatternOk, readNext } from '../../harness/servo/actions/read';

/** "Write again" uses the size of the writer's last frame with this timeout (steps.md X33). */
const WRITE_AGAIN_TIMEOUT_MS = 1000;

defineStep({
  id: 'X28',
  keyword: 'When',
  pattern: "the '{role}' process writes frame with exact size '{uint}'",
  runsIn: 'process',
  summary: 'Write S(size) (T_write); must succeed.',
  servo: async (ctx, _role: string, size: number) => {
    await write(ctx, ctx.objects.requireWriter(), simplePattern(size), T_WRITE);
  },
});

defineStep({
  id: 'X29',
  keyword: 'Then',
  pattern: 'buffer should be completely full',
  runsIn: 'process',
  summary: 'Inherited process: the scenario buffer’s OIEB payload_free_bytes = 0.',
  servo: (ctx) => {
    const base = ctx.host.scenarioBuffer;
    if (base === undefined) fail('the host names no scenario buffer (no step mentioned a buffer yet)');
    const s = ctx.snap(ctx.resolve(base));
    expectEqual(`OIEB payload_free_bytes of ${s.name} (payload_size ${s.oieb.payloadSize}, write position ${s.oieb.payloadWritePos})`, 0n, s.oieb.payloadFreeBytes);
  },
});

defineStep({
  id: 'X30',
  keyword: 'Then',
  pattern: 'no more writes should be possible',
  runsIn: 'process',
  summary: 'Inherited writer: an S(1) write with T_probe fails with BufferFullError ZB_BUFFER_FULL; UNCHANGED.',
  servo: async (ctx) => {
    await probeFullBuffer(ctx, ctx.objects.requireWriter(), simplePattern(1));
  },
});

defineStep({
  id: 'X31',
  keyword: 'When',
  pattern: "the '{role}' process reads frame",
  runsIn: 'process',
  summary: 'Read (T_read): a frame with the next expected sequence. Held.',
  servo: async (ctx) => {
    const h = await readNext(ctx);
    return { sequence: String(h.sequence), size: h.size };
  },
});

defineStep({
  id: 'X32',
  keyword: 'Then',
  pattern: "the frame should have size '{uint}'",
  runsIn: 'process',
  summary: 'Inherited reader: the most recently read held frame has size = size and is PATTERN-OK.',
  servo: (ctx, size: number) => {
    const h = ctx.frames.newest();
    expectEqual(`size of the most recently read frame (sequence ${h.sequence})`, size, h.size);
    checkPatternOk('frame data', h);
  },
});

defineStep({
  id: 'X33',
  keyword: 'Then',
  pattern: "the '{role}' process should be able to write again",
  runsIn: 'process',
  summary: `Write S(s), s = size of this writer's last successful frame, with a ${WRITE_AGAIN_TIMEOUT_MS} ms timeout; must succeed.`,
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const size = w.lastFrameSize;
    if (size === null) fail(`writer ${w.name} has published no frame yet (the size to write again is unknown)`);
    const r = await tryWrite(ctx, w, simplePattern(size), WRITE_AGAIN_TIMEOUT_MS);
    if (!r.ok) fail(`writing S(${size}) again with a ${WRITE_AGAIN_TIMEOUT_MS} ms timeout: expected success, observed ${describeError(r.error)} after ${r.elapsedMs.toFixed(0)} ms`);
    return { size, elapsedMs: Math.round(r.elapsedMs) };
  },
});
