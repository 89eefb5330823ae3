// Feature 02 — frames around crashes: L02, L03, L06, L07, L08, L10.
import { ReaderDeadError, WriterDeadError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { expectEqual, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { SEQ_FRAME_SIZE } from '../../harness/model/config';
import { framePattern, textPattern } from '../../harness/model/patterns';
import { T_WRITE, now } from '../../harness/model/timing';
import { checkWriterUnchanged, fillUntilFull, tryWrite, write } from '../../harness/servo/actions/write';
import { read, readSequenced, readNext } from '../../harness/servo/actions/read';
import type { HeldFrame } from '../../harness/servo/state/held-frames';

defineStep({
  id: 'L02',
  keyword: 'When',
  pattern: "the '{role}' process writes frame with data '{text}'",
  runsIn: 'process',
  summary: 'Write the UTF-8 bytes of text (T_write); must succeed.',
  servo: async (ctx, _role: string, text: string) => {
    await write(ctx, ctx.objects.requireWriter(), textPattern(text), T_WRITE);
  },
});

defineStep({
  id: 'L03',
  keyword: 'Then',
  pattern: "the '{role}' process should read frame with data '{text}'",
  runsIn: 'process',
  summary: 'Read (T_read): sequence = next expected, size = UTF-8 length of text, bytes decode to exactly text. Held.',
  servo: async (ctx, _role: string, text: string) => {
    const h = await readNext(ctx);
    expectEqual('frame size = UTF-8 byte length of the text', Buffer.byteLength(text, 'utf8'), h.size);
    expectEqual('frame data decoded as UTF-8', text, Buffer.from(h.frame.data).toString('utf8'));
  },
});

defineStep({
  id: 'L06',
  keyword: 'Then',
  pattern: "the '{role}' process should timeout or detect writer death on next read",
  runsIn: 'process',
  summary: 'Read with a 2 s timeout: WriterDeadError ZB_WRITER_DEAD within 2.5 s is required (a frame, null or another error fails).',
  servo: async (ctx) => {
    const t0 = now();
    let err: unknown = null;
    let got: HeldFrame | null = null;
    try {
      got = await read(ctx, 2000);
    } catch (e) {
      err = e;
    }
    const ms = now() - t0;
    if (got !== null) fail(`read after the writer died: expected WriterDeadError (ZB_WRITER_DEAD), observed a frame with sequence ${got.sequence}`);
    if (err === null) fail(`read after the writer died: expected WriterDeadError (ZB_WRITER_DEAD), observed null after ${ms.toFixed(0)} ms (timeout)`);
    expectErrorClassCode('read after the writer died', err, WriterDeadError, 'ZB_WRITER_DEAD');
    expectTrue(`writer death reported within 2.5 s (elapsed ${ms.toFixed(0)} ms)`, ms <= 2500);
  },
});

defineStep({
  id: 'L07',
  keyword: 'Then',
  pattern: "the '{role}' process should read frame with sequence '{u64}'",
  runsIn: 'process',
  summary: 'Same as B11: sequence = seq, size 1024, data F(1024, seq), held. After a reader replacement the role refers to the new process.',
  servo: async (ctx, _role: string, seq: bigint) => {
    await readSequenced(ctx, seq);
  },
});

defineStep({
  id: 'L08',
  keyword: 'When',
  pattern: "the '{role}' process fills buffer completely",
  runsIn: 'process',
  summary:
    'Like B13 from the current state (held frames count as occupied): F(1024, next) with T_probe until BufferFullError ZB_BUFFER_FULL; exactly the RING MODEL capacity k ≥ 1 succeeds; afterwards a 1024-byte frame does not fit.',
  servo: async (ctx) => {
    await fillUntilFull(ctx);
  },
});

defineStep({
  id: 'L10',
  keyword: 'Then',
  pattern: "the '{role}' process should detect reader death on next write",
  runsIn: 'process',
  summary: 'F(1024, next) with T_write must fail with ReaderDeadError ZB_READER_DEAD within 1 s; UNCHANGED; isReaderConnected() false.',
  servo: async (ctx) => {
    const w = ctx.objects.requireWriter();
    const r = await tryWrite(ctx, w, framePattern(SEQ_FRAME_SIZE, w.nextSeq), T_WRITE);
    expectErrorClassCode('write after the reader died', r.ok ? undefined : r.error, ReaderDeadError, 'ZB_READER_DEAD');
    expectTrue(`reader death reported within 1 s (elapsed ${r.elapsedMs.toFixed(0)} ms)`, r.elapsedMs <= 1000);
    checkWriterUnchanged('the failed write', w, r.before, r.after, r.seqBefore);
    expectEqual('isReaderConnected() after reader death', false, w.writer.isReaderConnected());
  },
});
