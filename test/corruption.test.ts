// Corruption tests (protocol.md §6.2, §3.4, §4.4, §14.10): whatever the shared segment contains,
// the native addon must report a typed error and never crash. Every scenario runs in a child
// process (test/fixtures/corruption-child.ts) so that a SIGSEGV/SIGBUS would show up as a
// signal instead of killing the test runner.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { TARGETED, SEGMENT, type RandomCase, type RandomOp } from './fixtures/corruption-child';

const CHILD = path.join(__dirname, 'fixtures', 'corruption-child.js');
let counter = 0;
const created: string[] = [];

function newName(): string {
  const name = `zbtest-corrupt-${process.pid}-${counter++}`;
  created.push(name);
  return name;
}

/** Removes whatever a (possibly killed) child left for the names this file created — only those. */
function cleanup(names: string[]): void {
  for (const n of names) {
    for (const p of [`/dev/shm/${n}`, `/dev/shm/${n}-small`, `/dev/shm/sem.sem-w-${n}`, `/dev/shm/sem.sem-r-${n}`, `/tmp/zerobuffer/${n}.lock`]) {
      try {
        fs.unlinkSync(p);
      } catch {
        /* absent */
      }
    }
  }
}

after(() => cleanup(created));

interface ChildRun {
  lines: Record<string, unknown>[];
  stderr: string;
}

function runChild(args: string[], timeoutMs: number): ChildRun {
  const r = spawnSync(process.execPath, [CHILD, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 16 << 20 });
  const lines = (r.stdout ?? '')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(r.signal, null, `child killed by ${r.signal}; stderr: ${r.stderr}; last output: ${JSON.stringify(lines.slice(-2))}`);
  assert.equal(r.status, 0, `child exit ${r.status}; stderr: ${r.stderr}`);
  return { lines, stderr: r.stderr };
}

for (const [caseName, c] of Object.entries(TARGETED)) {
  test(`targeted corruption: ${caseName} → ${c.expect}`, () => {
    const name = newName();
    try {
      const { lines } = runChild(['targeted', caseName, name], 15000);
      assert.equal(lines.length, 1);
      const results = lines[0].results as string[];
      assert.ok(results.length > 0, 'no operation observed');
      for (const r of results) assert.match(r, /^(ok|null|ZB_[A-Z_]+)$/, `unexpected result ${r} in ${JSON.stringify(results)}`);
      assert.equal(results[results.length - 1], c.expect, JSON.stringify(results));
    } finally {
      cleanup([name]);
    }
  });
}

// ---- Random corruption: seeded, bounded -------------------------------------------------------
const OPS: RandomOp[] = ['connect', 'write', 'read', 'release', 'getMetadata', 'setMetadata', 'acquire', 'snapshot'];

// 70 % of the patches hit the OIEB, the rest the metadata block and the ring (headers live there).
const offsetArb = fc.oneof(
  { weight: 7, arbitrary: fc.integer({ min: 0, max: 127 }) },
  { weight: 3, arbitrary: fc.integer({ min: 128, max: SEGMENT - 1 }) },
);
// Interesting byte patterns: zeros, 0xFF, small numbers, random.
const bytesArb = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 16 }).map((a) => Array.from(a)),
  fc.constantFrom([0, 0, 0, 0, 0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0x80, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 0]),
);
const randomCaseArb: fc.Arbitrary<RandomCase> = fc.record({
  preWrites: fc.array(fc.integer({ min: 1, max: 80 }), { maxLength: 6 }),
  preReads: fc.integer({ min: 0, max: 6 }),
  patches: fc.array(
    fc.record({ offset: offsetArb, bytes: bytesArb }).map(({ offset, bytes }) => ({ offset, bytes: bytes.slice(0, SEGMENT - offset) })),
    { minLength: 1, maxLength: 6 },
  ),
  ops: fc.array(fc.record({ op: fc.constantFrom(...OPS), size: fc.integer({ min: 0, max: 260 }) }), { minLength: 1, maxLength: 12 }),
});

test('random corruption of OIEB, metadata and ring never crashes (seeded)', () => {
  const SEED = 0x5eed2024;
  const BATCHES = 4;
  const PER_BATCH = 40;
  const cases = fc.sample(randomCaseArb, { seed: SEED, numRuns: BATCHES * PER_BATCH });
  let errorsSeen = 0;
  for (let b = 0; b < BATCHES; b++) {
    const batch = cases.slice(b * PER_BATCH, (b + 1) * PER_BATCH);
    const prefix = newName();
    const names = batch.map((_, i) => `${prefix}-${i}`);
    try {
      const payload = Buffer.from(JSON.stringify(batch)).toString('base64');
      const { lines } = runChild(['random', prefix, payload], 60000);
      const done = lines.filter((l) => 'index' in l);
      assert.equal(done.length, batch.length, `batch ${b}: only ${done.length} cases finished`);
      for (const l of done) {
        for (const r of l.results as string[]) {
          assert.match(r, /^(ok|null|ZB_[A-Z_]+)$/, `batch ${b} case ${String(l.index)}: ${r}\n${JSON.stringify(batch[l.index as number])}`);
          if (r.startsWith('ZB_')) errorsSeen++;
        }
      }
    } finally {
      cleanup([prefix, ...names]);
    }
  }
  assert.ok(errorsSeen > 0, 'random corruption never produced a typed error: generator too weak');
});
