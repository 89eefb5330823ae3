// Mutant builds of the addon (harness/model/mutants.ts, native/core/mutant.hpp,
// native/test_support/mutants.cmake): the names agree everywhere, ZEROBUFFER_MUTANT is validated,
// the shipped addon carries no mutant, and each mutant — selected in a child process exactly as a
// harness process selects it — shows its wrong behaviour in a short library program
// (test/fixtures/mutant-child.ts) where the real addon behaves correctly. Builds each mutant once
// (~20 s each); an up-to-date build is reused.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  MUTANTS,
  MUTANT_ENV,
  ensureMutantBuilt,
  mutantAddonPath,
  mutantAnnouncement,
  mutantBuildReason,
  mutantFromEnv,
  mutantSources,
  mutantTarget,
} from '../harness/model/mutants';
import { native, packageRoot, useAddonFile } from '../src/native';
import { removeLeftovers, uniqueName } from './helpers';

const ROOT = packageRoot();
const CHILD = path.join(__dirname, 'fixtures', 'mutant-child.js');
const TAG = 'zerobuffer-mutant:';

after(() => removeLeftovers());

describe('mutant names and selection', () => {
  it('MUTANTS, mutants.cmake and mutant.hpp list the same mutants, each with a mutation point', () => {
    const names = MUTANTS.map((m) => m.name);
    const cmake = fs.readFileSync(path.join(ROOT, 'native', 'test_support', 'mutants.cmake'), 'utf8');
    assert.deepEqual(/set\(ZB_MUTANTS ([^)]*)\)/.exec(cmake)![1]!.trim().split(/\s+/), names);
    const hpp = fs.readFileSync(path.join(ROOT, 'native', 'core', 'mutant.hpp'), 'utf8');
    const macro = (n: string) => n.toUpperCase().replace(/-/g, '_');
    assert.deepEqual([...hpp.matchAll(/#ifndef ZB_MUTANT_(\w+)\n#define ZB_MUTANT_\1 0\n/g)].map((m) => m[1]), names.map(macro));
    const code = mutantSources(ROOT).filter((f) => f.endsWith('.cpp')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    for (const n of names) assert.match(code, new RegExp(`if constexpr \\(ZB_MUTANT\\(${macro(n)}\\)\\) \\{\\n\\s*// MUTANT ${n}:`), n);
    for (const m of MUTANTS) assert.ok(m.description.length > 20 && m.observable.length > 20, m.name);
  });

  it('mutantFromEnv: unset or empty is the real addon, a known name is returned, an unknown one lists the valid ones', () => {
    assert.equal(mutantFromEnv({}), undefined);
    assert.equal(mutantFromEnv({ [MUTANT_ENV]: '' }), undefined);
    assert.equal(mutantFromEnv({ [MUTANT_ENV]: 'short-tail' }), 'short-tail');
    assert.throws(() => mutantFromEnv({ [MUTANT_ENV]: 'wrap_underflow' }), (e: Error) => {
      assert.match(e.message, /ZEROBUFFER_MUTANT='wrap_underflow' names no mutant; valid: wrap-underflow, short-tail, release-order, lost-wakeup, tail-leak/);
      return true;
    });
  });

  it('a mutant is built by its own target into build/Release/mutants/<name>/, not where pkg-prebuilds looks', () => {
    assert.equal(mutantTarget('wrap-underflow'), 'zerobuffer_mutant_wrap_underflow');
    assert.equal(path.relative(ROOT, mutantAddonPath('lost-wakeup', ROOT)), 'build/Release/mutants/lost-wakeup/zerobuffer.node');
    assert.throws(() => mutantAddonPath('nope'), /unknown mutant 'nope'/);
    assert.match(
      mutantAnnouncement('tail-leak', ROOT),
      /^zerobuffer harness: MUTANT 'tail-leak' — every process loads build\/Release\/mutants\/tail-leak\/zerobuffer\.node \(the Reader skips .*\); results are not those of the real addon$/,
    );
  });

  it('mutantBuildReason: missing, older than a source, or up to date', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zb-mutant-build-'));
    try {
      const at = (rel: string, ms: number) => {
        const p = path.join(root, rel);
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, '');
        fs.utimesSync(p, new Date(ms), new Date(ms));
      };
      const t = Date.parse('2026-01-01T00:00:00Z');
      for (const f of ['CMakeLists.txt', 'native/test_support/mutants.cmake', 'native/core/writer_core.cpp', 'native/bench/main.cpp']) at(f, t);
      assert.equal(mutantBuildReason('short-tail', root), 'build/Release/mutants/short-tail/zerobuffer.node is missing');
      at('build/Release/mutants/short-tail/zerobuffer.node', t + 1000);
      assert.equal(mutantBuildReason('short-tail', root), null);
      at('native/bench/main.cpp', t + 5000); // not compiled into the addon
      assert.equal(mutantBuildReason('short-tail', root), null);
      at('native/core/writer_core.cpp', t + 5000);
      assert.match(mutantBuildReason('short-tail', root)!, /^native\/core\/writer_core\.cpp changed after build\/Release\/mutants\/short-tail\/zerobuffer\.node was built$/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('useAddonFile takes an absolute path to an existing file, and only before the addon is loaded', () => {
    assert.throws(() => useAddonFile('build/Release/zerobuffer.node'), /needs an absolute path/);
    assert.throws(() => useAddonFile(path.join(ROOT, 'build', 'no-such.node')), /no addon at/);
    native();
    assert.throws(() => useAddonFile(path.join(ROOT, 'build', 'Release', 'zerobuffer.node')), /after the native addon was loaded/);
  });

  it('the shipped addon carries no mutant (mutant.hpp tags every object compiled with one)', () => {
    assert.equal(fs.readFileSync(path.join(ROOT, 'build', 'Release', 'zerobuffer.node')).includes(TAG), false);
  });
});

/** What each mutant's program (test/fixtures/mutant-child.ts) prints with the real addon and with the mutant. */
const EXPECTED: Record<string, { real: Record<string, unknown>; mutant: Record<string, unknown> }> = {
  'wrap-underflow': {
    real: { fifthWrite: { code: 'ZB_BUFFER_FULL' }, free: '0', nextRead: { ok: '3' } },
    // 0 - 424 (the tail) - 500 (the frame) in u64; frame 5's marker sits on frame 3's header
    mutant: { fifthWrite: { ok: '5' }, free: String(2n ** 64n - 924n), nextRead: { code: 'ZB_SEQUENCE_ERROR', expected: '3', got: '5' } },
  },
  'short-tail': {
    real: { writePos: '416', writtenCount: '3', free: '184', secondRead: { ok: '2' } },
    // write_pos 1016 is in (P - 16, P); this Reader's implicit wrap (§5.9) still reads frame 2
    mutant: { writePos: '1016', writtenCount: '2', free: '608', secondRead: { ok: '2' } },
  },
  'release-order': {
    real: { freeRiseOnLaterRelease: '0', semSpace: 0 },
    mutant: { freeRiseOnLaterRelease: '100', semSpace: 1 },
  },
  'lost-wakeup': {
    real: { free: '1024', semSpace: 2 },
    mutant: { free: '1024', semSpace: 1 },
  },
  'tail-leak': {
    real: { freeWhenEmpty: '1024' },
    mutant: { freeWhenEmpty: '600' },
  },
};

function runProgram(program: string, mutant: string): { mutant: string | null; observed: Record<string, unknown> } {
  const r = spawnSync(process.execPath, [CHILD, program, uniqueName(program)], {
    env: { ...process.env, [MUTANT_ENV]: mutant },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `child ${program} (${MUTANT_ENV}='${mutant}') exit ${r.status ?? r.signal}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as { mutant: string | null; observed: Record<string, unknown> };
}

const cmake = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
const noCmake = cmake.error !== undefined ? 'cmake not found: a mutant is compiled by cmake-js (install cmake and a C++20 compiler)' : false;

describe('each mutant, selected by ZEROBUFFER_MUTANT in a child process, shows its bug', { skip: noCmake }, () => {
  for (const m of MUTANTS) {
    describe(m.name, () => {
      before(() => ensureMutantBuilt(m.name, ROOT));

      it('is built once: a second ensureMutantBuilt finds it up to date; the binary carries its own tag only', () => {
        assert.equal(ensureMutantBuilt(m.name, ROOT).built, false);
        const bytes = fs.readFileSync(mutantAddonPath(m.name, ROOT)).toString('latin1');
        assert.deepEqual([...new Set(bytes.match(/zerobuffer-mutant:[a-z-]+/g))], [`${TAG}${m.name}`]);
      });

      it(`with ${MUTANT_ENV} empty the real addon behaves correctly`, () => {
        assert.deepEqual(runProgram(m.name, ''), { mutant: null, observed: EXPECTED[m.name]!.real });
      });

      it(`with ${MUTANT_ENV}=${m.name} the program observes: ${m.observable}`, () => {
        assert.deepEqual(runProgram(m.name, m.name), { mutant: m.name, observed: EXPECTED[m.name]!.mutant });
      });
    });
  }
});
