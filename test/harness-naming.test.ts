// Unit tests of the harness's BufferNamingService and run ids (harness.md "Cross-process
// conventions", steps.md §3.1). process.env is saved and restored around every test.
import { afterEach, beforeEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  BufferNamingService,
  MAX_CHANNEL_NAME_BYTES,
  MAX_NAME_BYTES,
  RUN_ID_FORMAT,
  RUN_ID_IN_NAME,
  makeRunId,
  osObjectPaths,
  runIdFromEnv,
} from '../harness/model/naming';
import { validateName } from '../src/config';

const ENV_KEYS = ['ZEROBUFFER_RUN_ID', 'HARMONY_HOST_PID', 'HARMONY_FEATURE_ID'] as const;
let savedEnv: NodeJS.ProcessEnv;

beforeEach(() => {
  savedEnv = { ...process.env };
  for (const k of ENV_KEYS) delete process.env[k];
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  for (const [k, v] of Object.entries(savedEnv)) process.env[k] = v;
});

describe('harness naming: run id', () => {
  it('makeRunId has the format <hostPid>-<workerId>-<ordinal>-<4 hex>', () => {
    const id = makeRunId(41233, 0, 7);
    const m = /^41233-0-7-([0-9a-f]{4})$/.exec(id);
    assert.ok(m !== null, `run id ${id} should be 41233-0-7-<4 lowercase hex>`);
    assert.match(id, RUN_ID_FORMAT);
    assert.match(makeRunId(1, '3', 12345), /^1-3-12345-[0-9a-f]{4}$/);
  });

  it('makeRunId draws the 4 hex digits at random (unique per execution)', () => {
    const suffixes = new Set<string>();
    for (let i = 0; i < 64; i++) suffixes.add(makeRunId(process.pid, 0, 1).slice(-4));
    // 64 draws out of 65536 values: all equal has probability 65536^-63
    assert.ok(suffixes.size > 1, `64 run ids for the same (pid, worker, ordinal) all ended in ${[...suffixes][0]}`);
    assert.notEqual(makeRunId(process.pid, 0, 1).replace(/-[0-9a-f]{4}$/, ''), makeRunId(process.pid, 0, 2).replace(/-[0-9a-f]{4}$/, ''));
  });

  it('ZEROBUFFER_RUN_ID is honoured (and wins over the HARMONY_* variables)', () => {
    process.env.ZEROBUFFER_RUN_ID = '777-1-2-beef';
    assert.equal(runIdFromEnv(), '777-1-2-beef');
    process.env.HARMONY_HOST_PID = '4242';
    process.env.HARMONY_FEATURE_ID = '13';
    assert.equal(runIdFromEnv(), '777-1-2-beef');
    assert.equal(new BufferNamingService().runId, '777-1-2-beef');
    assert.equal(runIdFromEnv({ ZEROBUFFER_RUN_ID: 'x-1' }), 'x-1');
  });

  it('HARMONY_HOST_PID + HARMONY_FEATURE_ID give <pid>_<feature> when no ZEROBUFFER_RUN_ID is set', () => {
    process.env.HARMONY_HOST_PID = '4242';
    process.env.HARMONY_FEATURE_ID = '13';
    assert.equal(runIdFromEnv(), '4242_13');
    const svc = new BufferNamingService();
    assert.equal(svc.runId, '4242_13');
    assert.equal(svc.resolve('test-basic'), 'test-basic_4242_13');
    // an empty ZEROBUFFER_RUN_ID counts as unset
    process.env.ZEROBUFFER_RUN_ID = '';
    assert.equal(runIdFromEnv(), '4242_13');
  });

  it('only one HARMONY_* variable set → standalone <pid>-<timestamp> id', () => {
    for (const env of [{ HARMONY_HOST_PID: '4242' }, { HARMONY_FEATURE_ID: '13' }, { HARMONY_HOST_PID: '4242', HARMONY_FEATURE_ID: '' }]) {
      const t0 = Date.now();
      const id = runIdFromEnv(env);
      const t1 = Date.now();
      const m = /^(\d+)-(\d+)$/.exec(id);
      assert.ok(m !== null, `${JSON.stringify(env)} → ${id} should be <pid>-<timestamp>`);
      assert.equal(Number(m[1]), process.pid);
      assert.ok(Number(m[2]) >= t0 && Number(m[2]) <= t1, `timestamp ${m[2]} within [${t0}, ${t1}]`);
    }
  });

  it('no variable at all → standalone <pid>-<timestamp> id (from process.env by default)', () => {
    const t0 = Date.now();
    const id = new BufferNamingService().runId;
    const t1 = Date.now();
    const m = /^(\d+)-(\d+)$/.exec(id);
    assert.ok(m !== null, `${id} should be <pid>-<timestamp>`);
    assert.equal(Number(m[1]), process.pid);
    assert.ok(Number(m[2]) >= t0 && Number(m[2]) <= t1);
  });

  it('an empty run id is rejected', () => {
    assert.throws(() => new BufferNamingService(''), /empty run id/);
  });
});

describe('harness naming: resolve', () => {
  const RUN = '41233-0-7-a3f9';

  it('resolve(base) = <base>_<runId>', () => {
    const svc = new BufferNamingService(RUN);
    assert.equal(svc.resolve('test-basic'), 'test-basic_41233-0-7-a3f9');
    assert.equal(svc.resolve('a.b_C-9'), 'a.b_C-9_41233-0-7-a3f9');
  });

  it('is cached per base name: repeated calls return the same value, other bases differ', () => {
    const svc = new BufferNamingService(RUN);
    const a1 = svc.resolve('alpha');
    const b1 = svc.resolve('beta');
    assert.equal(svc.resolve('alpha'), a1);
    assert.equal(svc.resolve('beta'), b1);
    assert.notEqual(a1, b1);
    svc.clear();
    assert.equal(svc.resolve('alpha'), a1, 'clear() forgets the cache but the mapping is deterministic');
  });

  it('two executions (different run ids) never share a resolved name', () => {
    const a = new BufferNamingService(makeRunId(process.pid, 0, 1));
    const b = new BufferNamingService(makeRunId(process.pid, 0, 2));
    assert.notEqual(a.resolve('test-basic'), b.resolve('test-basic'));
    assert.ok(a.owns(a.resolve('x')));
    assert.ok(!a.owns(b.resolve('x')));
  });

  it(`resolved names stay within ${MAX_NAME_BYTES} UTF-8 bytes: the longest base fits, one more byte throws`, () => {
    const svc = new BufferNamingService(RUN);
    const maxBase = 'b'.repeat(MAX_NAME_BYTES - 1 - RUN.length);
    const resolved = svc.resolve(maxBase);
    assert.equal(Buffer.byteLength(resolved, 'utf8'), MAX_NAME_BYTES);
    assert.equal(validateName(resolved), resolved, 'the library accepts the longest resolved name');
    assert.throws(() => svc.resolve(maxBase + 'b'), (e: Error) => {
      assert.match(e.message, /246 bytes/);
      assert.match(e.message, new RegExp(`limit of ${MAX_NAME_BYTES} bytes`));
      return true;
    });
    // a failed resolution is not cached
    assert.throws(() => svc.resolve(maxBase + 'b'));
    assert.equal(MAX_CHANNEL_NAME_BYTES, 236);
  });

  it(`duplex channels: resolveChannel(base) = <base>_<runId>, at most ${MAX_CHANNEL_NAME_BYTES} bytes so that both buffer names stay valid`, () => {
    const svc = new BufferNamingService(RUN);
    assert.equal(svc.resolveChannel('duplex-basic'), 'duplex-basic_41233-0-7-a3f9');
    const maxBase = 'c'.repeat(MAX_CHANNEL_NAME_BYTES - 1 - RUN.length);
    const channel = svc.resolveChannel(maxBase);
    assert.equal(Buffer.byteLength(channel, 'utf8'), MAX_CHANNEL_NAME_BYTES);
    assert.equal(validateName(`${channel}_response`), `${channel}_response`, 'the longer buffer name of the longest channel is valid');
    assert.throws(() => svc.resolveChannel(maxBase + 'c'), new RegExp(`resolved channel name .* is 237 bytes, above the protocol limit of ${MAX_CHANNEL_NAME_BYTES} bytes`));
  });

  it('the limit counts UTF-8 bytes, not characters (a HARMONY feature id may be non-ASCII)', () => {
    const svc = new BufferNamingService('4242_fé'); // 7 characters, 8 bytes
    const base = 'b'.repeat(MAX_NAME_BYTES - 1 - 7); // 245 characters resolved, 246 bytes
    assert.equal(`${base}_4242_fé`.length, MAX_NAME_BYTES);
    assert.throws(() => svc.resolve(base), /246 bytes/);
    assert.equal(Buffer.byteLength(svc.resolve(base.slice(1)), 'utf8'), MAX_NAME_BYTES);
  });

  it('base names outside [A-Za-z0-9._-] are rejected (no "/", no non-ASCII, not empty)', () => {
    const svc = new BufferNamingService(RUN);
    for (const bad of ['', 'a/b', 'ä', 'with space', "quo'te", 'nul\0']) {
      assert.throws(() => svc.resolve(bad), /must match/, `base ${JSON.stringify(bad)}`);
    }
  });

  it('suffix convention: resolveSuffixed(base, suffix) = <base>-<suffix>_<runId>', () => {
    const svc = new BufferNamingService(RUN);
    assert.equal(svc.resolveSuffixed('test-basic', 'extra'), 'test-basic-extra_41233-0-7-a3f9');
    assert.equal(svc.resolveSuffixed('test-basic', 'extra'), svc.resolve('test-basic-extra'));
  });

  it('RUN_ID_IN_NAME finds our run id in every OS object name of a resolved name', () => {
    const svc = new BufferNamingService(RUN);
    const n = svc.resolve('test-basic');
    const p = osObjectPaths(n);
    assert.deepEqual(p, {
      shm: '/dev/shm/test-basic_41233-0-7-a3f9',
      semData: '/dev/shm/sem.sem-w-test-basic_41233-0-7-a3f9',
      semSpace: '/dev/shm/sem.sem-r-test-basic_41233-0-7-a3f9',
      lock: '/tmp/zerobuffer/test-basic_41233-0-7-a3f9.lock',
    });
    for (const entry of [p.shm, p.semData, p.semSpace, p.lock, `/dev/shm/${n}_request`].map((x) => x.split('/').pop()!)) {
      const m = RUN_ID_IN_NAME.exec(entry);
      assert.ok(m !== null, `${entry} should contain a run id`);
      assert.equal(m[1], '41233');
    }
    assert.equal(RUN_ID_IN_NAME.exec('test-basic_41233-0-7-a3f9x'), null, 'the run id must end the name or be followed by _ or .');
    assert.equal(RUN_ID_IN_NAME.exec('test-basic_4242_13'), null, 'HARMONY ids are not ours');
  });
});
