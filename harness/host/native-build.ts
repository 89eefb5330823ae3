// The native addon is built by `npm run build:native` (cmake-js), never by the harness: a C++
// build takes minutes and may need a toolchain the test machine lacks. So before the first
// scenario the host only warns when a native source is newer than a built addon — servos would
// otherwise test the old native code without anyone noticing.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../paths';
import { mtime, walk } from './files';

/**
 * The addons the harness loads and what each is built from (CMakeLists.txt): the root
 * CMakeLists.txt plus these files and folders. The test-support addon shares one file with the
 * library, so editing the protocol does not make it stale (it is not relinked then), and neither
 * addon goes stale when only native/bench/ or a mutant's build file changes.
 */
const ADDONS: readonly { file: string; from: readonly string[] }[] = [
  { file: 'build/Release/zerobuffer.node', from: ['native/core', 'native/posix', 'native/binding'] },
  { file: 'build/Release/zerobuffer_test_support.node', from: ['native/test_support', 'native/posix/flock_probe.cpp', 'native/posix/flock_probe.hpp'] },
];

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

/**
 * The native sources under `from` (folders or files, relative to the root; default: all of native/):
 * *.cpp, *.hpp and CMakeLists.txt files, plus the root CMakeLists.txt.
 */
export function nativeSources(root = repoRoot(), from: readonly string[] = ['native']): string[] {
  const isSource = (n: string): boolean => n.endsWith('.cpp') || n.endsWith('.hpp') || n === 'CMakeLists.txt';
  const files = from.flatMap((f) => {
    const p = path.join(root, f);
    return mtime(p) >= 0 && !fs.statSync(p).isDirectory() ? [p] : walk(p, isSource);
  });
  return [path.join(root, 'CMakeLists.txt'), ...files];
}

/** nativeStaleness of each addon of this checkout against its own sources; null when none is stale. */
export function checkNativeBuild(root = repoRoot()): string | null {
  const rel = (p: string): FileTime => ({ path: path.relative(root, p), mtimeMs: mtime(p) });
  const warnings = ADDONS.map((a) => nativeStaleness(nativeSources(root, a.from).map(rel), [rel(path.join(root, a.file))])).filter((w) => w !== null);
  return warnings.length > 0 ? warnings.join('\n') : null;
}
