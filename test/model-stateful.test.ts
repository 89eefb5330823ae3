// Unit tests of the model-based runner's pure parts: the buffer model against protocol.md's worked
// examples, the MB01 state check fed wrong observations (it must fail, naming the field), and the
// feature file a counterexample becomes.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { BufferModel } from '../harness/model/stateful/model';
import { checkBufferState } from '../steps/90-model/buffer-state';
import { featureText } from '../harness/model/stateful/gherkin';
import { EMITTED_PHRASE_IDS, phrases } from '../harness/model/stateful/phrases';
import { registry } from '../harness/registry';
import '../steps/index';
import type { Snap } from '../harness/diagnostics/snap';

function snapOf(s: Partial<Record<'free' | 'wp' | 'rp' | 'written' | 'read' | 'meta', bigint>>, sem: { data: number; space: number }): Snap {
  return {
    name: 'unit',
    source: 'shm',
    oieb: {
      oiebSize: 128,
      version: { major: 1, minor: 0, patch: 0, reserved: 0 },
      metadataSize: 64n,
      metadataFreeBytes: 64n - (s.meta ?? 0n),
      metadataWrittenBytes: s.meta ?? 0n,
      payloadSize: 2048n,
      payloadFreeBytes: s.free ?? 2048n,
      payloadWritePos: s.wp ?? 0n,
      payloadReadPos: s.rp ?? 0n,
      payloadWrittenCount: s.written ?? 0n,
      payloadReadCount: s.read ?? 0n,
      writerPid: 0n,
      readerPid: 0n,
      reserved: [0n, 0n, 0n, 0n],
    },
    sem,
    inode: null,
    segmentSize: null,
    takenAt: 0,
  };
}

describe('BufferModel (protocol.md)', () => {
  it('A.2: one 1024-byte frame written, read, released', () => {
    const m = new BufferModel({ metadataSize: 1024, payloadSize: 10240 });
    assert.equal(m.write(1024), 1n);
    assert.deepEqual([m.free, m.writePos, m.writtenCount, m.semW], [9200, 1040, 1, 1]);
    m.read();
    assert.deepEqual([m.free, m.readPos, m.readCount, m.semW, m.held.length], [9200, 1040, 1, 0, 1]);
    assert.deepEqual(m.release(1n), { bytes: 1040, posts: 1 });
    assert.deepEqual([m.free, m.semR, m.held.length], [10240, [1], 0]);
  });

  it('early wrap: a frame that would leave a 1–15 byte tail wraps, and the reader charges the marker tail back', () => {
    const m = new BufferModel({ metadataSize: 0, payloadSize: 2048 });
    m.write(1500); // wp 1516, ste 532
    m.read();
    m.release(1n);
    assert.equal(m.fits(504), true); // total 520 < ste 532 < total + 16: early wrap, need 532 + 520
    m.write(504);
    assert.deepEqual([m.writePos, m.writtenCount, m.free], [520, 3, 2048 - 532 - 520]);
    m.read();
    assert.deepEqual([m.readPos, m.readCount, m.free], [520, 3, 2048 - 520], 'marker counted; its tail returned at once (queue empty)');
  });

  it('out-of-order release is deferred; the in-order one returns both frames and posts twice', () => {
    const m = new BufferModel({ metadataSize: 0, payloadSize: 2048 });
    m.write(100);
    m.write(200);
    m.read();
    m.read();
    assert.deepEqual(m.release(2n), { bytes: 0, posts: 0 });
    assert.deepEqual([m.free, m.semR], [2048 - 116 - 216, [0]]);
    assert.deepEqual(m.release(1n), { bytes: 332, posts: 2 });
    assert.deepEqual([m.free, m.semR], [2048, [2]]);
  });

  it('a write that had to wait and timed out leaves sem-r at 0 or unchanged (it may not have reached the semaphore)', () => {
    const m = new BufferModel({ metadataSize: 0, payloadSize: 2048 });
    m.write(1000);
    m.read();
    m.release(1n);
    assert.deepEqual(m.semR, [1]);
    m.write(900); // wp 1932, free 1132: 1100 bytes must wrap and need 116 + 1116
    assert.equal(m.mustWait(1100), true);
    m.writeTimedOut();
    assert.deepEqual(m.semR, [0, 1]);
    m.read();
    m.release(2n);
    assert.deepEqual(m.expectedState().sem_r, [1, 2]);
    assert.match(m.describe(), /sem_r=1 or 2 /);
  });
});

describe('MB01 buffer-state check', () => {
  const row = { payload_free_bytes: '927', payload_write_pos: '1121', sem_w: '0', sem_r: '2' };
  it('passes when every column matches', () => {
    checkBufferState(snapOf({ free: 927n, wp: 1121n }, { data: 0, space: 2 }), [row]);
  });
  it('fails on a wrong semaphore value, naming field, expected and observed', () => {
    assert.throws(() => checkBufferState(snapOf({ free: 927n, wp: 1121n }, { data: 0, space: 1 }), [row]), /sem_r: expected 2, observed 1/);
  });
  it('fails on a wrong OIEB field and reports every mismatch', () => {
    assert.throws(
      () => checkBufferState(snapOf({ free: 928n, wp: 1122n }, { data: 0, space: 2 }), [row]),
      /2 field\(s\): payload_free_bytes: expected 927, observed 928; payload_write_pos: expected 1121, observed 1122/,
    );
  });
  it('accepts any of the alternatives of a cell, and only those', () => {
    checkBufferState(snapOf({}, { data: 0, space: 2 }), [{ sem_r: '0 or 2' }]);
    assert.throws(() => checkBufferState(snapOf({}, { data: 0, space: 1 }), [{ sem_r: '0 or 2' }]), /sem_r: expected 0 or 2, observed 1/);
  });
  it('refuses unknown columns and non-numeric values', () => {
    assert.throws(() => checkBufferState(snapOf({}, { data: 0, space: 0 }), [{ writer_pid: '1' }]), /unknown column 'writer_pid'/);
    assert.throws(() => checkBufferState(snapOf({}, { data: 0, space: 0 }), [{ sem_w: 'x' }]), /decimal integer/);
  });
});

describe('counterexample feature file', () => {
  it('has the header, the Background, the steps with the model state, and the failing check with its table', () => {
    const m = new BufferModel({ metadataSize: 64, payloadSize: 2048 });
    m.write(100);
    const failing = phrases.state(m.expectedState());
    const text = featureText(
      {
        background: [phrases.initialized(), phrases.ready(), phrases.create('model', 64, 2048), phrases.connect('model')],
        transcript: [{ step: phrases.write(100, 1n), model: m.describe() }],
        failure: { step: failing, message: 'sem_w: expected 1, observed 0', expected: m.describe(), observed: 'sem_w=0' },
        endProblems: [],
        seed: 42,
        path: '3:1',
        mutant: 'lost-wakeup',
        replay: 'npm run model -- --seed 42 --path "3:1" --mutant lost-wakeup',
      },
      'Model counterexample',
    );
    assert.match(text, /# seed 42, fast-check path "3:1", mutant lost-wakeup/);
    assert.match(text, /ZEROBUFFER_MUTANT=lost-wakeup npm run cucumber/);
    assert.match(text, /\n {2}Background:\n {4}Given the test environment is initialized\n/);
    assert.match(text, /When the 'writer' process writes frame with size '100' and sequence '1'\n {6}# model: payload_free_bytes=1932 /);
    assert.match(text, /# the buffer held here: +sem_w=0\n {4}Then the 'reader' process should see buffer state:\n {6}\| payload_free_bytes \|/);
    assert.match(text, /\| 1932 +\| 116 +\|/);
  });
});

describe('phrases the model emits', () => {
  it('every step a program can contain matches exactly one definition, and EMITTED_PHRASE_IDS lists exactly those', () => {
    const m = new BufferModel({ metadataSize: 64, payloadSize: 2048 });
    m.write(100);
    const steps = [
      phrases.initialized(),
      phrases.ready(),
      phrases.create('model', 64, 2048),
      phrases.connect('model'),
      phrases.write(100, 1n),
      ...phrases.zeroCopy(100),
      phrases.metadata(10),
      ...phrases.metadataAgain(10),
      phrases.read(1n, 100),
      phrases.releaseOldest(),
      phrases.release(2n),
      phrases.nothingPending(),
      phrases.fill(),
      phrases.writeTimesOut(100),
      phrases.killWriter(),
      phrases.newWriter('model'),
      phrases.writerDeath(),
      ...phrases.sequenceError(3n, 1n),
      phrases.state(m.expectedState()),
    ];
    const ids = steps.map((s) => registry.matchOne(s.text).def.id);
    assert.deepEqual([...new Set(ids)].sort(), [...EMITTED_PHRASE_IDS].sort());
    const state = registry.matchOne(phrases.state(m.expectedState()).text).def;
    assert.equal(state.table, true, 'MB01 takes the DataTable the model writes');
  });
});
