// Unit tests of the servo bundle (harness/host/servo-bundle.ts): when it must be rebuilt — missing,
// an input newer than it or gone — and of the stacks a servo logs from it (harness/servo/stack.ts):
// frames of a bundled file read in its sources' lines, other frames untouched. Servos started
// from the bundle are exercised by every cross-process test (harness-warm-servo, cucumber).
import { describe, it, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleStaleness, servoBundlePaths } from '../harness/host/servo-bundle';
import { sourceStack } from '../harness/servo/stack';

/** A package root with a bundle made of `inputs` (relative paths), the bundle written after them. */
function fakeBuild(inputs: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'zb-bundle-'));
  const past = new Date(Date.now() - 60_000);
  for (const rel of inputs) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), '// input\n');
    fs.utimesSync(path.join(root, rel), past, past);
  }
  const p = servoBundlePaths(root);
  fs.mkdirSync(path.dirname(p.bundle), { recursive: true });
  fs.writeFileSync(p.bundle, '// bundle\n');
  fs.writeFileSync(p.meta, JSON.stringify({ inputs: Object.fromEntries(inputs.map((i) => [i, { bytes: 9 }])) }));
  return root;
}

describe('servo bundle: when it is rebuilt', () => {
  const inputs = ['dist/harness/servo/main.js', 'dist/steps/index.js', 'node_modules/pino/pino.js'];

  it('is up to date when every input is older than the bundle', () => {
    const root = fakeBuild(inputs);
    try {
      assert.equal(bundleStaleness(root), null);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('is stale when the bundle or its metafile is missing', () => {
    for (const missing of ['bundle', 'meta'] as const) {
      const root = fakeBuild(inputs);
      try {
        fs.rmSync(servoBundlePaths(root)[missing]);
        assert.match(bundleStaleness(root) ?? '', /bundle\.js or its metafile is missing/);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    }
  });

  it('is stale when an input is newer (an edited step compiled by tsc) and names it', () => {
    const root = fakeBuild(inputs);
    try {
      const future = new Date(Date.now() + 60_000);
      fs.utimesSync(path.join(root, 'dist/steps/index.js'), future, future);
      assert.equal(bundleStaleness(root), 'dist/steps/index.js is newer than the servo bundle');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('is stale when an input is gone (a removed module)', () => {
    const root = fakeBuild(inputs);
    try {
      fs.rmSync(path.join(root, 'node_modules/pino/pino.js'));
      assert.equal(bundleStaleness(root), 'node_modules/pino/pino.js (an input of the servo bundle) is gone');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('servo stacks in the lines of the sources', () => {
  let dir = '';
  const source = ['export function inner(): never {', '  // padding', "  throw new Error('from the fixture');", '}', 'export function outer(): void {', '  inner();', '}', ''].join('\n');

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zb-stack-'));
    fs.writeFileSync(path.join(dir, 'fixture.ts'), source);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    // a banner moves every generated line away from the source's
    esbuild.buildSync({ entryPoints: [path.join(dir, 'fixture.ts')], outfile: path.join(dir, 'out.js'), bundle: true, platform: 'node', format: 'cjs', sourcemap: 'linked', banner: { js: '\n'.repeat(40) }, logLevel: 'silent' });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function thrownStack(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fixture = require(path.join(dir, 'out.js')) as { outer(): void };
    try {
      fixture.outer();
    } catch (e) {
      return (e as Error).stack!;
    }
    throw new Error('the fixture did not throw');
  }

  it('maps each frame of a bundled file to its source file, line and column', () => {
    const raw = thrownStack();
    assert.match(raw, /out\.js:\d+:\d+/);
    const mapped = sourceStack(raw)!;
    const fixture = path.join(dir, 'fixture.ts');
    assert.ok(mapped.includes(`${fixture}:3:9`), mapped); // throw new Error(…)
    assert.ok(mapped.includes(`${fixture}:6:3`), mapped); // inner();
    assert.doesNotMatch(mapped, /out\.js:/);
    assert.equal(mapped.split('\n')[0], 'Error: from the fixture');
  });

  it('leaves frames without a source map, and no stack, as they are', () => {
    const stack = ['Error: x', '    at f (/nonexistent/plain.js:10:5)', '    at node:internal/main:1:2', '    at /nonexistent/other.js:3:4'].join('\n');
    assert.equal(sourceStack(stack), stack);
    assert.equal(sourceStack(undefined), undefined);
  });
});
