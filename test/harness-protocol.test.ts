// Unit tests of the servo protocol helpers (harness.md "The servo protocol"): params arrive as an
// object or a one-element array, in any key casing.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { methodKey, normalizeParams, toTable } from '../harness/rpc/protocol';

describe('harness servo protocol: params normalisation', () => {
  it('accepts an object or a one-element array, and lower-cases every key', () => {
    const pascal = { Process: 'reader', StepType: 1, Step: "the 'reader' process reads one frame", IsBroadcast: false };
    const expected = { process: 'reader', steptype: 1, step: "the 'reader' process reads one frame", isbroadcast: false };
    assert.deepEqual(normalizeParams(pascal), expected);
    assert.deepEqual(normalizeParams([pascal]), expected);
    assert.deepEqual(normalizeParams({ process: 'reader', STEPTYPE: 1, step: "the 'reader' process reads one frame", isBroadcast: false }), expected);
    assert.deepEqual(normalizeParams({ Role: 'writer', TestRunId: '1-0-2-abcd' }), { role: 'writer', testrunid: '1-0-2-abcd' });
  });

  it('missing params give an empty object; a scalar is wrapped', () => {
    assert.deepEqual(normalizeParams(undefined), {});
    assert.deepEqual(normalizeParams(null), {});
    assert.deepEqual(normalizeParams([]), {});
    assert.deepEqual(normalizeParams([null]), {});
    assert.deepEqual(normalizeParams('x'), { value: 'x' });
  });

  it('values are passed through untouched (nested keys keep their casing)', () => {
    const ctx = { RunId: 'r', Roles: { Reader: 1 } };
    const n = normalizeParams({ Context: ctx });
    assert.equal(n.context, ctx);
  });

  it('method names are matched case-insensitively', () => {
    assert.equal(methodKey('executeStep'), methodKey('ExecuteStep'));
    assert.equal(methodKey('Health'), 'health');
    assert.notEqual(methodKey('cleanup'), methodKey('shutdown'));
  });

  it('toTable accepts {Headers, Rows} in any casing and stringifies cells; anything else is null', () => {
    assert.deepEqual(toTable({ Headers: ['size', 'count'], Rows: [['1 KB', 3]] }), { Headers: ['size', 'count'], Rows: [['1 KB', '3']] });
    assert.deepEqual(toTable({ headers: ['a'], rows: [['x'], 'bad'] }), { Headers: ['a'], Rows: [['x'], []] });
    assert.equal(toTable(null), null);
    assert.equal(toTable(undefined), null);
    assert.equal(toTable('Headers'), null);
    assert.equal(toTable({ Headers: ['a'] }), null);
    assert.equal(toTable({ Headers: 'a', Rows: [] }), null);
  });
});
