// The native staleness warning (harness/host/native-build.ts): a native source newer than a
// built addon is reported with the rebuild command; a fresh build is silent.
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkNativeBuild, nativeSources, nativeStaleness } from '../harness/host/native-build';

const T = Date.parse('2026-01-01T00:00:00Z');

describe('nativeStaleness', () => {
  const addons = [
    { path: 'build/Release/zerobuffer.node', mtimeMs: T },
    { path: 'build/Release/zerobuffer_test_support.node', mtimeMs: T + 1000 },
  ];

  it('is silent when every source is older than the oldest addon', () => {
    assert.equal(nativeStaleness([{ path: 'native/a.cpp', mtimeMs: T - 1 }, { path: 'CMakeLists.txt', mtimeMs: T }], addons), null);
  });

  it('names the newer sources (newest first), the addon and the rebuild command', () => {
    const w = nativeStaleness([{ path: 'native/a.cpp', mtimeMs: T + 500 }, { path: 'native/b.hpp', mtimeMs: T + 2000 }, { path: 'native/c.cpp', mtimeMs: T - 5 }], addons);
    assert.ok(w !== null);
    assert.match(w, /^native sources changed after the addon was built \(build\/Release\/zerobuffer\.node, 2026-01-01T00:00:00\.000Z\): /);
    assert.match(w, /native\/b\.hpp \(2026-01-01T00:00:02\.000Z\), native\/a\.cpp \(2026-01-01T00:00:00\.500Z\) — /);
    assert.doesNotMatch(w, /c\.cpp/);
    assert.match(w, /rebuild with `npm run build:native`$/);
  });

  it('lists five sources and counts the rest', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ path: `native/f${i}.cpp`, mtimeMs: T + 10 + i }));
    const w = nativeStaleness(many, addons)!;
    assert.equal((w.match(/native\/f\d\.cpp/g) ?? []).length, 5);
    assert.match(w, /and 3 more — /);
  });

  it('ignores missing files (a missing addon fails the environment check instead)', () => {
    assert.equal(nativeStaleness([{ path: 'native/a.cpp', mtimeMs: T + 1 }], [{ path: 'x.node', mtimeMs: -1 }]), null);
    assert.equal(nativeStaleness([{ path: 'native/gone.cpp', mtimeMs: -1 }], addons), null);
    assert.match(nativeStaleness([{ path: 'native/a.cpp', mtimeMs: T + 1 }], [{ path: 'x.node', mtimeMs: -1 }, addons[0]!])!, /native\/a\.cpp/);
  });
});

describe('checkNativeBuild on a checkout', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zb-native-build-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, at: number) => {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, '');
    fs.utimesSync(p, new Date(at), new Date(at));
  };
  write('CMakeLists.txt', T - 10_000);
  write('native/posix/shm.cpp', T - 10_000);
  write('native/posix/shm.hpp', T - 10_000);
  write('native/binding/CMakeLists.txt', T - 10_000);
  write('native/README.md', T + 10_000);
  write('build/Release/zerobuffer.node', T);
  write('build/Release/zerobuffer_test_support.node', T);

  it('collects native/**/*.{cpp,hpp} and every CMakeLists.txt, or those of the folders and files named', () => {
    const rel = (from?: string[]): string[] => nativeSources(root, from).map((p) => path.relative(root, p)).sort();
    assert.deepEqual(rel(), ['CMakeLists.txt', 'native/binding/CMakeLists.txt', 'native/posix/shm.cpp', 'native/posix/shm.hpp']);
    assert.deepEqual(rel(['native/binding', 'native/posix/shm.hpp', 'native/missing.cpp']), ['CMakeLists.txt', 'native/binding/CMakeLists.txt', 'native/posix/shm.hpp']);
  });

  it('judges each addon by its own sources: a benchmark or test-support edit leaves the library addon current', () => {
    assert.equal(checkNativeBuild(root), null);
    write('native/bench/main.cpp', T + 5000);
    assert.equal(checkNativeBuild(root), null, 'native/bench/ is built into neither addon');
    write('native/test_support/test_support.cpp', T + 5000);
    const w = checkNativeBuild(root)!;
    assert.match(w, /zerobuffer_test_support\.node.*native\/test_support\/test_support\.cpp/);
    assert.doesNotMatch(w, /build\/Release\/zerobuffer\.node/);
    write('build/Release/zerobuffer_test_support.node', T + 6000);
    assert.equal(checkNativeBuild(root), null);
  });

  it('warns once a source is touched after the build, and not before', () => {
    assert.equal(checkNativeBuild(root), null);
    write('native/posix/shm.hpp', T + 7000);
    assert.match(checkNativeBuild(root)!, /build\/Release\/zerobuffer\.node.*native\/posix\/shm\.hpp .* `npm run build:native`/);
  });
});
