// The CLI's pattern verifier (src/cli/patterns.ts), which the benchmark uses too: one compare per
// frame against a window of a reference table, a skipped prefix, frames in pieces, and the first
// mismatching offset, and runs of back-to-back frames (a batch's copies) with one compare.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { makePattern, PatternVerifier, PATTERNS, RUN_TABLE_MAX_FRAME } from '../src/cli/patterns';

describe('PatternVerifier', () => {
  it('accepts frame k of each pattern and reports the first mismatching offset', () => {
    for (const pattern of PATTERNS) {
      const v = new PatternVerifier(pattern);
      for (const [size, k] of [[1, 0], [300, 7], [300, 263], [5000, 255], [64, 1]] as const) {
        const frame = makePattern(size, pattern, k);
        assert.equal(v.firstMismatch(frame, k), -1, `${pattern} ${size} ${k}`);
        const bad = new Uint8Array(frame);
        bad[size - 1] ^= 1;
        assert.equal(v.firstMismatch(bad, k), size - 1);
        assert.equal(v.firstMismatch(new Uint8Array(bad.buffer, 0, size >> 1 || 1), k), size === 1 ? 0 : -1, 'a view of the first half');
      }
    }
    assert.equal(new PatternVerifier('sequential').firstMismatch(makePattern(100, 'sequential', 3), 4), 0);
  });

  it('skips a prefix the caller owns and checks a frame in pieces', () => {
    const v = new PatternVerifier('sequential');
    const frame = makePattern(1000, 'sequential', 9);
    frame.writeBigInt64LE(123456789n, 0);
    assert.equal(v.firstMismatch(frame, 9, 8), -1);
    assert.equal(v.firstMismatch(frame, 9), 0);
    const whole = makePattern(1000, 'sequential', 9);
    assert.ok(v.matchesAt(whole.subarray(0, 400), 9, 0));
    assert.ok(v.matchesAt(whole.subarray(400), 9, 400));
    assert.ok(!v.matchesAt(whole.subarray(400), 9, 399));
  });

  it('verifies a run of back-to-back frames and names the first bad one', () => {
    for (const pattern of PATTERNS) {
      for (const size of [1, 64, 1024, RUN_TABLE_MAX_FRAME + 1]) {
        const v = new PatternVerifier(pattern, pattern === 'zero' ? 0x5a : 0);
        const k = 250; // the run crosses frame 256, where the table starts over
        const count = 300;
        const run = Buffer.alloc(count * size);
        for (let i = 0; i < count; i++) {
          makePattern(size, pattern, k + i).copy(run, i * size);
          if (pattern === 'zero') for (let j = 0; j < size; j++) run[i * size + j]! ^= 0x5a;
        }
        assert.equal(v.firstMismatchInRun(run, k, count, size), -1, `${pattern} ${size}`);
        for (const bad of [0, 5, 6, 299]) {
          const broken = Buffer.from(run);
          broken[bad * size + (size >> 1)]! ^= 1;
          assert.equal(v.firstMismatchInRun(broken, k, count, size), bad, `${pattern} ${size}: frame ${bad}`);
        }
        assert.equal(v.firstMismatchInRun(run, k + 1, count, size), pattern === 'sequential' ? 0 : -1, 'frames shifted by one');
      }
    }
    assert.throws(() => new PatternVerifier('sequential').firstMismatchInRun(Buffer.alloc(10), 0, 3, 4), RangeError);
  });
});
