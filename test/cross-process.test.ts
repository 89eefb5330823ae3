// Cross-process lifecycle through real child processes (compiled fixtures in dist/test/fixtures):
// crash detection both ways, stale cleanup after a SIGKILLed Reader, reader and writer exclusivity.
import { after, afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Reader, Writer, BufferFullError, ReaderAlreadyConnectedError, ReaderDeadError, WriterAlreadyConnectedError, WriterDeadError, diagnostics } from '../src/index';
import { Child, existing, expectError, killChildren, pathsOf, removeLeftovers, sleep, timed, uniqueName } from './helpers';

const open: Array<{ close(): void }> = [];
function track<T extends { close(): void }>(x: T): T {
  open.push(x);
  return x;
}
afterEach(async () => {
  await killChildren();
  for (const x of open.splice(0)) x.close();
});
after(() => {
  assert.deepEqual(removeLeftovers(), []);
});

describe('cross-process lifecycle', () => {
  it('writer SIGKILLed → reader gets its pending frames, then WriterDeadError within a slice', async () => {
    const name = uniqueName();
    const r = track(await Reader.create(name, { payloadSize: 65536 }));
    const child = new Child('xp-writer.js', ['write-hang', name, '3', '1000']);
    await child.waitEvent('written');
    assert.equal(r.isWriterConnected(), true);
    child.kill('SIGKILL');
    await child.exit;
    for (let k = 0; k < 3; k++) {
      const f = (await r.read(5000))!;
      assert.equal(f.sequence, BigInt(k + 1));
      assert.equal(f.data[0], k & 0xff, 'sequential pattern');
      f.release();
    }
    const t = await timed(() => r.read(10000));
    assert.ok(t.error instanceof WriterDeadError, String(t.error));
    assert.match((t.error as Error).message, /Writer process is dead/);
    assert.ok(t.ms < 3000, `detected after ${t.ms} ms`);
    assert.equal(r.isWriterConnected(), false);
  });

  it('a SIGKILLed writer that is not reaped yet (a zombie) counts as dead', async () => {
    const name = uniqueName();
    const r = track(await Reader.create(name, { payloadSize: 65536 }));
    const child = new Child('xp-writer.js', ['hold', name]);
    const pid = (await child.waitEvent('connected')).pid as number;
    child.kill('SIGKILL');
    // From here on this thread blocks (Atomics.wait, readSync), so libuv cannot reap the child: it
    // stays a zombie, as it would under a parent blocked in readSync.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    assert.equal(diagnostics.isProcessAlive(pid), false, 'a zombie is not alive');
    const t0 = performance.now();
    assert.throws(() => r.readSync(3000), (e: unknown) => e instanceof WriterDeadError && /Writer process is dead/.test(e.message));
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `detected after ${ms} ms`);
    await child.exit;
  });

  it('a segment truncated under live peers: their waits end with InvalidOiebError, no SIGBUS, nothing leaks', async () => {
    const idle = uniqueName(); // a Reader that never reads, and a Writer waiting for space
    const holder = new Child('xp-reader.js', ['hold', idle, '4096']);
    await holder.waitEvent('ready');
    const writer = new Child('xp-writer.js', ['fill-wait', idle]);
    await writer.waitEvent('full');
    const waiting = uniqueName(); // a Reader waiting for a frame
    const reader = new Child('xp-reader.js', ['read-wait', waiting, '4096']);
    await reader.waitEvent('ready');
    await sleep(150);
    fs.truncateSync(pathsOf(idle).shm, 0);
    fs.truncateSync(pathsOf(waiting).shm, 0);
    for (const c of [writer, reader]) {
      const ev = await c.waitEvent('result');
      assert.equal(ev.outcome, 'ZB_INVALID_OIEB', JSON.stringify(ev));
      assert.match(ev.message as string, /Invalid OIEB: .*truncated to 0 bytes/);
      assert.deepEqual(await c.exit, { code: 0, signal: null }, c.stderr);
    }
    holder.kill('SIGTERM'); // it closes its Reader on the truncated segment
    assert.deepEqual(await holder.exit, { code: 0, signal: null }, holder.stderr);
    assert.deepEqual([...existing(idle), ...existing(waiting)], []);
  });

  it('reader SIGKILLed while the ring is full → blocked writer gets ReaderDeadError; next Reader cleans the stale resources', async (tc) => {
    const name = uniqueName();
    const child = new Child('xp-reader.js', ['hold', name, '4096']);
    const ready = await child.waitEvent('ready');
    const w = track(await Writer.connect(name));
    assert.equal(w.isReaderConnected(), true);
    for (;;) {
      try {
        w.writeSync(new Uint8Array(1000), 0);
      } catch (err) {
        assert.ok(err instanceof BufferFullError);
        break;
      }
    }
    const blocked = timed(() => w.write(new Uint8Array(1000), 20000));
    await sleep(150);
    child.kill('SIGKILL');
    await child.exit;
    const t = await blocked;
    assert.ok(t.error instanceof ReaderDeadError && t.error.code === 'ZB_READER_DEAD', String(t.error));
    assert.match(t.error.message, /Reader process is dead/);
    assert.ok(t.ms < 5000, `${t.ms}`);
    w.close();

    // The SIGKILLed Reader left everything behind; its lock is no longer held. (Any Reader
    // created anywhere on the host runs the §13 stale scan, so a concurrent test run may already
    // have removed the leftovers; then only the fresh start below is checked.)
    const p = pathsOf(name);
    const info = diagnostics.inspectBuffer(name);
    if (existing(name).length === 4 && info.exists) {
      assert.equal(info.readerAlive, false);
      assert.equal(info.oieb?.readerPid, BigInt(ready.pid as number));
      assert.equal(info.lockFile.held, false);
    } else {
      tc.diagnostic(`leftovers of ${name} were already removed by a concurrent stale scan`);
    }
    void p;
    // The next Reader of the name cleans up and starts fresh (semaphores at 0, empty ring).
    const r = track(await Reader.create(name, { payloadSize: 4096 }));
    assert.deepEqual(r.semaphoreValues(), { data: 0, space: 0 });
    const o = r.oiebSnapshot();
    assert.deepEqual([o.payloadFreeBytes, o.payloadWrittenCount, o.readerPid, o.writerPid], [4096n, 0n, BigInt(process.pid), 0n]);
    const w2 = track(await Writer.connect(name));
    w2.writeSync(Buffer.from('fresh'));
    assert.equal(Buffer.from(r.readSync(1000)!.data).toString(), 'fresh');
    w2.close();
    r.close();
    assert.deepEqual(existing(name), []);
  });

  it('stale resources of a SIGKILLed Reader are removed by cleanStaleResources', async () => {
    const name = uniqueName();
    const child = new Child('xp-reader.js', ['hold', name, '4096']);
    await child.waitEvent('ready');
    assert.deepEqual(diagnostics.cleanStaleResources(name), [], 'live owner: nothing removed');
    child.kill('SIGKILL');
    await child.exit;
    const p = pathsOf(name);
    const before = existing(name);
    const removed = diagnostics.cleanStaleResources(name);
    const all = [p.shm, p.semW, p.semR, p.lock];
    for (const x of removed) assert.ok(all.includes(x), `${x} belongs to ${name}`);
    if (before.length === 4) {
      // Unless a concurrent stale scan (another process's Reader creation) got there first.
      for (const x of [p.shm, p.semW, p.semR]) assert.ok(removed.includes(x) || !existing(name).includes(x), `${x} in ${JSON.stringify(removed)}`);
    }
    assert.deepEqual(existing(name), []);
  });

  it('two Readers on one name: the second process fails with ReaderAlreadyConnectedError', async () => {
    const name = uniqueName();
    const child = new Child('xp-reader.js', ['hold', name, '4096']);
    await child.waitEvent('ready');
    await expectError(() => Reader.create(name, { payloadSize: 4096 }), ReaderAlreadyConnectedError, 'ZB_READER_EXISTS', ['already', name]);
    // And the other way round: a child Reader fails while we own the name.
    const mine = uniqueName();
    track(await Reader.create(mine, { payloadSize: 4096 }));
    const second = new Child('xp-reader.js', ['hold', mine, '4096']);
    const ev = await second.waitEvent('error');
    assert.equal(ev.code, 'ZB_READER_EXISTS');
    assert.equal(ev.name, 'ReaderAlreadyConnectedError');
    child.kill('SIGTERM');
    assert.deepEqual((await child.exit).code, 0);
    assert.deepEqual(existing(name), [], 'graceful child close unlinked everything');
  });

  it('a second Writer is rejected while the first lives and accepted after it died', async () => {
    const name = uniqueName();
    const r = track(await Reader.create(name, { payloadSize: 4096 }));
    const child = new Child('xp-writer.js', ['hold', name]);
    const ev = await child.waitEvent('connected');
    await expectError(() => Writer.connect(name), WriterAlreadyConnectedError, 'ZB_WRITER_EXISTS', ['Another writer is already connected', String(ev.pid)]);
    child.kill('SIGKILL');
    await child.exit;
    const w = track(await Writer.connect(name));
    assert.equal(r.oiebSnapshot().writerPid, BigInt(process.pid));
    w.writeSync(Buffer.from('x'));
    assert.equal(r.readSync(1000)!.size, 1);
  });

  for (const ending of ['process.exit(0)', 'an uncaught exception']) {
    it(`a process that ends with ${ending} leaves no resources behind`, () => {
      const name = uniqueName('exit');
      const lib = JSON.stringify(path.resolve(__dirname, '../src/index.js'));
      const end = ending === 'process.exit(0)' ? 'process.exit(0);' : "setImmediate(() => { throw new Error('boom'); });";
      const script = `const { Reader, Writer } = require(${lib});
        Reader.createSync(${JSON.stringify(name)}, { metadataSize: 0, payloadSize: 4096 });
        Writer.connectSync(${JSON.stringify(name)});
        ${end}`;
      const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
      assert.equal(child.status, ending === 'process.exit(0)' ? 0 : 1, child.stderr);
      assert.deepEqual(existing(name), []);
    });
  }
});
