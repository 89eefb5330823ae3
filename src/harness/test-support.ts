// Typed loader of the harness-only native module build/Release/zerobuffer_test_support.node
// (native/test_support/test_support.cpp). Never used by the library.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type FlockProbeResult = 'missing' | 'free' | 'held';

export interface TestSupport {
  /** open(O_RDONLY|O_CLOEXEC|O_NOFOLLOW) + flock(LOCK_EX|LOCK_NB), released at once. */
  flockProbe(path: string): FlockProbeResult;
  /** sem_open(name, 0) + sem_getvalue of an existing semaphore ('/sem-w-foo'); null on ENOENT. */
  semaphoreValue(semName: string): number | null;
  /** sem_unlink; true when something was unlinked. */
  semaphoreUnlink(semName: string): boolean;
  /** sem_open(name, O_CREAT|O_EXCL, 0666, value) then sem_close. Throws (with errno) on failure. */
  semaphoreCreate(semName: string, value: number): void;
}

function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'native'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`zerobuffer: package root not found above ${__dirname}`);
    dir = parent;
  }
}

let loaded: TestSupport | undefined;

/** Loads build/Release/zerobuffer_test_support.node once. */
export function testSupport(): TestSupport {
  if (!loaded) {
    const file = path.join(packageRoot(), 'build', 'Release', 'zerobuffer_test_support.node');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file) as TestSupport;
  }
  return loaded;
}
