// The published package (package.json): what `npm pack` puts in it, what a consumer can import, what
// it depends on, and what the addon loader says when it finds no binary. The full proof (pack,
// install into an empty project without a compiler, cross-process read/write) is
// test/pack-install.sh (`npm run check:package`), which needs the npm registry.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadLibraryAddon, packageRoot } from '../src/native';

const root = packageRoot();
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

describe('package', () => {
  it('ships the library, its types, the CLI, the native sources and docs: no tests, harness, features, CI script or build stamps', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path).sort();
    const allowed = /^(package\.json|README\.md|CMakeLists\.txt|binding-options\.js|dist\/src\/.+\.(js|d\.ts)|native\/(core|posix|binding)\/[^/]+\.(hpp|cpp)|prebuilds\/.+\.node|docs\/(protocol|library-api|cli)\.md)$/;
    assert.deepEqual(files.filter((f) => !allowed.test(f)), [], 'files outside the whitelist');
    for (const needed of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'binding-options.js', 'CMakeLists.txt', 'native/posix/reader_session.cpp', 'docs/protocol.md']) {
      assert.ok(files.includes(needed), `${needed} is shipped`);
    }
    assert.ok(!files.some((f) => f.includes('test_support')), 'the harness-only addon is never shipped');
  });

  it('exports the library (with types) and the CLI, requires glibc, and leaves the harness runtime to devDependencies', () => {
    assert.deepEqual(pkg.exports, {
      '.': { types: './dist/src/index.d.ts', default: './dist/src/index.js' },
      './cli': './dist/src/cli/main.js',
      './package.json': './package.json',
    });
    assert.deepEqual(pkg.libc, ['glibc']);
    assert.deepEqual(pkg.os, ['linux']);
    const deps = Object.keys(pkg.dependencies as Record<string, string>).sort();
    assert.deepEqual(deps, ['cmake-js', 'commander', 'node-addon-api', 'node-api-headers', 'pkg-prebuilds']);
    assert.match((pkg.scripts as Record<string, string>).install!, /^pkg-prebuilds-verify \.\/binding-options\.js \|\| cmake-js compile$/);
  });

  it('a missing addon fails with what to do', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'zbtest-noaddon-'));
    try {
      assert.throws(
        () => loadLibraryAddon(empty),
        (e: Error) =>
          e.message.startsWith(`zerobuffer-ts: cannot load its native addon on ${process.platform}-${process.arch}`) &&
          e.message.includes('prebuilt binary for linux-x64 with glibc') &&
          e.message.includes('npm rebuild zerobuffer-ts --build-from-source') &&
          e.cause instanceof Error,
      );
    } finally {
      fs.rmSync(empty, { recursive: true });
    }
  });
});
