// Thin helpers over the test-support native module (typed loader harness/diagnostics/test-support.ts,
// built with the harness, never used by the library): non-blocking flock probe, semaphore values.
import * as fs from 'node:fs';
import { testSupport, type FlockProbeResult } from './test-support';

export type FlockProbe = FlockProbeResult;

/** Non-blocking flock probe on a new descriptor (released at once): 'missing' | 'free' | 'held'. */
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
