// Every provokable row of the §9 error catalogue that needs a buffer, plus shared-memory states
// produced the way another implementation's Writer (or a corrupting peer) would leave them:
// hand-made segments, invalid OIEBs, short tails, corrupt headers and metadata.
import { after, afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import {
  Reader,
  Writer,
  BufferNotFoundError,
  ClosedError,
  CorruptFrameError,
  CorruptMetadataError,
  IncompatibleVersionError,
  InvalidOiebError,
  ReaderAlreadyConnectedError,
  ReaderDeadError,
  ResourceError,
  SequenceError,
  WriterAlreadyConnectedError,
  WriterDeadError,
  diagnostics,
} from '../src/index';
import { craftSegment, existing, expectError, expectErrorSync, header, OIEB, pathsOf, readU64, removeLeftovers, timed, uniqueName, writeSegment, writeU64 } from './helpers';

const open: Array<{ close(): void }> = [];
function track<T extends { close(): void }>(x: T): T {
  open.push(x);
  return x;
}
const handMade: string[] = [];
afterEach(() => {
  for (const x of open.splice(0)) x.close();
  for (const p of handMade.splice(0)) fs.rmSync(p, { force: true, recursive: true });
});
after(() => {
  assert.deepEqual(removeLeftovers(), []);
});

async function pair(payloadSize: number, metadataSize = 1024): Promise<{ name: string; r: Reader; w: Writer }> {
  const name = uniqueName();
  const r = track(await Reader.create(name, { metadataSize, payloadSize }));
  const w = track(await Writer.connect(name));
  return { name, r, w };
}

/** Ring offset → segment offset for a buffer with aligned metadata size M. */
const ring = (M: number, off: number): number => 128 + M + off;

describe('connection errors', () => {
  it('ZB_BUFFER_NOT_FOUND when no shared memory exists', async () => {
    const name = uniqueName();
    await expectError(() => Writer.connect(name), BufferNotFoundError, 'ZB_BUFFER_NOT_FOUND', ['no shared memory found', name]);
    expectErrorSync(() => Writer.connectSync(name), BufferNotFoundError, 'ZB_BUFFER_NOT_FOUND');
  });

  it('ZB_BUFFER_NOT_FOUND when the semaphores are missing (valid hand-made OIEB)', async () => {
    const name = uniqueName();
    craftSegment(name, {});
    handMade.push(pathsOf(name).shm);
    await expectError(() => Writer.connect(name), BufferNotFoundError, 'ZB_BUFFER_NOT_FOUND', ['semaphore not found', name]);
  });

  it('ZB_INVALID_OIEB: object < 128 bytes, oieb_size ≠ 128, bad geometry', async () => {
    const cases: Array<[string, Parameters<typeof craftSegment>[1], string]> = [
      ['short', { totalSize: 64 }, ''],
      ['oieb0', { oiebSize: 0 }, 'oieb_size'],
      ['oieb256', { oiebSize: 256 }, 'oieb_size'],
      ['Mbig', { fields: { metadataSize: 1 << 20 } }, 'metadata_size'],
      ['Pbig', { fields: { payloadSize: 1 << 20 } }, 'payload_size'],
      ['Psmall', { fields: { payloadSize: 16 } }, 'payload_size'],
      ['wp', { fields: { payloadWritePos: 10241 } }, 'write_pos'],
      ['rp', { fields: { payloadReadPos: 10241 } }, 'read_pos'],
      ['free', { fields: { payloadFreeBytes: 10241 } }, 'free'],
      ['mw', { fields: { metadataWrittenBytes: 1025 } }, 'metadata_written'],
    ];
    for (const [tag, opts, field] of cases) {
      const name = uniqueName(tag);
      craftSegment(name, opts);
      handMade.push(pathsOf(name).shm);
      const e = await expectError(() => Writer.connect(name), InvalidOiebError, 'ZB_INVALID_OIEB', ['Invalid OIEB']);
      if (field) assert.ok(e.message.includes(field), `${tag}: ${e.message} should name ${field}`);
    }
  });

  it('ZB_INCOMPATIBLE_VERSION when version.major ≠ 1 (minor/patch ignored)', async () => {
    const name = uniqueName();
    craftSegment(name, { major: 2 });
    handMade.push(pathsOf(name).shm);
    await expectError(() => Writer.connect(name), IncompatibleVersionError, 'ZB_INCOMPATIBLE_VERSION', ['Incompatible protocol version', '2']);
  });

  it('ZB_READER_EXISTS for a second Reader of the same name (flock, same process)', async () => {
    const name = uniqueName();
    track(await Reader.create(name, { payloadSize: 4096 }));
    await expectError(() => Reader.create(name, { payloadSize: 4096 }), ReaderAlreadyConnectedError, 'ZB_READER_EXISTS', ['already', name, `/tmp/zerobuffer/${name}.lock`]);
    expectErrorSync(() => Reader.createSync(name), ReaderAlreadyConnectedError, 'ZB_READER_EXISTS');
  });

  it('ZB_NO_READER when reader_pid is 0 or dead', async () => {
    const name = uniqueName();
    const r = track(await Reader.create(name, { payloadSize: 4096 }));
    writeU64(name, OIEB.readerPid, 0);
    await expectError(() => Writer.connect(name), ReaderDeadError, 'ZB_NO_READER', ['No active reader']);
    writeU64(name, OIEB.readerPid, 2n ** 31n + 5n); // out of range → dead, never passed to kill
    await expectError(() => Writer.connect(name), ReaderDeadError, 'ZB_NO_READER');
    writeU64(name, OIEB.readerPid, process.pid);
    assert.equal(readU64(name, OIEB.writerPid), 0n, 'failed connects leave writer_pid alone');
    track(await Writer.connect(name)).close();
    r.close();
  });

  it('ZB_WRITER_EXISTS for a second live Writer; a dead one is taken over', async () => {
    const { name, w } = await pair(4096);
    await expectError(() => Writer.connect(name), WriterAlreadyConnectedError, 'ZB_WRITER_EXISTS', ['Another writer is already connected', String(process.pid)]);
    w.close();
    track(await Writer.connect(name)).close();
    writeU64(name, OIEB.writerPid, 2n ** 31n + 1n); // dead PID
    const w3 = track(await Writer.connect(name));
    assert.equal(w3.oiebSnapshot().writerPid, BigInt(process.pid));
  });
});

describe('peer death and close', () => {
  it('ZB_READER_DEAD on write after the Reader closed', async () => {
    const { r, w } = await pair(4096);
    r.close();
    await expectError(() => w.write(new Uint8Array(10), 1000), ReaderDeadError, 'ZB_READER_DEAD', [/closed|dead/]);
    await expectError(() => w.acquire(10, 1000), ReaderDeadError, 'ZB_READER_DEAD');
    w.close();
  });

  it('ZB_WRITER_DEAD after a graceful Writer close once everything was read', async () => {
    const { r, w } = await pair(4096);
    w.writeSync(new Uint8Array([1]));
    w.writeSync(new Uint8Array([2]));
    w.close();
    assert.equal(r.readSync(1000)!.data[0], 1);
    assert.equal((await r.read(1000))!.data[0], 2);
    const t = await timed(() => r.read(5000));
    assert.ok(t.error instanceof WriterDeadError, String(t.error));
    assert.match((t.error as Error).message, /closed|dead/);
    assert.equal(t.error.graceful, true, 'a normal close is graceful');
    assert.ok(t.ms < 2000, `${t.ms}`);
    assert.equal(expectErrorSync(() => r.readSync(1000), WriterDeadError, 'ZB_WRITER_DEAD').graceful, true);
  });

  it('ZB_WRITER_DEAD when writer_pid names a dead process', async () => {
    const { name, r, w } = await pair(4096);
    w.writeSync(new Uint8Array([9]));
    writeU64(name, OIEB.writerPid, 2n ** 31n + 3n);
    assert.equal(r.readSync(1000)!.data[0], 9, 'pending frames are delivered first');
    const e = await expectError(() => r.read(5000), WriterDeadError, 'ZB_WRITER_DEAD', ['Writer process is dead']);
    assert.equal(e.graceful, false, 'a dead writer_pid is no graceful close');
    writeU64(name, OIEB.writerPid, process.pid); // let w.close() clear its own claim
  });

  it('ZB_CLOSED for every operation after close', async () => {
    const { r, w } = await pair(4096);
    w.close();
    r.close();
    expectErrorSync(() => r.getMetadata(), ClosedError, 'ZB_CLOSED');
    await expectError(() => r.read(0), ClosedError, 'ZB_CLOSED', ['closed']);
    expectErrorSync(() => w.writeSync(new Uint8Array(1)), ClosedError, 'ZB_CLOSED');
    await expectError(() => w.acquire(1), ClosedError, 'ZB_CLOSED');
    expectErrorSync(() => w.acquireMetadata(1), ClosedError, 'ZB_CLOSED');
  });
});

describe('corrupt shared memory (§6.2, §6.5, §4.4)', () => {
  it('SequenceError(expected, got) with the exact message; Reader is poisoned', async () => {
    const { name, r, w } = await pair(4096);
    w.setMetadata(Buffer.from('meta'));
    w.writeSync(new Uint8Array(10));
    writeSegment(name, ring(1024, 8), Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]));
    const e = expectErrorSync(() => r.readSync(1000), SequenceError, 'ZB_SEQUENCE_ERROR');
    assert.equal(e.message, 'Sequence error: expected 1, got 5');
    assert.equal(e.expected, 1n);
    assert.equal(e.got, 5n);
    const again = await expectError(() => r.read(1000), SequenceError, 'ZB_SEQUENCE_ERROR');
    assert.equal(again.expected, 1n);
    assert.equal(Buffer.from(r.getMetadata()).toString(), 'meta', 'metadata still readable');
  });

  it('SequenceError on Writer takeover (a new Writer restarts at 1)', async () => {
    const { name, r, w } = await pair(4096);
    w.writeSync(new Uint8Array(3));
    r.readSync(1000)!.release();
    w.close();
    const w2 = track(await Writer.connect(name));
    assert.equal(w2.nextSequence, 1n);
    w2.writeSync(new Uint8Array(3));
    const e = await expectError(() => r.read(1000), SequenceError, 'ZB_SEQUENCE_ERROR', ['Sequence error: expected 2, got 1']);
    assert.deepEqual([e.expected, e.got], [2n, 1n]);
  });

  it('CorruptFrameError: size 0 at offset 0, and a frame past the ring end', async () => {
    const a = await pair(4096);
    a.w.writeSync(new Uint8Array(10));
    writeSegment(a.name, ring(1024, 0), Buffer.alloc(8));
    await expectError(() => a.r.read(1000), CorruptFrameError, 'ZB_CORRUPT_FRAME', ['Invalid frame size: 0']);
    await expectError(() => a.r.read(1000), CorruptFrameError, 'ZB_CORRUPT_FRAME', ['Invalid frame size: 0']);

    const b = await pair(4096);
    b.w.writeSync(new Uint8Array(10));
    writeSegment(b.name, ring(1024, 0), header(4096 - 16 + 1, 1));
    await expectError(() => b.r.read(1000), CorruptFrameError, 'ZB_CORRUPT_FRAME', ['Frame extends past buffer boundary', '4096']);
    writeSegment(b.name, ring(1024, 0), header(2n ** 64n - 1n, 1));
    expectErrorSync(() => b.r.readSync(0), CorruptFrameError, 'ZB_CORRUPT_FRAME', ['Frame extends past buffer boundary']);
  });

  it('CorruptMetadataError for an inconsistent prefix', async () => {
    const { name, r } = await pair(4096);
    writeU64(name, OIEB.metadataWrittenBytes, 4); // w < 8
    expectErrorSync(() => r.getMetadata(), CorruptMetadataError, 'ZB_CORRUPT_METADATA', ['Invalid metadata size']);
    writeU64(name, OIEB.metadataWrittenBytes, 2000); // w > M
    expectErrorSync(() => r.getMetadata(), CorruptMetadataError, 'ZB_CORRUPT_METADATA');
    writeU64(name, OIEB.metadataWrittenBytes, 20);
    writeU64(name, 128, 13); // N > w − 8
    expectErrorSync(() => r.getMetadata(), CorruptMetadataError, 'ZB_CORRUPT_METADATA');
    writeU64(name, 128, 0); // N == 0 from a peer → empty
    assert.deepEqual(r.getMetadata(), new Uint8Array(0));
    writeU64(name, 128, 12);
    writeSegment(name, 136, Buffer.from('twelve bytes'));
    assert.equal(Buffer.from(r.getMetadata()).toString(), 'twelve bytes');
  });

  it('Writer reading free > P stops with ZB_INVALID_OIEB', async () => {
    const { name, w } = await pair(4096);
    writeU64(name, OIEB.payloadFreeBytes, 4097);
    await expectError(() => w.write(new Uint8Array(1), 100), InvalidOiebError, 'ZB_INVALID_OIEB', ['Invalid OIEB']);
    writeU64(name, OIEB.payloadFreeBytes, 4096);
  });

  it('Writer connecting to write_pos == P (left by a C++ Writer) treats it as 0', async () => {
    const name = uniqueName();
    const r = track(await Reader.create(name, { payloadSize: 4096 }));
    writeU64(name, OIEB.payloadWritePos, 4096);
    const w = track(await Writer.connect(name));
    assert.equal(r.oiebSnapshot().payloadWritePos, 0n);
    w.writeSync(Buffer.from('abc'));
    assert.equal(Buffer.from(r.readSync(1000)!.data).toString(), 'abc');
  });
});

describe('tails shorter than 16 bytes left by another Writer (§5.9, §6.4 implicit wrap)', () => {
  // P = 1024. Our Writer writes 992 bytes (ends at 1008). We rewrite the header to 1000 bytes so
  // the frame ends at 1016 (an 8-byte tail, as a C++ Writer would leave) and fix `free` to match.
  it('tail returned at once when nothing is held; read_count not incremented', async () => {
    const { name, r, w } = await pair(1024);
    const M = 1024;
    w.writeSync(Buffer.alloc(992, 0xab));
    writeSegment(name, ring(M, 0), header(1000, 1));
    writeSegment(name, ring(M, 1008), Buffer.alloc(8, 0xcd));
    writeU64(name, OIEB.payloadFreeBytes, 1024 - 1016);
    const f = r.readSync(1000)!;
    assert.equal(f.size, 1000);
    assert.ok(Buffer.from(f.data).subarray(0, 992).every((b) => b === 0xab));
    assert.ok(Buffer.from(f.data).subarray(992).every((b) => b === 0xcd));
    f.release();
    let o = r.oiebSnapshot();
    assert.deepEqual([o.payloadReadPos, o.payloadReadCount, o.payloadFreeBytes], [1016n, 1n, 1024n]);
    // Our Writer (wp 1008, ste 16) writes a marker at 1008 and frame 2 at 0.
    w.writeSync(Buffer.alloc(100, 0x22));
    const freeBefore = r.oiebSnapshot().payloadFreeBytes;
    const g = r.readSync(1000)!;
    assert.equal(g.sequence, 2n);
    assert.equal(g.size, 100);
    assert.ok(Buffer.from(g.data).every((b) => b === 0x22));
    o = r.oiebSnapshot();
    assert.equal(o.payloadFreeBytes, freeBefore + 8n, 'the 8-byte tail went back at once');
    assert.equal(o.payloadReadCount, 2n, 'implicit wrap is not counted');
    assert.equal(o.payloadReadPos, 116n);
  });

  it('tail queued behind a held frame and returned with it', async () => {
    const { name, r, w } = await pair(1024);
    const M = 1024;
    w.writeSync(Buffer.alloc(16, 1)); // frame 1 at 0..32
    w.writeSync(Buffer.alloc(960, 2)); // frame 2 at 32..1008
    writeSegment(name, ring(M, 32), header(968, 2)); // now ends at 1016: 8-byte tail
    writeU64(name, OIEB.payloadFreeBytes, 1024 - 32 - 984);
    const f1 = r.readSync(1000)!;
    const f2 = r.readSync(1000)!;
    assert.equal(f2.size, 968);
    f2.release(); // deferred behind f1
    // Pretend the space is back so our Writer can post frame 3 at offset 0 (the bytes of f1 are
    // not looked at again).
    writeU64(name, OIEB.payloadFreeBytes, 1024);
    w.writeSync(Buffer.alloc(8, 3));
    const freeBefore = r.oiebSnapshot().payloadFreeBytes;
    const spaceBefore = r.semaphoreValues().space;
    const f3 = r.readSync(1000)!;
    assert.equal(f3.sequence, 3n);
    assert.ok(Buffer.from(f3.data).every((b) => b === 3));
    assert.equal(r.oiebSnapshot().payloadFreeBytes, freeBefore, 'tail queued, not returned');
    f1.release();
    assert.equal(r.oiebSnapshot().payloadFreeBytes, freeBefore + 32n + 984n + 8n);
    assert.equal(r.semaphoreValues().space, spaceBefore + 2, 'one post per logical frame, none for the tail');
  });
});

describe('resource errors', () => {
  it('ZB_NO_SPACE when /dev/shm cannot hold the ring (posix_fallocate ENOSPC)', async (t) => {
    const st = fs.statfsSync('/dev/shm');
    if (st.bavail * st.bsize > 2 ** 35) {
      t.skip('/dev/shm has more than 32 GiB free');
      return;
    }
    const name = uniqueName();
    const e = await expectError(() => Reader.create(name, { payloadSize: 2 ** 35 }), ResourceError, 'ZB_NO_SPACE', ['No space', '/dev/shm']);
    assert.equal(e.errno, 'ENOSPC');
    assert.equal(typeof e.syscall, 'string');
    assert.deepEqual(existing(name), [], 'failed creation undoes everything');
  });

  it('a ResourceError with errno and syscall when the shm path is not a regular object', async () => {
    const name = uniqueName();
    fs.mkdirSync(pathsOf(name).shm);
    handMade.push(pathsOf(name).shm);
    const err = await Writer.connect(name).then(
      () => assert.fail('connect should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ResourceError, `got ${String(err)}`);
    assert.equal(typeof err.errno, 'string');
    assert.equal(typeof err.syscall, 'string');
  });
});

describe('diagnostics', () => {
  it('inspectBuffer, resourcePaths, isProcessAlive', async () => {
    const { name, w } = await pair(4096);
    w.writeSync(new Uint8Array(100));
    const info = diagnostics.inspectBuffer(name);
    assert.equal(info.exists, true);
    assert.equal(info.readerAlive, true);
    assert.equal(info.writerAlive, true);
    assert.equal(info.oieb?.payloadFreeBytes, 4096n - 116n);
    assert.deepEqual(info.semaphores, { data: 1, space: 0 });
    assert.deepEqual(info.lockFile, { exists: true, held: true });
    assert.deepEqual(diagnostics.resourcePaths(name), {
      shm: `/dev/shm/${name}`,
      semData: `/dev/shm/sem.sem-w-${name}`,
      semSpace: `/dev/shm/sem.sem-r-${name}`,
      lock: `/tmp/zerobuffer/${name}.lock`,
    });
    assert.equal(diagnostics.isProcessAlive(process.pid), true);
    assert.equal(diagnostics.isProcessAlive(0), false);
    assert.equal(diagnostics.isProcessAlive(2n ** 31n), false);
    assert.equal(diagnostics.inspectBuffer(uniqueName()).exists, false);
    assert.deepEqual(diagnostics.cleanStaleResources(name), [], 'never cleans a live buffer');
    assert.deepEqual(existing(name).length, 4);
  });
});
