// Unit tests of the harness's corruption module (harness/diagnostics/corrupt.ts): where the next
// unread frame header is (steps.md §6.5), a header field written through /dev/shm reaching the
// Reader's mapping, and OIEB fields corrupted by name (C01) as a connecting Writer sees them. Buffers are created under helpers' uniqueName (covered by the run's leak check).
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { IncompatibleVersionError, InvalidOiebError, Reader, SequenceError, Writer } from '../src/index';
import { StepFailure } from '../harness/assert';
import { corruptNextFrameHeader, corruptOiebField, frameHeaderField, nextUnreadHeaderOffset, readU64At, readUIntAt, writeUIntAt } from '../harness/diagnostics/corrupt';
import { readShm } from '../harness/diagnostics/snap';
import { framePattern } from '../harness/model/patterns';
import { expectErrorSync, removeLeftovers, uniqueName } from './helpers';

/** A 0/256 ring with a connected writer, both in this process. */
function ring(): { name: string; reader: Reader; writer: Writer; close(): void } {
  const name = uniqueName('corrupt');
  const reader = Reader.createSync(name, { metadataSize: 0, payloadSize: 256 });
  const writer = Writer.connectSync(name);
  return {
    name,
    reader,
    writer,
    close() {
      writer.close();
      reader.close();
    },
  };
}

/** Runs `fn` on a fresh 64/256 buffer (a reader of this process), closed afterwards. */
function withBuffer(fn: (name: string) => void): void {
  const name = uniqueName('oieb');
  const reader = Reader.createSync(name, { metadataSize: 64, payloadSize: 256 });
  try {
    fn(name);
  } finally {
    reader.close();
  }
}

function oiebOf(name: string) {
  const o = readShm(name).oieb;
  assert.ok(o !== null);
  return o;
}

after(() => {
  removeLeftovers();
});

describe('harness corruption: next unread frame header (steps.md §6.5)', () => {
  it('is at payload_read_pos while frames are unread, and fails when nothing is unread', () => {
    const r = ring();
    try {
      assert.throws(() => nextUnreadHeaderOffset(r.name, oiebOf(r.name)), StepFailure);
      r.writer.writeSync(framePattern(10, 1), 1000);
      assert.equal(nextUnreadHeaderOffset(r.name, oiebOf(r.name)), 0);
      r.writer.writeSync(framePattern(10, 2), 1000);
      r.reader.readSync(1000)!.release();
      assert.equal(nextUnreadHeaderOffset(r.name, oiebOf(r.name)), 26);
    } finally {
      r.close();
    }
  });

  it('is at 0 when the header at payload_read_pos is a wrap marker', () => {
    const r = ring();
    try {
      // two 116-byte frames leave a 24-byte tail: the third frame wraps, with a marker at 232
      for (let seq = 1; seq <= 2; seq++) r.writer.writeSync(framePattern(100, seq), 1000);
      for (let i = 0; i < 2; i++) r.reader.readSync(1000)!.release();
      r.writer.writeSync(framePattern(100, 3), 1000);
      const o = oiebOf(r.name);
      assert.equal(o.payloadReadPos, 232n);
      assert.equal(nextUnreadHeaderOffset(r.name, o), 0);
    } finally {
      r.close();
    }
  });

  it('is at 0 when fewer than 16 bytes remain before the ring end (implicit wrap of other implementations)', () => {
    const r = ring();
    try {
      r.writer.writeSync(framePattern(10, 1), 1000);
      const o = { ...oiebOf(r.name), payloadReadPos: 248n };
      assert.equal(nextUnreadHeaderOffset(r.name, o), 0);
    } finally {
      r.close();
    }
  });
});

describe('harness corruption: frame header fields', () => {
  it('accepts payload_size, sequence_number and its alias sequence; rejects anything else', () => {
    assert.equal(frameHeaderField('payload_size').offset, 0);
    assert.equal(frameHeaderField('sequence_number').offset, 8);
    assert.equal(frameHeaderField('sequence').offset, 8);
    assert.throws(() => frameHeaderField('magic'), StepFailure);
  });

  it('a corrupted sequence reaches the reader through its mapping', () => {
    const r = ring();
    try {
      r.writer.writeSync(framePattern(10, 1), 1000);
      r.writer.writeSync(framePattern(10, 2), 1000);
      r.reader.readSync(1000)!.release();
      const c = corruptNextFrameHeader(r.name, 'sequence_number', 0xffff_ffff_ffff_ffffn);
      assert.deepEqual([c.ringOffset, c.fileOffset, c.before], [26, 128 + 26 + 8, 2n]);
      assert.equal(readU64At(r.name, c.fileOffset), 0xffff_ffff_ffff_ffffn);
      const err = expectErrorSync(() => r.reader.readSync(1000), SequenceError, 'ZB_SEQUENCE_ERROR');
      assert.equal(err.expected, 2n);
      assert.equal(err.got, 0xffff_ffff_ffff_ffffn);
    } finally {
      r.close();
    }
  });
});

describe('harness corruption: OIEB fields by name (steps.md §6.5, C01)', () => {
  it('operation_size and oieb_size set the u32 at 0x00 to 256, read back; a Writer then gets ZB_INVALID_OIEB', () => {
    for (const field of ['operation_size', 'oieb_size']) {
      withBuffer((name) => {
        const c = corruptOiebField(name, field);
        assert.deepEqual([c.fileOffset, c.width, c.before, c.after], [0, 4, 128n, 256n]);
        assert.equal(oiebOf(name).oiebSize, 256);
        // the neighbouring version bytes are untouched
        assert.equal(readUIntAt(name, 4, 1), 1n);
        expectErrorSync(() => Writer.connectSync(name), InvalidOiebError, 'ZB_INVALID_OIEB');
      });
    }
  });

  it('version sets the major byte at 0x04 to 2; a Writer then gets ZB_INCOMPATIBLE_VERSION', () => {
    withBuffer((name) => {
      const c = corruptOiebField(name, 'version');
      assert.deepEqual([c.fileOffset, c.width, c.before, c.after], [4, 1, 1n, 2n]);
      assert.deepEqual(oiebOf(name).version, { major: 2, minor: 0, patch: 0, reserved: 0 });
      expectErrorSync(() => Writer.connectSync(name), IncompatibleVersionError, 'ZB_INCOMPATIBLE_VERSION');
    });
  });

  it('metadata_size and payload_size become the stored value + 1; a Writer then gets ZB_INVALID_OIEB', () => {
    for (const [field, offset, stored] of [
      ['metadata_size', 0x08, 64n],
      ['payload_size', 0x20, 256n],
    ] as const) {
      withBuffer((name) => {
        const c = corruptOiebField(name, field);
        assert.deepEqual([c.fileOffset, c.width, c.before, c.after], [offset, 8, stored, stored + 1n]);
        assert.equal(readU64At(name, offset), stored + 1n);
        expectErrorSync(() => Writer.connectSync(name), InvalidOiebError, 'ZB_INVALID_OIEB');
      });
    }
  });

  it('any other name fails without writing', () => {
    withBuffer((name) => {
      const before = readShm(name).oieb;
      assert.throws(() => corruptOiebField(name, 'magic'), StepFailure);
      assert.deepEqual(readShm(name).oieb, before);
    });
  });

  it('a missing segment fails', () => {
    assert.throws(() => corruptOiebField(uniqueName('missing'), 'oieb_size'), StepFailure);
  });

  it('a value wider than its field fails before anything is written', () => {
    withBuffer((name) => {
      assert.throws(() => writeUIntAt(name, 0, 4, 1n << 32n, 'oieb_size'), StepFailure);
      assert.equal(readUIntAt(name, 0, 4), 128n);
    });
  });
});
