// The CLI's pattern verifier (src/cli/patterns.ts), which the benchmark uses too: one compare per
// frame against a window of a reference table, a skipped prefix, frames in pieces, and the first
// mismatching offset.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { makePattern, PatternVerifier, PATTERNS } from '../src/cli/patterns';

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
});
