// Hostile or unlucky files in /tmp/zerobuffer and /dev/shm (protocol.md §13, §2.5): FIFOs planted
// as lock files, a symlinked lock directory, lock files of buffers whose peers still live, orphans
// whose lock file is gone. Every scenario runs in a private mount namespace (test/isolation.ts)
// through test/fixtures/hostile.ts, so nothing planted here can reach another process on the host.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { noPrivateNamespace, runIsolated } from './isolation';

const skip = noPrivateNamespace ?? false;

describe('hostile files (private mount namespace)', { skip }, () => {
  it('a FIFO planted as a lock file blocks neither Reader creation nor inspect, clean or the CLI', () => {
    const r = runIsolated('hostile.js', ['fifo-lock']);
    assert.equal(r.hung, false, 'Reader.create hung on the FIFO');
    assert.equal(r.created, 'ok');
    assert.ok((r.createMs as number) < 2000, `Reader.create took ${r.createMs} ms`);
    // No shared memory of that name: inspect exits 1, but it answers, and a FIFO is no lock file.
    assert.deepEqual(r.inspect, { status: 1, signal: null, lockFile: { exists: false, held: false } });
    assert.deepEqual(r.clean, { status: 0, signal: null });
    const read = r.read as { status: number; signal: string | null; stderr: string };
    assert.equal(read.signal, null, `read CLI hung: ${read.stderr}`);
    assert.equal(read.status, 1, 'no writer: the read fails after its 100 ms timeout');
    assert.equal(r.fifoKept, true, 'the scan skips what is not a regular file');
  });

  it('a symlinked /tmp/zerobuffer fails every clean-up path with ZB_OS_ERROR and nothing in its target is removed', () => {
    const r = runIsolated('hostile.js', ['symlinked-lockdir']);
    assert.deepEqual([r.nameless, r.named, r.create], ['ZB_OS_ERROR', 'ZB_OS_ERROR', 'ZB_OS_ERROR']);
    for (const run of [r.clean, r.cleanNamed] as Array<{ status: number; stderr: string }>) {
      assert.equal(run.status, 1);
      assert.match(run.stderr, /ResourceError \[ZB_OS_ERROR\]: .*\/tmp\/zerobuffer.*not a directory/);
    }
    assert.deepEqual(r.target, ['other.lock', 'victim.lock'], 'lock files in the symlink target are untouched');
    assert.deepEqual(r.shm, ['victim'], 'no object was removed without the lock directory');
  });

  it("the stale scan keeps a dead Reader's lock file while its Writer lives; once the Writer died, clean removes everything", () => {
    const r = runIsolated('hostile.js', ['lock-kept-live-writer']);
    const all = ['/dev/shm/kept', '/dev/shm/sem.sem-w-kept', '/dev/shm/sem.sem-r-kept', '/tmp/zerobuffer/kept.lock'];
    assert.deepEqual(r.removedWhileWriterLives, [], 'a live Writer keeps the objects and the lock file');
    assert.deepEqual(r.afterClean, all);
    assert.deepEqual(r.afterScan, all, "a Reader creation's stale scan keeps them too");
    assert.deepEqual([...(r.removedAfterWriterDied as string[])].sort(), [...all].sort());
    assert.deepEqual(r.afterAll, []);
  });

  it('name-less clean removes orphans whose lock file is gone (valid OIEB, both PIDs dead), lists them, and nothing else', () => {
    const r = runIsolated('hostile.js', ['orphans-without-lock']);
    assert.equal(r.status, 0, r.stderr as string);
    const listed = (r.stdout as string).trim().split('\n').sort();
    assert.deepEqual(listed, ['/dev/shm/orphan', '/dev/shm/sem.sem-r-orphan', '/dev/shm/sem.sem-w-orphan'].map((p) => `removed ${p}`));
    assert.deepEqual(r.shm, ['decoy-bad-geometry', 'decoy-initialising', 'decoy-live-reader', 'decoy-live-writer', 'decoy-random', 'decoy-small', 'decoy-v2']);
    assert.deepEqual(r.locks, [], 'the lock files taken while deciding are gone again');
  });
});
