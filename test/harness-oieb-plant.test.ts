// Unit tests of the OIEB encoder (harness/diagnostics/oieb.ts) and of the planted OS objects
// (harness/diagnostics/plant.ts): the encoder is the exact inverse of parseOieb and reproduces the
// OIEB a real Reader initialises; planted objects are what a crashed peer leaves, and a Reader
// created over them replaces every one of them.
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Reader } from '../src/index';
import { OIEB_U64_FIELDS, encodeOieb, freshOieb, oiebU64Offsets } from '../harness/diagnostics/oieb';
import { OIEB_BYTES, parseOieb, readShm, semValues } from '../harness/diagnostics/snap';
import { plantSegment, plantSemaphores, plantStaleLock, reapedChildPid } from '../harness/diagnostics/plant';
import { fileInode, flockProbe } from '../harness/diagnostics/support';
import { isPidAlive } from '../harness/diagnostics/pids';
import { osObjectPaths } from '../harness/model/naming';
import { removeLeftovers, uniqueName } from './helpers';

after(() => {
  removeLeftovers();
});

describe('harness OIEB encoder (protocol.md §3.2)', () => {
  it('is the inverse of parseOieb, field by field at the documented offsets', () => {
    const o = freshOieb(100, 1000, 4242);
    OIEB_U64_FIELDS.forEach((f, i) => ((o as unknown as Record<string, bigint>)[f.key] = BigInt(0x1111 * (i + 1))));
    o.reserved = [0xdeadbeefn, 2n, 3n, 0xffff_ffff_ffff_ffffn];
    const b = encodeOieb(o);
    assert.equal(b.length, OIEB_BYTES);
    assert.deepEqual(parseOieb(b), o);
    OIEB_U64_FIELDS.forEach((f, i) => assert.equal(b.readBigUInt64LE(f.offset), BigInt(0x1111 * (i + 1)), f.name));
    assert.equal(b.readBigUInt64LE(0x60), 0xdeadbeefn);
  });

  it('freshOieb aligns the sizes and starts with 80 00 00 00 01 00 00 00', () => {
    const b = encodeOieb(freshOieb(100, 1000, 1));
    assert.deepEqual([...b.subarray(0, 8)], [0x80, 0, 0, 0, 1, 0, 0, 0]);
    const o = parseOieb(b);
    assert.equal(o.metadataSize, 128n);
    assert.equal(o.payloadSize, 1024n);
    assert.equal(o.payloadFreeBytes, 1024n);
    assert.equal(o.metadataFreeBytes, 128n);
  });

  it('lists 15 eight-byte aligned u64 words covering 0x08 … 0x78', () => {
    const offs = oiebU64Offsets().map((f) => f.offset);
    assert.deepEqual(offs, Array.from({ length: 15 }, (_, i) => 0x08 + 8 * i));
  });

  it('reproduces byte for byte the OIEB a real Reader initialises', () => {
    const name = uniqueName('oieb');
    const r = Reader.createSync(name, { metadataSize: 1000, payloadSize: 10000 });
    try {
      const head = Buffer.alloc(OIEB_BYTES);
      const fd = fs.openSync(osObjectPaths(name).shm, 'r');
      fs.readSync(fd, head, 0, OIEB_BYTES, 0);
      fs.closeSync(fd);
      assert.ok(head.equals(encodeOieb(freshOieb(1000, 10000, process.pid))));
    } finally {
      r.close();
    }
  });
});

describe('harness planted OS objects (steps.md P16–P18)', () => {
  it('a reaped child PID is dead', () => {
    assert.equal(isPidAlive(reapedChildPid()), false);
  });

  // Unguarded planted files are fair game for any Reader's stale scan on the machine (protocol.md
  // §13), so only the guarded one is inspected after planting.
  it('a planted lock file is unlocked when planted, mode 0666, and guarded only when asked', () => {
    const free = plantStaleLock(uniqueName('lock'), false);
    assert.equal(free.probe, 'free');
    assert.equal(free.guard, null);
    fs.rmSync(free.path, { force: true });
    const guarded = plantStaleLock(uniqueName('lock'), true);
    try {
      assert.equal(guarded.probe, 'free');
      assert.equal(flockProbe(guarded.path), 'held');
      assert.equal(fs.statSync(guarded.path).mode & 0o777, 0o666);
      assert.equal(fs.existsSync(`${guarded.path}.plant`), false);
      assert.throws(() => plantStaleLock(guarded.path.slice('/tmp/zerobuffer/'.length, -'.lock'.length), true), /already exists/);
      guarded.guard!.close();
      assert.equal(flockProbe(guarded.path), 'free');
    } finally {
      guarded.guard!.close();
      fs.rmSync(guarded.path, { force: true });
    }
  });

  it('a Reader created over planted lock, segment and semaphores replaces all of them', () => {
    const name = uniqueName('stale');
    const dead = reapedChildPid();
    const lock = plantStaleLock(name, true);
    const oieb = { ...freshOieb(1024, 10240, dead), writerPid: BigInt(dead), payloadWrittenCount: 7n };
    oieb.reserved = [0xdeadbeefn, 0n, 0n, 0n];
    const seg = plantSegment(name, oieb);
    assert.equal(seg.size, 128 + 1024 + 10240);
    assert.deepEqual(readShm(name).oieb, oieb);
    plantSemaphores(name, 3);
    assert.deepEqual(semValues(name), { data: 3, space: 3 });
    const paths = osObjectPaths(name);
    const before = { shm: fileInode(paths.shm), w: fileInode(paths.semData), r: fileInode(paths.semSpace) };
    lock.guard!.close();
    const r = Reader.createSync(name, { metadataSize: 1024, payloadSize: 10240 });
    try {
      assert.notEqual(fileInode(paths.shm), before.shm);
      assert.notEqual(fileInode(paths.semData), before.w);
      assert.notEqual(fileInode(paths.semSpace), before.r);
      assert.deepEqual(semValues(name), { data: 0, space: 0 });
      const now = readShm(name).oieb!;
      assert.equal(now.payloadWrittenCount, 0n);
      assert.deepEqual(now.reserved, [0n, 0n, 0n, 0n]);
      assert.equal(now.readerPid, BigInt(process.pid));
      assert.equal(flockProbe(lock.path), 'held');
    } finally {
      r.close();
    }
  });
});
