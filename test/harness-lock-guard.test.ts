// Unit test of the harness's StaleLockGuard (harness/diagnostics/lock-guard.ts): a process
// that shares a Reader's lock descriptor before the Reader is SIGKILLed keeps the dead Reader's
// lock file exactly as the crash left it, even across another Reader's stale scan
// (protocol.md §13), and its releasing probe then sees the lock as free.
//
// Names: zbtest-<test-runner pid>-<this file's pid>-guard-<n> (under helpers' RUN_PREFIX, so the
// final leak check of the run covers them). Only these names are ever removed.
import { after, afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Reader, diagnostics } from '../src/index';
import { StaleLockGuard } from '../harness/diagnostics/lock-guard';
import { flockProbe } from '../harness/diagnostics/support';
import { osObjectPaths } from '../harness/model/naming';
import { Child, RUN_PREFIX, existing, killChildren, leftoversWithPrefix } from './helpers';

const PREFIX = `${RUN_PREFIX}${process.pid}-guard-`;
let counter = 0;
const names: string[] = [];
function guardName(): string {
  const n = `${PREFIX}${counter++}`;
  names.push(n);
  return n;
}

const LIBRARY = path.resolve(__dirname, '../src/index.js');
// argv: [node, library path, buffer name]
const CHILD_SCRIPT = `
const { Reader } = require(process.argv[1]);
const r = Reader.createSync(process.argv[2], { metadataSize: 64, payloadSize: 4096 });
process.stdout.write(JSON.stringify({ event: 'ready', pid: process.pid }) + '\\n');
setInterval(() => r.isWriterConnected(), 1000);
`;

const open: Array<{ close(): void }> = [];
const guards: StaleLockGuard[] = [];

afterEach(async () => {
  await killChildren();
  for (const g of guards.splice(0)) g.release();
  for (const x of open.splice(0)) x.close();
});

after(() => {
  // Safety net: only our own names, and only if the test itself did not clean them.
  for (const n of names) diagnostics.cleanStaleResources(n);
  assert.deepEqual(leftoversWithPrefix(PREFIX), []);
});

describe('harness StaleLockGuard', () => {
  it("keeps a SIGKILLed reader's lock through another reader's stale scan, then probes it free", async () => {
    const victimName = guardName();
    const otherName = guardName();
    const lock = osObjectPaths(victimName).lock;

    const child = new Child('-e', [CHILD_SCRIPT, LIBRARY, victimName], { node: false });
    const ready = await child.waitEvent('ready');
    assert.equal(ready.pid, child.proc.pid);
    assert.equal(existing(victimName).length, 4, `all four objects of ${victimName} exist: ${existing(victimName).join(', ')}`);
    assert.equal(flockProbe(lock), 'held', 'the live reader holds its lock');

    const guard = StaleLockGuard.share(child.proc.pid!, lock);
    guards.push(guard);
    assert.equal(guard.path, lock);
    assert.equal(guard.holds(lock), true);
    assert.equal(guard.holds(lock + 'x'), false, 'holds() is about its own path only');

    child.kill('SIGKILL');
    const exit = await child.exit;
    assert.equal(exit.signal, 'SIGKILL');

    // Another reader on another name: its stale scan of /tmp/zerobuffer must skip the guarded lock.
    const other = await Reader.create(otherName, { metadataSize: 64, payloadSize: 4096 });
    open.push(other);

    assert.ok(fs.existsSync(lock), `the dead reader's lock file ${lock} survived the stale scan`);
    assert.equal(guard.holds(lock), true, 'the guard still refers to the same lock file (same inode)');
    assert.equal(flockProbe(lock), 'held', 'the lock is still held — through the guard');
    assert.equal(existing(victimName).length, 4, `the dead reader's objects were left alone: ${existing(victimName).join(', ')}`);

    assert.equal(guard.releaseAndProbe(lock), 'free', "after the guard goes, the dead owner's lock is free");
    assert.equal(guard.holds(lock), false, 'a released guard holds nothing');
    assert.throws(() => guard.releaseAndProbe(lock), /already released/);
    guard.release(); // idempotent

    // Clean up with the library's own diagnostics. Once the guard is gone, any Reader created on
    // this machine may run the same stale scan first, so only the end state is asserted.
    diagnostics.cleanStaleResources(victimName);
    assert.deepEqual(existing(victimName), [], 'nothing of the dead reader remains');
    other.close();
    open.splice(open.indexOf(other), 1);
    assert.deepEqual(existing(victimName), []);
    assert.deepEqual(existing(otherName), []);
    assert.deepEqual(leftoversWithPrefix(PREFIX), [], 'nothing with our names remains in /dev/shm or /tmp/zerobuffer');
  });

  it('share() fails when the process has no descriptor of the path', () => {
    const name = guardName();
    assert.throws(() => StaleLockGuard.share(process.pid, osObjectPaths(name).lock), /find descriptor|ENOENT/);
    assert.deepEqual(existing(name), []);
  });
});
