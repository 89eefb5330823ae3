// Mutant builds of the addon: the proof that model-based testing has teeth (docs/model-testing.md,
// "Mutants"). Each mutant is the real addon compiled with one deliberate, realistic protocol bug
// (native/core/mutant.hpp marks the mutation points; native/test_support/mutants.cmake has one
// EXCLUDE_FROM_ALL target per mutant). ZEROBUFFER_MUTANT=<name> makes every harness process — the
// host and each servo, warm ones included — load build/Release/mutants/<name>/zerobuffer.node
// instead of the real addon (src/native.ts useAddonFile). Unset or empty: the real addon.
//
// Mutants are built on demand: ensureMutantBuilt (synchronous) runs cmake-js for the one target
// when its file is missing or older than a native source it is compiled from (~20 s), else does
// nothing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useAddonFile } from '../../src/native';
import { mtime, walk, withLock } from '../host/files';
import { repoRoot } from '../paths';

export const MUTANT_ENV = 'ZEROBUFFER_MUTANT';

export interface Mutant {
  /** As in ZEROBUFFER_MUTANT, the CMake target (zerobuffer_mutant_<name with _>) and mutant.hpp (ZB_MUTANT_<NAME>). */
  readonly name: string;
  /** What the bug is, in one line. */
  readonly description: string;
  /** What shows it: an OIEB field, a semaphore value, the frames read, a typed error. */
  readonly observable: string;
}

export const MUTANTS: readonly Mutant[] = [
  {
    name: 'wrap-underflow',
    description: "the Writer's space check for a wrapping frame computes free - tail in u64; with free < tail it underflows and the frame is written over unread frames",
    observable: 'a write that must fail with ZB_BUFFER_FULL succeeds; payload_free_bytes then exceeds payload_size (~2^64); the next read fails with ZB_SEQUENCE_ERROR',
  },
  {
    name: 'short-tail',
    description: 'the Writer places a frame at write_pos although it leaves a tail of 1-15 bytes, which can hold no wrap marker (no early wrap, protocol.md §5.5, §5.9)',
    observable: 'payload_write_pos lands in (P - 16, P); payload_written_count lacks the marker and payload_free_bytes is higher than the model says',
  },
  {
    name: 'release-order',
    description: 'releasing a frame marks the oldest held frame released instead of the one named (ReaderCore::release)',
    observable: "releasing a later held frame raises payload_free_bytes by the earlier frame's bytes and posts sem-r; the Writer may then overwrite a held frame",
  },
  {
    name: 'lost-wakeup',
    description: 'a release that frees two or more frames at once posts sem-r once instead of once per frame (ReaderSession::release)',
    observable: 'sem-r (semaphoreValues().space) stays short of the frames released; this Writer still finds the space (free is authoritative), only the count shows it',
  },
  {
    name: 'tail-leak',
    description: "the Reader skips a wrap marker's tail without returning its bytes to payload_free_bytes (ReaderCore::consume, R7)",
    observable: 'after every frame across a wrap is read and released, payload_free_bytes is P - tail instead of P; the ring shrinks at each wrap',
  },
];

function find(name: string): Mutant | undefined {
  return MUTANTS.find((m) => m.name === name);
}

function known(name: string): Mutant {
  const m = find(name);
  if (m === undefined) throw new Error(`zerobuffer harness: unknown mutant '${name}'; the mutants are: ${MUTANTS.map((x) => x.name).join(', ')}`);
  return m;
}

/** The mutant ZEROBUFFER_MUTANT selects; undefined when unset or empty. Throws on an unknown name, listing the valid ones. */
export function mutantFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = (env[MUTANT_ENV] ?? '').trim();
  if (v === '') return undefined;
  if (find(v) === undefined) {
    throw new Error(`zerobuffer harness: ${MUTANT_ENV}='${v}' names no mutant; valid: ${MUTANTS.map((m) => m.name).join(', ')} (or unset for the real addon)`);
  }
  return v;
}

/** The CMake target that builds the mutant. */
export function mutantTarget(name: string): string {
  return `zerobuffer_mutant_${known(name).name.replace(/-/g, '_')}`;
}

/** Where the mutant's addon is built (absolute). */
export function mutantAddonPath(name: string, root: string = repoRoot()): string {
  return path.join(root, 'build', 'Release', 'mutants', known(name).name, 'zerobuffer.node');
}

/** What a mutant is compiled from: the protocol and binding sources and the CMake files. */
export function mutantSources(root: string = repoRoot()): string[] {
  const native = ['core', 'posix', 'binding'].flatMap((d) => walk(path.join(root, 'native', d), (n) => n.endsWith('.cpp') || n.endsWith('.hpp')));
  return [path.join(root, 'CMakeLists.txt'), path.join(root, 'native', 'test_support', 'mutants.cmake'), ...native];
}

/** Why the mutant must be (re)built, or null when its addon is newer than every source. */
export function mutantBuildReason(name: string, root: string = repoRoot()): string | null {
  const addon = mutantAddonPath(name, root);
  const built = mtime(addon);
  if (built < 0) return `${path.relative(root, addon)} is missing`;
  const newer = mutantSources(root).find((s) => mtime(s) > built);
  return newer === undefined ? null : `${path.relative(root, newer)} changed after ${path.relative(root, addon)} was built`;
}

export interface MutantBuild {
  built: boolean;
  ms: number;
}

const BUILD_TIMEOUT_MS = 600_000;

/**
 * Builds the mutant's addon when it is missing or stale (synchronously; a mkdir lock under build/
 * serialises concurrent callers), else returns at once. Throws with cmake-js's output on failure.
 */
export function ensureMutantBuilt(name: string, root: string = repoRoot()): MutantBuild {
  const t0 = Date.now();
  if (mutantBuildReason(name, root) === null) return { built: false, ms: Date.now() - t0 };
  fs.mkdirSync(path.join(root, 'build'), { recursive: true });
  return withLock(
    path.join(root, 'build', '.mutant-build.lock'),
    () => {
      const reason = mutantBuildReason(name, root);
      if (reason === null) return { built: false, ms: Date.now() - t0 };
      const target = mutantTarget(name);
      process.stderr.write(`zerobuffer harness: building mutant '${name}' (${reason}): cmake-js build --target ${target}\n`);
      const cmakeJs = path.join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
      const r = spawnSync(process.execPath, [cmakeJs, 'build', '--log-level', 'error', '--target', target], {
        cwd: root,
        encoding: 'utf8',
        timeout: BUILD_TIMEOUT_MS,
        maxBuffer: 64 << 20,
      });
      const addon = mutantAddonPath(name, root);
      if (r.error !== undefined || r.status !== 0 || mtime(addon) < 0) {
        const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
        throw new Error(`zerobuffer harness: building mutant '${name}' (target ${target}) failed (${r.error?.message ?? `exit ${r.status}`}):\n${output}`);
      }
      // the build was up to date for the compiler (e.g. only a comment of CMakeLists.txt changed):
      // the file is now known to match its sources
      const now = new Date();
      fs.utimesSync(addon, now, now);
      return { built: true, ms: Date.now() - t0 };
    },
    BUILD_TIMEOUT_MS,
  );
}

/**
 * For a process about to use the library: the mutant ZEROBUFFER_MUTANT names (or undefined),
 * built if needed and installed as the addon native() loads. Call before the library is first used.
 */
export function selectMutantAddon(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = mutantFromEnv(env);
  if (name === undefined) return undefined;
  ensureMutantBuilt(name);
  useAddonFile(mutantAddonPath(name));
  return name;
}

/** The host's first line of output in a mutant run. */
export function mutantAnnouncement(name: string, root: string = repoRoot()): string {
  const m = known(name);
  return `zerobuffer harness: MUTANT '${m.name}' — every process loads ${path.relative(root, mutantAddonPath(name, root))} (${m.description}); results are not those of the real addon`;
}
