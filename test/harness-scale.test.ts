// SCALE() of steps.md §3.6: parsing ZEROBUFFER_TEST_SCALE and scaling quantities.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseScale, scaleFactor, scaled } from '../harness/model/scale';

describe('harness scale knob (steps.md §3.6)', () => {
  it('defaults to 0 (smoke scale) when unset or empty', () => {
    assert.equal(parseScale(undefined), 0);
    assert.equal(parseScale(''), 0);
    assert.equal(scaleFactor({}), 0);
  });

  it('accepts decimals in [0, 1]', () => {
    for (const [raw, v] of [['0', 0], ['1', 1], ['0.25', 0.25], ['.5', 0.5], [' 1.0 ', 1]] as const) assert.equal(parseScale(raw), v, raw);
  });

  it('refuses values outside [0, 1] and non-numbers with a message naming the variable', () => {
    for (const raw of ['2', '-0.1', '1.01', 'abc', '1e-1', 'NaN', 'Infinity', '0x1']) {
      const r = parseScale(raw);
      assert.ok(r instanceof Error, raw);
      assert.match(r.message, /ZEROBUFFER_TEST_SCALE must be a decimal number in \[0, 1\]/);
      assert.throws(() => scaleFactor({ ZEROBUFFER_TEST_SCALE: raw }), /ZEROBUFFER_TEST_SCALE/);
    }
  });

  it('SCALE(full; smoke) = round(smoke + (full − smoke) × s)', () => {
    assert.equal(scaled(10000, 2000, 0), 2000);
    assert.equal(scaled(10000, 2000, 1), 10000);
    assert.equal(scaled(10000, 2000, 0.5), 6000);
    assert.equal(scaled(1000, 50, 0.001), 51);
    assert.equal(scaled(10000, 2000, scaleFactor({ ZEROBUFFER_TEST_SCALE: '0.25' })), 4000);
  });
});
