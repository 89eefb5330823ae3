// RESIDUE(n) (steps.md §4.5): none of the four OS objects of a resolved name exists — shared
// memory, both semaphore files and the lock file.
import * as fs from 'node:fs';
import { expectEqual } from '../assert';
import { osObjectPaths } from '../model/naming';

/** The OS objects of `resolved` that exist (lstat, so a dangling entry still counts). */
export function osObjectsPresent(resolved: string): string[] {
  return Object.values(osObjectPaths(resolved)).filter((p) => {
    try {
      fs.lstatSync(p);
      return true;
    } catch {
      return false;
    }
  });
}

export function checkResidue(what: string, resolved: string): void {
  expectEqual(`${what}: RESIDUE(${resolved}) — OS objects present (shm, sem-w, sem-r, lock file)`, '[]', JSON.stringify(osObjectsPresent(resolved)));
}
