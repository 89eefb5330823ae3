// Unit tests of the harness's TestDataPatterns (steps.md §3.3), compared with a naive per-byte
// reference implementation written here.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  checkFramePattern,
  describeMismatch,
  fillFramePattern,
  firstMismatch,
  framePattern,
  framePatternCopy,
  metadataPattern,
  metadataReversePattern,
  patternOk,
  simplePattern,
  textPattern,
} from '../harness/model/patterns';
import { prng } from './helpers';

// --- naive references ----------------------------------------------------------------------

function refF(size: number, seq: bigint | number): Uint8Array {
  const s = Number(BigInt(seq) % 256n); // seq reduced mod 256 first (it is a u64)
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i + s) % 256;
  return out;
}
function refS(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = i % 256;
  return out;
}
function refMrev(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = 255 - (i % 256);
  return out;
}
function refFirstMismatch(a: Uint8Array, e: Uint8Array): number | null {
  const n = Math.min(a.length, e.length);
  for (let i = 0; i < n; i++) if (a[i] !== e[i]) return i;
  return a.length === e.length ? null : n;
}
function sameBytes(what: string, actual: Uint8Array, expected: Uint8Array): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const off = refFirstMismatch(actual, expected);
  assert.equal(off, null, `${what}: first differing byte at ${off} (actual ${off === null ? '' : actual[off]}, expected ${off === null ? '' : expected[off]})`);
}

const SIZES = [0, 1, 255, 256, 257, 100 * 1024];
const U64_MAX = 2n ** 64n - 1n;
const SEQS: (bigint | number)[] = [0, 1, 2, 255, 256, 257, 1000, 0n, 1n, 255n, 256n, 2n ** 63n + 5n, U64_MAX, U64_MAX - 1n];

describe('harness patterns: generation', () => {
  it('F(size, seq): byte i = (i + seq) mod 256 for sizes 0, 1, 255, 256, 257, 100 KiB and u64 sequences', () => {
    for (const size of SIZES) {
      for (const seq of SEQS) {
        const ref = refF(size, seq);
        sameBytes(`framePattern(${size}, ${seq})`, framePattern(size, seq), ref);
        sameBytes(`framePatternCopy(${size}, ${seq})`, framePatternCopy(size, seq), ref);
      }
    }
  });

  it('a u64 sequence is reduced mod 256 first: 2^64 − 1 behaves like 255, 2^64 − 256 like 0', () => {
    const f = framePattern(300, U64_MAX);
    assert.equal(f[0], 255);
    assert.equal(f[1], 0);
    assert.equal(f[299], (299 + 255) % 256);
    sameBytes('F(300, 2^64-1) = F(300, 255)', f, framePattern(300, 255));
    sameBytes('F(300, 2^64-256) = F(300, 0)', framePattern(300, U64_MAX - 255n), refS(300));
    assert.equal(framePattern(1, 2n ** 64n + 3n)[0], 3, 'values above 2^64 are reduced too');
  });

  it('number and bigint sequences agree', () => {
    for (const s of [0, 1, 77, 255, 256, 65537]) sameBytes(`seq ${s}`, framePatternCopy(513, s), framePatternCopy(513, BigInt(s)));
  });

  it('framePatternCopy is a fresh buffer: writing to it does not alter later patterns', () => {
    const a = framePatternCopy(1000, 9);
    a.fill(0xee);
    sameBytes('after modifying a copy', framePattern(1000, 9), refF(1000, 9));
    sameBytes('another copy', framePatternCopy(1000, 9), refF(1000, 9));
    const c1 = framePatternCopy(10, 1);
    const c2 = framePatternCopy(10, 1);
    c1[0] = 0xee;
    assert.equal(c2[0], 1, 'two copies do not share bytes');
  });

  it('fillFramePattern fills exactly the view (byteOffset ≠ 0), in place', () => {
    for (const seq of [0n, 3n, U64_MAX]) {
      const backing = new Uint8Array(2000).fill(0xaa);
      const view = backing.subarray(17, 17 + 1500);
      fillFramePattern(view, seq);
      sameBytes(`fillFramePattern(view, ${seq})`, view, refF(1500, seq));
      assert.ok(backing.subarray(0, 17).every((b) => b === 0xaa), 'bytes before the view untouched');
      assert.ok(backing.subarray(17 + 1500).every((b) => b === 0xaa), 'bytes after the view untouched');
    }
    fillFramePattern(new Uint8Array(0), 5); // no-op, must not throw
  });

  it('S(size) and Mpat(size): byte i = i mod 256', () => {
    for (const size of SIZES) {
      sameBytes(`simplePattern(${size})`, simplePattern(size), refS(size));
      sameBytes(`metadataPattern(${size})`, metadataPattern(size), refS(size));
    }
  });

  it('Mrev(size): byte i = 255 − (i mod 256), and it differs from Mpat at byte 0', () => {
    for (const size of SIZES) sameBytes(`metadataReversePattern(${size})`, metadataReversePattern(size), refMrev(size));
    const m = firstMismatch(metadataReversePattern(100), metadataPattern(100));
    assert.ok(m !== null);
    assert.equal(m.offset, 0);
    assert.equal(m.actual, 255);
    assert.equal(m.expected, 0);
  });

  it('text: UTF-8 bytes, no terminator', () => {
    const t = textPattern('héllo €');
    assert.deepEqual([...t], [0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0x20, 0xe2, 0x82, 0xac]);
    assert.equal(textPattern('').length, 0);
    assert.equal(textPattern('alive').toString('utf8'), 'alive');
    assert.equal(textPattern('alive').length, 5);
  });

  it('negative or non-integer sizes are rejected', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
      assert.throws(() => framePattern(bad, 0), RangeError, `framePattern(${bad})`);
      assert.throws(() => framePatternCopy(bad, 0), RangeError);
      assert.throws(() => metadataReversePattern(bad), RangeError);
    }
  });
});

describe('harness patterns: verification', () => {
  it('accepts a correct buffer (null) for every size, including a copy outside the cache', () => {
    for (const size of SIZES) {
      for (const seq of [0n, 1n, 200n, U64_MAX]) {
        const data = Buffer.from(refF(size, seq));
        assert.equal(checkFramePattern(data, seq), null, `checkFramePattern(F(${size}, ${seq}))`);
      }
    }
  });

  it('reports the FIRST mismatching offset (flip at start, middle, end, and around 4 KiB blocks)', () => {
    const size = 100 * 1024;
    const seq = 12345n;
    const offsets = [0, 1, 255, 4095, 4096, 4097, 8191, size / 2, size - 4097, size - 2, size - 1];
    for (const off of offsets) {
      const data = Buffer.from(refF(size, seq));
      data[off] = (data[off]! ^ 0x5a) & 0xff;
      const m = checkFramePattern(data, seq);
      assert.ok(m !== null, `flip at ${off} must be detected`);
      assert.equal(m.offset, off, `first mismatch offset for a flip at ${off}`);
      assert.equal(m.expected, refF(size, seq)[off]);
      assert.equal(m.actual, data[off]);
      assert.equal(m.expectedLength, size);
      assert.equal(m.actualLength, size);
      assert.match(describeMismatch('frame', m), new RegExp(`first mismatch at offset ${off} `));
    }
    // two flips: the earlier one is reported
    const data = Buffer.from(refF(size, seq));
    data[size - 1] ^= 1;
    data[size / 2] ^= 1;
    assert.equal(checkFramePattern(data, seq)!.offset, size / 2);
  });

  it('small frames: flip in the middle and at the end', () => {
    for (const size of [1, 255, 256, 257]) {
      for (const off of [Math.floor(size / 2), size - 1]) {
        const data = Buffer.from(refF(size, 3));
        data[off] ^= 0x80;
        assert.equal(checkFramePattern(data, 3)?.offset, off, `size ${size}, flip at ${off}`);
      }
    }
  });

  it('wrong sequence is detected at offset 0; length mismatches are reported as such', () => {
    assert.equal(checkFramePattern(framePattern(1024, 5), 6)?.offset, 0);
    const short = firstMismatch(framePattern(100, 0), framePattern(101, 0));
    assert.ok(short !== null);
    assert.equal(short.offset, 100);
    assert.equal(short.actual, undefined);
    assert.match(describeMismatch('frame', short), /length mismatch — expected 101 bytes, observed 100 bytes/);
    const long = firstMismatch(framePattern(101, 0), framePattern(100, 0));
    assert.equal(long?.offset, 100);
    assert.equal(firstMismatch(new Uint8Array(0), new Uint8Array(0)), null);
  });

  it('firstMismatch agrees with the naive reference on seeded random corruptions (views with offsets too)', () => {
    const rnd = prng(0x5eed);
    for (let k = 0; k < 200; k++) {
      const size = 1 + Math.floor(rnd() * 20000);
      const seq = BigInt(Math.floor(rnd() * 2 ** 32)) * 4294967296n + BigInt(Math.floor(rnd() * 2 ** 32));
      const expected = refF(size, seq);
      const backing = new Uint8Array(size + 64);
      const start = Math.floor(rnd() * 64);
      const actual = backing.subarray(start, start + size);
      actual.set(expected);
      const flips = Math.floor(rnd() * 3);
      for (let f = 0; f < flips; f++) {
        const at = Math.floor(rnd() * size);
        actual[at] = (actual[at]! + 1 + Math.floor(rnd() * 255)) & 0xff;
      }
      const ref = refFirstMismatch(actual, expected);
      const got = checkFramePattern(actual, seq);
      assert.equal(got === null ? null : got.offset, ref, `case ${k}: size ${size}, seq ${seq}, ${flips} flip(s)`);
    }
  });

  it('PATTERN-OK accepts F(size, seq) or S(size) and rejects anything else', () => {
    assert.deepEqual(patternOk(framePatternCopy(500, 7n), 7n), { ok: true, pattern: 'F' });
    assert.deepEqual(patternOk(simplePattern(500), 7n), { ok: true, pattern: 'S' });
    assert.deepEqual(patternOk(framePatternCopy(500, U64_MAX), U64_MAX), { ok: true, pattern: 'F' });
    const bad = framePatternCopy(500, 7n);
    bad[250] ^= 0xff;
    const r = patternOk(bad, 7n);
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.f.offset, 250);
      assert.equal(r.s.offset, 0);
    }
    assert.equal(patternOk(framePatternCopy(500, 8n), 7n).ok, false, 'F with another sequence is not OK');
  });
});
