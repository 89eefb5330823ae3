// Feature 06 — a corrupted sequence number on the next unread frame: S01–S03.
import { SequenceError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { expectEqual, expectErrorClassCode, fail } from '../../harness/assert';
import { checkUnchanged } from '../../harness/diagnostics/snap';
import { corruptNextFrameHeader } from '../../harness/diagnostics/corrupt';
import { T_QUIET } from '../../harness/model/timing';
import { expectReadError } from '../../harness/servo/actions/read';
import type { ServoContext } from '../../harness/servo/context';

defineStep({
  id: 'S01',
  keyword: 'When',
  pattern: "the test corrupts next frame sequence to '{u64}'",
  runsIn: 'host',
  summary:
    'As C03 with field sequence_number := seq: locate the next unread header of the scenario buffer (payload_read_pos, or 0 after a short tail or a wrap marker; requires an unread frame), write the field, read it back and compare.',
  host: (hctx, seq: bigint) => {
    const base = hctx.scenarioBuffer();
    if (base === undefined) fail('the scenario names no buffer to corrupt');
    const c = corruptNextFrameHeader(hctx.naming.resolve(base), 'sequence_number', seq);
    hctx.logger.info({ buffer: c.resolved, ringOffset: c.ringOffset, fileOffset: c.fileOffset, before: c.before, after: c.after }, 'frame header sequence corrupted');
  },
});

/** The SequenceError recorded by the C04 read (fails unless lastRead failed with one). */
function recordedSequenceError(ctx: ServoContext): SequenceError {
  const o = ctx.outcomes.get('lastRead');
  expectErrorClassCode('the recorded read', o.ok ? undefined : o.error, SequenceError, 'ZB_SEQUENCE_ERROR');
  return o.error as SequenceError;
}

defineStep({
  id: 'S02',
  keyword: 'Then',
  pattern: 'the read should fail with sequence error',
  runsIn: 'process',
  summary: "lastRead failed with SequenceError ZB_SEQUENCE_ERROR; UNCHANGED versus C04's SNAP; a further read with T_quiet throws SequenceError again (poisoned reader).",
  servo: async (ctx) => {
    recordedSequenceError(ctx);
    const e = ctx.objects.requireReader();
    checkUnchanged('the failed read', ctx.outcomes.get('lastRead').snapBefore!, ctx.snapReader(e));
    await expectReadError(ctx, T_QUIET, 'a further read of the poisoned reader', SequenceError, 'ZB_SEQUENCE_ERROR');
  },
});

defineStep({
  id: 'S03',
  keyword: 'Then',
  pattern: "the error should show expected '{u64}' got '{u64}'",
  runsIn: 'process',
  summary: 'The recorded SequenceError has expected = expected and got = got (bigint equality); its message is exactly `Sequence error: expected <expected>, got <got>`.',
  servo: (ctx, expected: bigint, got: bigint) => {
    const err = recordedSequenceError(ctx);
    expectEqual('SequenceError.expected', expected, err.expected);
    expectEqual('SequenceError.got', got, err.got);
    expectEqual('SequenceError message', `Sequence error: expected ${expected}, got ${got}`, err.message);
  },
});
