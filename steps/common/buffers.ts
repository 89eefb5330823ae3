// Buffer creation and connection, used by every feature: B03, B04.
import { defineStep } from '../../harness/registry';
import { expectEqual, expectTrue } from '../../harness/assert';
import { checkFresh } from '../../harness/diagnostics/snap';
import { isPidAlive } from '../../harness/diagnostics/pids';
import type { BufferConfig } from '../../harness/model/config';
import type { ServoContext } from '../../harness/servo/context';

/** Creates a reader (it becomes the current reader) and checks FRESH(M, P) (steps.md §4.5). */
export async function createFresh(ctx: ServoContext, name: string, cfg: BufferConfig): Promise<void> {
  const e = await ctx.objects.createReader(name, cfg.metadataSize, cfg.payloadSize);
  checkFresh(ctx.snapReader(e), cfg.metadataSize, cfg.payloadSize, ctx.pid);
}

/** Connects a writer (it becomes the current writer) and checks the OIEB and the reader's liveness after it. */
export async function connectChecked(ctx: ServoContext, name: string): Promise<void> {
  const w = await ctx.objects.connectWriter(name);
  expectEqual(`writer ${w.name}: next sequence after connecting`, 1n, w.writer.nextSequence);
  const s = ctx.snapWriter(w);
  expectEqual(`after connect: OIEB writer_pid = own PID`, BigInt(ctx.pid), s.oieb.writerPid);
  expectTrue(`after connect: OIEB reader_pid ${s.oieb.readerPid} alive`, isPidAlive(s.oieb.readerPid));
  expectEqual(`after connect: isReaderConnected()`, true, w.writer.isReaderConnected());
}

defineStep({
  id: 'B03',
  keyword: 'Given',
  pattern: "the '{role}' process creates buffer '{name}' with metadata size '{uint}' and payload size '{uint}'",
  runsIn: 'process',
  summary: 'Create a reader on the resolved name with these sizes (becomes the current reader); must succeed and satisfy FRESH(meta, payload).',
  servo: (ctx, _role: string, name: string, meta: number, payload: number) => createFresh(ctx, name, { metadataSize: meta, payloadSize: payload }),
});

defineStep({
  id: 'B04',
  keyword: 'When',
  pattern: "the '{role}' process connects to buffer '{name}'",
  runsIn: 'process',
  summary: 'Connect a writer (becomes the current writer, sequence counter 1); OIEB writer_pid = own PID, reader_pid alive, isReaderConnected() true.',
  servo: (ctx, _role: string, name: string) => connectChecked(ctx, name),
});
