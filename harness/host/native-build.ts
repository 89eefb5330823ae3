// The native addon is built by `npm run build:native` (cmake-js), never by the harness: a C++
// build takes minutes and may need a toolchain the test machine lacks. So before the first
// scenario the host only warns when a native source is newer than a built addon — servos would
// otherwise test the old native code without anyone noticing.
import * as path from 'node:path';
import { repoRoot } from '../paths';
import { mtime, walk } from './build';

const ADDONS = ['build/Release/zerobuffer.node', 'build/Release/zerobuffer_test_support.node'];

/** A file and its modification time in ms (-1: missing); paths relative to the package root. */
export interface FileTime {
  path: string;
  mtimeMs: number;
}

const LISTED = 5;

/**
 * The warning to give, or null when no source is newer than the oldest built addon. Missing files
 * are ignored (a missing addon fails the environment check, host/environment.ts). Pure.
 */
export function nativeStaleness(sources: readonly FileTime[], addons: readonly FileTime[]): string | null {
  const oldest = addons.filter((a) => a.mtimeMs >= 0).reduce<FileTime | undefined>((o, a) => (o === undefined || a.mtimeMs < o.mtimeMs ? a : o), undefined);
  if (oldest === undefined) return null;
  const newer = sources.filter((s) => s.mtimeMs >= 0 && s.mtimeMs > oldest.mtimeMs).sort((a, b) => b.mtimeMs - a.mtimeMs);
  if (newer.length === 0) return null;
  const listed = newer.slice(0, LISTED).map((s) => `${s.path} (${new Date(s.mtimeMs).toISOString()})`);
  const more = newer.length > LISTED ? ` and ${newer.length - LISTED} more` : '';
  return (
    `native sources changed after the addon was built (${oldest.path}, ${new Date(oldest.mtimeMs).toISOString()}): ` +
    `${listed.join(', ')}${more} — the servos run the old native code; rebuild with \`npm run build:native\``
  );
}

/** The native sources: native/**\/*.{cpp,hpp} and every CMakeLists.txt (the root one and native/'s). */
export function nativeSources(root = repoRoot()): string[] {
  const files = walk(path.join(root, 'native'), (n) => n.endsWith('.cpp') || n.endsWith('.hpp') || n === 'CMakeLists.txt');
  return [path.join(root, 'CMakeLists.txt'), ...files];
}

/** nativeStaleness for this checkout. */
export function checkNativeBuild(root = repoRoot()): string | null {
  const rel = (p: string): FileTime => ({ path: path.relative(root, p), mtimeMs: mtime(p) });
  const sources = nativeSources(root).map(rel);
  return nativeStaleness(sources, ADDONS.map((a) => rel(path.join(root, a))));
}
