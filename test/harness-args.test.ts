// Unit tests of the typed step-argument encoding of executeStep.Parameters.Args
// (harness/rpc/args.ts): every value a parameter type can produce survives
// encode → JSON text → decode unchanged, tags are unambiguous, and unsupported values are refused.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { decodeArg, decodeArgs, encodeArg, encodeArgs } from '../harness/rpc/args';

/** Through the wire: encode, JSON text, parse, decode. */
function roundTrip(v: unknown): unknown {
  return decodeArg(JSON.parse(JSON.stringify(encodeArg(v))));
}

describe('harness step arguments: encoding', () => {
  it('JSON values are sent as they are; bigint and special numbers as one-key tags', () => {
    assert.deepEqual(encodeArgs(['writer', 1024, [100, 1024, 1], true, null]), ['writer', 1024, [100, 1024, 1], true, null]);
    assert.deepEqual(encodeArg(123n), { $bigint: '123' });
    assert.deepEqual(encodeArg(2n ** 64n - 1n), { $bigint: '18446744073709551615' });
    assert.deepEqual(encodeArg(NaN), { $number: 'NaN' });
    assert.deepEqual(encodeArg(-Infinity), { $number: '-Infinity' });
    assert.deepEqual(encodeArg(-0), { $number: '-0' });
    assert.deepEqual(encodeArg(undefined), { $undefined: true });
    assert.deepEqual(encodeArg({ size: 1n }), { size: { $bigint: '1' } });
  });

  it('corpus arguments round-trip, types included (B06, B23, L05, L11)', () => {
    const args = ['writer', 1024, 18446744073709551615n, [100, 1024, 10240, 1], 2.5, 'test-reader-replace', 0, -0];
    const back = decodeArgs(JSON.parse(JSON.stringify(encodeArgs(args))));
    assert.deepEqual(back, args);
    assert.equal(typeof back[2], 'bigint');
    assert.ok(Object.is(back[7], -0));
  });

  it('an object whose keys look like tags is wrapped, so it never decodes as a tag', () => {
    const tricky = { $bigint: '5' };
    assert.deepEqual(encodeArg(tricky), { $object: { $bigint: '5' } });
    assert.deepEqual(roundTrip(tricky), tricky);
    assert.deepEqual(roundTrip({ $object: { a: 1 }, b: 2n }), { $object: { a: 1 }, b: 2n });
  });

  it('property: any mix of the supported values round-trips unchanged', () => {
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.boolean(),
        fc.constant(null),
        fc.double(),
        fc.bigInt(),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 4, noNullPrototype: true }),
      ),
    }));
    fc.assert(
      fc.property(value, (v) => {
        assert.deepEqual(roundTrip(v), v);
      }),
      { seed: 20251201, numRuns: 500 },
    );
  });

  it('values JSON cannot carry faithfully are refused with the argument position', () => {
    assert.throws(() => encodeArgs(['ok', () => 1]), /argument 2: cannot encode a function/);
    assert.throws(() => encodeArg(Buffer.from('x')), /cannot encode a Buffer object/);
    assert.throws(() => encodeArg(new Date(0)), /cannot encode a Date object/);
    assert.throws(() => encodeArg([Symbol('s')]), /argument\[0\]: cannot encode a symbol/);
    assert.throws(() => encodeArg({ a: { b: new Map() } }), /argument\.a\.b: cannot encode a Map object/);
  });

  it('malformed or unknown tags and non-arrays are refused when decoding', () => {
    assert.throws(() => decodeArg({ $bigint: 12 }), /malformed or unknown tag/);
    assert.throws(() => decodeArg({ $bigint: '1.5' }), /malformed or unknown tag/);
    assert.throws(() => decodeArg({ $number: 'Infinityx' }), /malformed or unknown tag/);
    assert.throws(() => decodeArg({ $date: '2020' }), /malformed or unknown tag/);
    assert.throws(() => decodeArgs({ 0: 'x' }), /must be an array/);
    // two keys: an ordinary object, not a tag
    assert.deepEqual(decodeArg({ $bigint: '1', other: 2 }), { $bigint: '1', other: 2 });
  });
});
