// Feature 05 — a corrupted frame header (scenario 5.2): the host corrupts a field of the next
// unread header (C03), the reader attempts a read (C04, also used by 6.1) and must refuse the frame
// as corrupt, consume nothing and stay poisoned (C05).
import { CorruptFrameError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { corruptNextFrameHeader } from '../../harness/diagnostics/corrupt';
import { checkUnchanged } from '../../harness/diagnostics/snap';
import { T_QUIET, T_READ } from '../../harness/model/timing';
import { expectReadError, read } from '../../harness/servo/actions/read';
import { checkAttachedProcessesRunning } from './survival';

/** What the library's message says for a size-0 header that is not a wrap marker (steps.md §4.6). */
const INVALID_SIZE_MESSAGE = 'Invalid frame size: 0';

defineStep({
  id: 'C03',
  keyword: 'When',
  pattern: "the test corrupts frame header '{text}' to '{u64}'",
  runsIn: 'host',
  summary:
    'Locate the next unread header of the scenario buffer (payload_read_pos, or 0 after a short tail or a wrap marker; requires an unread frame), write value into the field (payload_size u64 at +0, sequence_number/sequence u64 at +8; other names fail), read back and compare.',
  host: (hctx, field: string, value: bigint) => {
    const base = hctx.scenarioBuffer();
    if (base === undefined) fail('the scenario names no buffer to corrupt');
    const c = corruptNextFrameHeader(hctx.naming.resolve(base), field, value);
    hctx.logger.info({ buffer: c.resolved, field, ringOffset: c.ringOffset, fileOffset: c.fileOffset, before: c.before, after: c.after }, 'frame header corrupted');
  },
});

defineStep({
  id: 'C04',
  keyword: 'When',
  pattern: "the '{role}' process attempts to read frame",
  runsIn: 'process',
  summary: 'SNAP; read (T_read); record lastRead (a returned frame is held).',
  servo: async (ctx) => {
    const e = ctx.objects.requireReader();
    await ctx.outcomes.attempt('lastRead', ctx.snapReader(e), () => read(ctx, T_READ));
  },
});

defineStep({
  id: 'C05',
  keyword: 'Then',
  pattern: 'the read should fail with invalid frame size error',
  runsIn: 'process',
  summary: `lastRead failed with CorruptFrameError ZB_CORRUPT_FRAME whose message contains \`${INVALID_SIZE_MESSAGE}\`; UNCHANGED versus C04's SNAP; a further read with T_quiet throws the same class and code (poisoned, the frame is never delivered); the reader and writer attached to the buffer are still running.`,
  servo: async (ctx) => {
    const o = ctx.outcomes.get('lastRead');
    const err = o.ok ? undefined : o.error;
    expectErrorClassCode('the recorded read', err, CorruptFrameError, 'ZB_CORRUPT_FRAME');
    const message = (err as CorruptFrameError).message;
    expectTrue(`message of the recorded CorruptFrameError contains ${JSON.stringify(INVALID_SIZE_MESSAGE)}`, message.includes(INVALID_SIZE_MESSAGE), message);
    const e = ctx.objects.requireReader();
    if (o.snapBefore === null) fail('lastRead carries no SNAP taken before the read');
    checkUnchanged('the refused read', o.snapBefore, ctx.snapReader(e));
    await expectReadError(ctx, T_QUIET, 'a further read of the poisoned reader', CorruptFrameError, 'ZB_CORRUPT_FRAME');
    checkAttachedProcessesRunning(`after the reads of the corrupted ${e.name}`, ctx.snapReader(e).oieb);
  },
});
