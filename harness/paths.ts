// Repository-relative paths used by host and servos (works from src/ under ts-node and from dist/).
import * as fs from 'node:fs';
import * as path from 'node:path';

let root: string | undefined;

/** The package root (the directory holding package.json of zerobuffer-ts). */
export function repoRoot(): string {
  if (root !== undefined) return root;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'zerobuffer-ts') {
          root = dir;
          return dir;
        }
      } catch {
        // keep walking
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`zerobuffer harness: package root not found above ${__dirname}`);
    dir = parent;
  }
}

/**
 * Where a run's reports, logs and timings go: reports/ in the package, or ZEROBUFFER_REPORTS_DIR
 * (cucumber.cjs reads the same variable), so that a run made by a tool (model:check) leaves the
 * suite's reports alone.
 */
export function reportsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ZEROBUFFER_REPORTS_DIR ? path.resolve(env.ZEROBUFFER_REPORTS_DIR) : path.join(repoRoot(), 'reports');
}

/** Root of the per-run log directories (<reports>/logs, or ZEROBUFFER_LOG_DIR). */
export function logsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.ZEROBUFFER_LOG_DIR ?? path.join(reportsDir(env), 'logs');
}

/** What a servo is started from: the bundle of the compiled servo (host/servo-bundle.ts). */
export function servoEntry(root: string = repoRoot()): string {
  return path.join(root, 'dist', 'harness', 'servo', 'bundle.js');
}
