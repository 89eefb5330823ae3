// Adapter over the test-support native module (src/harness/test-support.ts, built with the
// harness, never used by the library): non-blocking flock probe, semaphore values, etc.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../paths';

export type FlockProbe = 'missing' | 'free' | 'held';

interface TestSupportBinding {
  flockProbe(path: string): FlockProbe;
  semaphoreValue(name: string): number | null;
  semaphoreUnlink?(name: string): unknown;
  semaphoreCreate?(name: string, value: number, mode?: number): unknown;
}

let binding: TestSupportBinding | undefined;

export function testSupport(): TestSupportBinding {
  if (binding !== undefined) return binding;
  let mod: Record<string, unknown>;
  try {
    // the typed loader owned by the native-addon engineer
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../test-support') as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(path.join(repoRoot(), 'build', 'Release', 'zerobuffer_test_support.node')) as Record<string, unknown>;
  }
  let b: unknown = mod;
  if (typeof mod.testSupport === 'function') b = (mod.testSupport as () => unknown)();
  else if (typeof mod.loadTestSupport === 'function') b = (mod.loadTestSupport as () => unknown)();
  else if (mod.default !== undefined && typeof (mod.default as TestSupportBinding).flockProbe === 'function') b = mod.default;
  const t = b as TestSupportBinding;
  if (typeof t.flockProbe !== 'function' || typeof t.semaphoreValue !== 'function') {
    throw new Error('test-support module does not export flockProbe/semaphoreValue');
  }
  binding = t;
  return t;
}

/** Non-blocking flock probe on a new descriptor (released at once). */
export function flockProbe(path: string): FlockProbe {
  return testSupport().flockProbe(path);
}

/** Value of a named semaphore ('/sem-w-<n>'), null when it does not exist. */
export function semaphoreValue(semName: string): number | null {
  return testSupport().semaphoreValue(semName);
}

export function fileInode(path: string): bigint | null {
  try {
    return fs.statSync(path, { bigint: true }).ino;
  } catch {
    return null;
  }
}
