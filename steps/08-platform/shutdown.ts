// Graceful shutdown of a process's library objects (P05, and Q15 "same as P05") and the buffer it
// leaves to the cleanup checks that follow (P06, Q16).
import { defineStep } from '../../harness/registry';
import { expectEqual, fail } from '../../harness/assert';
import type { ServoContext } from '../../harness/servo/context';

/** Per process: the resolved name of the current reader (or writer) the last graceful shutdown closed. */
const shutDownBuffers = new WeakMap<ServoContext, string>();

/**
 * P05: stop loops (a failure no step examined fails the shutdown), release held frames, close every
 * library object newest first; every close must succeed. The process stays up.
 */
export async function gracefulShutdown(ctx: ServoContext): Promise<void> {
  const current = ctx.objects.reader?.name ?? ctx.objects.writer?.name;
  const unobserved = await ctx.quiesce();
  if (unobserved.length > 0) fail(`graceful shutdown: background work ended with failures no step examined: ${unobserved.join('; ')}`);
  const errors = await ctx.disposeAll();
  if (errors.length > 0) fail(`graceful shutdown: closing failed: ${errors.join('; ')}`);
  expectEqual(`graceful shutdown of '${ctx.role}': live library objects afterwards`, 0, ctx.objects.liveCount());
  if (current !== undefined) shutDownBuffers.set(ctx, current);
  ctx.logger.info({ buffer: current ?? null }, 'graceful shutdown done');
}

/** The buffer the cleanup checks look at: the current reader's, else the one the last shutdown closed. */
export function currentOrShutDownBuffer(ctx: ServoContext): string {
  const name = ctx.objects.reader?.name ?? shutDownBuffers.get(ctx);
  if (name === undefined) fail(`process '${ctx.role}' has no current reader and closed none by a graceful shutdown`);
  return name;
}

defineStep({
  id: 'P05',
  keyword: 'When',
  pattern: 'gracefully shutdown',
  runsIn: 'process',
  summary: 'Close every library object of the process (stop loops, release held frames, close writers and readers); every close must succeed; the process stays alive.',
  servo: (ctx) => gracefulShutdown(ctx),
});
