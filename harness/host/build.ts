// Servos run compiled JavaScript from dist/. Before the first scenario the host makes sure dist is
// not older than any TypeScript source the servos load (src/, steps/); if it is, it runs the
// incremental `tsc -p tsconfig.json` build (tsBuildInfo is configured); then, if anything the
// servo bundle is made of is newer than it, it bundles the servo again (servo-bundle.ts). A mkdir
// lock serialises parallel cucumber workers. An edited step is therefore never silently run stale
// in a servo.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../paths';
import { mtime, walk, withLock } from './files';
import { buildServoBundle, bundleStaleness } from './servo-bundle';

const SOURCE_DIRS = ['src', 'harness', 'steps'];

/** Sources whose compiled .js is missing or older (and not covered by the last harness build stamp). */
export function staleSources(): string[] {
  const root = repoRoot();
  const stamp = mtime(path.join(root, 'dist', '.harness-build-stamp'));
  const files: string[] = [];
  for (const d of SOURCE_DIRS) walk(path.join(root, d), (n) => n.endsWith('.ts') && !n.endsWith('.d.ts'), files);
  const stale: string[] = [];
  for (const f of files) {
    const rel = path.relative(root, f).replace(/\.ts$/, '.js');
    const js = mtime(path.join(root, 'dist', rel));
    if (js < 0 || mtime(f) > Math.max(js, stamp)) stale.push(path.relative(root, f));
  }
  return stale;
}

export interface BuildResult {
  rebuilt: boolean;
  ms: number;
  stale: string[];
  warnings: string;
  /** Why the servo bundle was rebuilt (host/servo-bundle.ts), or null if it was up to date. */
  bundled: string | null;
}

export function ensureFreshBuild(): BuildResult {
  const t0 = Date.now();
  const initial = staleSources();
  if (initial.length === 0 && bundleStaleness() === null) return { rebuilt: false, ms: Date.now() - t0, stale: [], warnings: '', bundled: null };
  const root = repoRoot();
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  return withLock(path.join(root, 'dist', '.harness-build.lock'), () => {
    const stale = staleSources();
    const built = stale.length === 0 ? { rebuilt: false, warnings: '' } : compile(root);
    // after tsc: the bundle is made of what it emitted
    const bundled = bundleStaleness();
    if (bundled !== null) buildServoBundle();
    return { ...built, ms: Date.now() - t0, stale: stale.length === 0 ? initial : stale, bundled };
  });
}

/** The incremental tsc build of dist; throws if it emitted nothing for a stale source. */
function compile(root: string): { rebuilt: true; warnings: string } {
  const started = Date.now();
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8', timeout: 170_000 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.error !== undefined) throw new Error(`tsc build failed to run: ${r.error.message}`);
  // tsc exit 2 = type errors but JavaScript emitted; exit 1 = nothing emitted
  const still = staleSources().filter((f) => {
    const js = path.join(root, 'dist', f.replace(/\.ts$/, '.js'));
    return mtime(js) < 0;
  });
  if (r.status !== 0 && (r.status !== 2 || still.length > 0)) {
    throw new Error(`tsc -p tsconfig.json failed (exit ${r.status}); servos would run stale JavaScript:\n${output}`);
  }
  const stampPath = path.join(root, 'dist', '.harness-build-stamp');
  fs.writeFileSync(stampPath, `${new Date(started).toISOString()}\n`);
  const t = new Date(started);
  fs.utimesSync(stampPath, t, t);
  return { rebuilt: true, warnings: r.status === 0 ? '' : output };
}
