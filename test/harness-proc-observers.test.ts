// Unit tests of the /proc observers added for features 08 and 12 (harness/diagnostics/proc.ts):
// MAPS and BASE from /proc/<pid>/maps, the page size from smaps, and flock owners from /proc/locks.
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Reader } from '../src/index';
import { locksOn, mappingBase, mappingPageSize, mapsOfObject, parseLocksLine, parseMapsLine } from '../harness/diagnostics/proc';
import { testSupport } from '../harness/diagnostics/test-support';
import { osObjectPaths } from '../harness/model/naming';
import { removeLeftovers, uniqueName } from './helpers';

after(() => {
  removeLeftovers();
});

describe('harness /proc/<pid>/maps observers (MAPS, BASE)', () => {
  it('parses file, deleted-file and anonymous mapping lines', () => {
    const a = parseMapsLine('7f3a1c000000-7f3a1e001000 rw-s 00000000 00:19 4242                       /dev/shm/foo_1-0-1-abcd');
    assert.deepEqual(a, { start: 0x7f3a1c000000n, end: 0x7f3a1e001000n, perms: 'rw-s', offset: 0n, inode: 4242n, path: '/dev/shm/foo_1-0-1-abcd' });
    assert.equal(parseMapsLine('7f3a1c000000-7f3a1c001000 r--s 00001000 00:19 7 /dev/shm/x (deleted)').path, '/dev/shm/x (deleted)');
    assert.equal(parseMapsLine('7ffd5e1f2000-7ffd5e213000 rw-p 00000000 00:00 0 ').path, '');
    assert.throws(() => parseMapsLine('nonsense'), /not a \/proc\/<pid>\/maps line/);
  });

  it("finds a Reader's mapping in this process: page-aligned BASE, gone after close", () => {
    const name = uniqueName('maps');
    const shm = osObjectPaths(name).shm;
    const r = Reader.createSync(name, { metadataSize: 1024, payloadSize: 10240 });
    let base: bigint | null;
    try {
      base = mappingBase('self', shm);
      assert.ok(base !== null);
      const page = mappingPageSize('self', base);
      assert.ok(page >= 4096 && (page & (page - 1)) === 0, `page size ${page}`);
      assert.equal(base % BigInt(page), 0n);
      assert.ok(mapsOfObject(process.pid, osObjectPaths(name)).length >= 1);
    } finally {
      r.close();
    }
    assert.equal(mappingBase('self', shm), null);
    assert.deepEqual(mapsOfObject('self', osObjectPaths(name)), []);
  });
});

describe('harness /proc/locks observer', () => {
  it('parses FLOCK, POSIX and blocked-waiter lines', () => {
    assert.deepEqual(parseLocksLine('1: FLOCK  ADVISORY  WRITE 4242 00:1c:123456 0 EOF'), { type: 'FLOCK', mode: 'WRITE', pid: 4242, major: 0, minor: 0x1c, inode: 123456n });
    assert.equal(parseLocksLine('2: POSIX  ADVISORY  READ 17 08:01:99 0 EOF')!.type, 'POSIX');
    assert.equal(parseLocksLine('1: -> FLOCK  ADVISORY  WRITE 4243 00:1c:123456 0 EOF'), null);
  });

  it('shows a BSD flock of this process on a held file, and none once released', () => {
    const name = uniqueName('locks');
    const r = Reader.createSync(name, { metadataSize: 0, payloadSize: 4096 });
    const lock = osObjectPaths(name).lock;
    try {
      assert.deepEqual(locksOn(lock).map((l) => `${l.type} ${l.pid}`), [`FLOCK ${process.pid}`]);
    } finally {
      r.close();
    }
    const scratch = `${lock}.scratch`;
    fs.writeFileSync(scratch, '');
    try {
      assert.deepEqual(locksOn(scratch), []);
      const fd = testSupport().flockHold(scratch);
      assert.deepEqual(locksOn(scratch).map((l) => l.type), ['FLOCK']);
      fs.closeSync(fd);
      assert.deepEqual(locksOn(scratch), []);
    } finally {
      fs.unlinkSync(scratch);
    }
  });
});
