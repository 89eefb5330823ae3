// The servo as one JavaScript file. A servo is a new Node process per role per scenario; loading
// dist/harness/servo/main.js module by module — some 150 files of steps, library, harness, pino,
// vscode-jsonrpc and cucumber-expressions, each one resolved, stat'ed, read and wrapped — took
// 250 ms of its 450 ms to a loaded warm servo (spawn → `zb/loaded`). esbuild bundles the compiled
// JavaScript (dist/, so tsc stays the only compiler) into dist/harness/servo/bundle.js with a
// source map back to those files (servo/stack.ts maps logged stacks); addons stay outside it
// (their paths are computed at run time). `npm run build:ts` writes it, and so does the host
// before the first scenario whenever one of its inputs (esbuild's metafile lists them) is newer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, servoEntry } from '../paths';
import { mtime } from './files';

/** The bundle a servo is started from, the metafile naming its inputs, and the module it bundles. */
export function servoBundlePaths(root: string = repoRoot()): { bundle: string; meta: string; entry: string } {
  const bundle = servoEntry(root);
  return { bundle, meta: bundle.replace(/\.js$/, '.meta.json'), entry: path.join(path.dirname(bundle), 'main.js') };
}

/**
 * Why the bundle must be (re)built, or null when it is up to date: it is missing, or an input of
 * the last build is missing or newer than the bundle (also when dist was rebuilt by a bare `tsc`).
 */
export function bundleStaleness(root: string = repoRoot()): string | null {
  const p = servoBundlePaths(root);
  let built: number;
  let inputs: string[];
  try {
    built = fs.statSync(p.bundle).mtimeMs;
    inputs = Object.keys((JSON.parse(fs.readFileSync(p.meta, 'utf8')) as { inputs: Record<string, unknown> }).inputs);
  } catch {
    return `${path.relative(root, p.bundle)} or its metafile is missing`;
  }
  for (const input of inputs) {
    const changed = mtime(path.resolve(root, input));
    if (changed < 0) return `${input} (an input of the servo bundle) is gone`;
    if (changed > built) return `${input} is newer than the servo bundle`;
  }
  return null;
}

/** Bundles dist/harness/servo/main.js (and all it requires) into bundle.js; returns the ms taken. */
export function buildServoBundle(root: string = repoRoot()): number {
  const t0 = performance.now();
  const p = servoBundlePaths(root);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: [p.entry],
    outfile: p.bundle,
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
  });
  // a warning is about code that would run differently bundled: never start servos from such a bundle
  if (result.warnings.length > 0) {
    fs.rmSync(p.bundle, { force: true });
    const text = esbuild.formatMessagesSync(result.warnings, { kind: 'warning', color: false }).join('\n');
    throw new Error(`bundling the servo (esbuild) warned; not using the bundle:\n${text}`);
  }
  fs.writeFileSync(p.meta, `${JSON.stringify(result.metafile)}\n`);
  return performance.now() - t0;
}
