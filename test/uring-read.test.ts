// The Reader's asynchronous wait, on whichever path ZEROBUFFER_ASYNC_WAIT selects (npm test runs
// under both): io_uring FUTEX_WAIT on the event loop (native/binding/uring_read.hpp) or the wait
// thread (native_task.hpp). Both must deliver, time out, end with ClosedError on close(), leave
// sem-w's waiter count as they found it (a peer's sem_post only wakes a waiter counted there),
// survive a Worker terminated mid-wait, and be woken by a native Writer in another process.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { Reader, Writer, ClosedError, WriterDeadError } from '../src/index';
import { native } from '../src/native';
import { pathsOf, removeLeftovers, uniqueName, existing, sleep } from './helpers';

const ROOT = path.join(__dirname, '..', '..');
const ZB_BENCH = path.join(ROOT, 'build', 'bench', 'zb_bench');
const mode = native().asyncWait();

after(() => {
  assert.deepEqual(removeLeftovers(), []);
});

/** glibc's sem_t word (sem_waiter.hpp): value in the low 32 bits, waiters counted in the high 32. */
function semWord(name: string): { value: number; nwaiters: number } {
  const b = fs.readFileSync(pathsOf(name).semW).subarray(0, 8);
  return { value: b.readUInt32LE(0), nwaiters: b.readUInt32LE(4) };
}

/** A fresh Reader and a Writer on buffer `name`, both closed after `body` whatever it does. */
async function withPair(payloadSize: number, body: (r: Reader, w: Writer, name: string) => Promise<void>): Promise<void> {
  const name = uniqueName('uring');
  const r = await Reader.create(name, { payloadSize });
  const w = await Writer.connect(name);
  try {
    await body(r, w, name);
  } finally {
    w.close();
    r.close();
  }
}

function threadCount(): number {
  return fs.readdirSync('/proc/self/task').length;
}

describe(`asynchronous read wait (path: ${mode.mode})`, () => {
  it('uses the path ZEROBUFFER_ASYNC_WAIT asks for', () => {
    const requested = process.env.ZEROBUFFER_ASYNC_WAIT ?? 'auto';
    assert.equal(mode.requested, requested === '' ? 'auto' : requested);
    if (requested === 'thread') assert.equal(mode.mode, 'thread');
    // Forced: io_uring must be usable here (a kernel without FUTEX_WAIT fails the run, loudly).
    if (requested === 'uring') assert.equal(mode.mode, 'uring', mode.reason);
    assert.equal(mode.reason === '', mode.mode === 'uring');
  });

  it('delivers frames written while it waits, and withdraws from sem-w each time', async () => {
    await withPair(1 << 16, async (r, w, name) => {
      const threads = threadCount();
      for (let i = 0; i < 20; i++) {
        const pending = r.readMany({ timeoutMs: 5000 });
        // The read is waiting (its poll found nothing) when the frame comes: counted on sem-w
        // (the wait thread by sem_clockwait, the io_uring path by SemWaiter::enroll).
        await sleep(i % 5 === 0 ? 20 : 2);
        if (i % 5 === 0) assert.equal(semWord(name).nwaiters, 1);
        w.writeSync(Buffer.from(`frame ${i}`));
        const frames = await pending;
        assert.equal(frames.length, 1);
        assert.equal(Buffer.from(frames[0].data).toString(), `frame ${i}`);
        assert.equal(frames[0].sequence, BigInt(i + 1));
        frames[0].release();
        assert.deepEqual(semWord(name), { value: 0, nwaiters: 0 });
      }
      // The io_uring path starts no wait thread; the thread path starts exactly one.
      assert.equal(threadCount() - threads, mode.mode === 'uring' ? 0 : 1);
      const single = r.read(5000);
      await sleep(2);
      w.writeSync(Buffer.from('single'));
      const f = await single;
      assert.equal(Buffer.from(f!.data).toString(), 'single');
      f!.release();
    });
  });

  it('times out with an empty batch, withdrawn from sem-w; a later frame is still read', async () => {
    await withPair(4096, async (r, w, name) => {
      for (const timeoutMs of [1, 30, 250]) {
        const t0 = performance.now();
        assert.deepEqual(await r.readMany({ timeoutMs }), []);
        const elapsed = performance.now() - t0;
        assert.ok(elapsed >= timeoutMs - 1, `${elapsed} ms for a timeout of ${timeoutMs}`);
        assert.ok(elapsed < timeoutMs + 200, `${elapsed} ms for a timeout of ${timeoutMs}`);
        assert.deepEqual(semWord(name), { value: 0, nwaiters: 0 });
      }
      assert.equal(await r.read(20), null);
      w.writeSync(Buffer.from('late'));
      const [f] = await r.readMany({ timeoutMs: 1000 });
      assert.equal(Buffer.from(f.data).toString(), 'late');
    });
  });

  it('is ended by close() with ClosedError, and the buffer is gone', async () => {
    const name = uniqueName('uring');
    const r = await Reader.create(name, { payloadSize: 4096 });
    const pending = r.readMany({ timeoutMs: Infinity });
    await sleep(20);
    assert.equal(semWord(name).nwaiters, 1);
    const t0 = performance.now();
    r.close();
    await assert.rejects(pending, (err: unknown) => err instanceof ClosedError);
    assert.ok(performance.now() - t0 < 300);
    assert.deepEqual(existing(name), []);
  });

  it('keeps the process alive only while a read waits: a Reader left open after its waits lets it end', () => {
    const name = uniqueName('uring-idle');
    // Three reads that wait (the frame comes 5 ms later) keep the event loop alive; then nothing
    // is pending and the still-open Reader must not (its exit hook closes it).
    const src = `
      const { Reader, Writer } = require(${JSON.stringify(path.join(__dirname, '..', 'src', 'index.js'))});
      (async () => {
        const r = await Reader.create(${JSON.stringify(name)}, { payloadSize: 4096 });
        const w = await Writer.connect(${JSON.stringify(name)});
        for (let i = 0; i < 3; i++) {
          const pending = r.readMany({ timeoutMs: Infinity });
          setTimeout(() => w.writeSync(Buffer.from([i])), 5);
          const [f] = await pending;
          process.stdout.write(String(f.data[0]));
        }
        w.close();
      })();`;
    const run = spawnSync(process.execPath, ['-e', src], { encoding: 'utf8', timeout: 20000 });
    assert.equal(run.signal, null, 'the process did not end by itself');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '012');
    assert.deepEqual(existing(name), []);
  });

  it('survives a Worker terminated while its read waits: the Worker ends and its buffer is removed', async () => {
    const name = uniqueName('uring-worker');
    const src = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { Reader } = require(workerData.lib);
      const { native } = require(workerData.native);
      (async () => {
        const r = await Reader.create(workerData.name, { payloadSize: 4096 });
        r.readMany({ timeoutMs: Infinity }).catch(() => {});
        parentPort.postMessage(native().asyncWait().mode);
      })();`;
    const worker = new Worker(src, {
      eval: true,
      workerData: { name, lib: path.join(__dirname, '..', 'src', 'index.js'), native: path.join(__dirname, '..', 'src', 'native.js') },
    });
    const workerMode = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(workerMode, mode.mode);
    await sleep(30);
    assert.equal(semWord(name).nwaiters, 1);
    const t0 = performance.now();
    const code = await worker.terminate();
    assert.equal(code, 1);
    assert.ok(performance.now() - t0 < 2000, `terminate took ${performance.now() - t0} ms`);
    assert.deepEqual(existing(name), []);
  });

  describe('woken by a native Writer in another process', () => {
    before(() => {
      if (fs.existsSync(ZB_BENCH)) return;
      const b = spawnSync('npx', ['cmake-js', 'build', '--log-level', 'error', '--target', 'zb_bench'], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(b.status, 0, `building zb_bench: ${b.stderr}`);
    });

    it('a native Writer SIGKILLed while the read waits (Infinity) ends it with WriterDeadError within a slice or two', async () => {
      const name = uniqueName('uring-native');
      const r = await Reader.create(name, { payloadSize: 4096 });
      // One frame every 60 s: connected, never writing during the test.
      const writer = spawn(ZB_BENCH, ['writer', name, '10', '64', 'copy', '0', '60000000'], { stdio: 'ignore' });
      const exited = new Promise((resolve) => writer.on('exit', resolve));
      try {
        assert.equal(await r.isWriterConnected(5000), true);
        const pending = r.readMany({ timeoutMs: Infinity });
        await sleep(150); // past the first slice: the wait is armed and the Writer was seen alive
        assert.equal(semWord(name).nwaiters, 1);
        writer.kill('SIGKILL');
        await exited;
        const t0 = performance.now();
        await assert.rejects(pending, (err: unknown) => err instanceof WriterDeadError && /Writer process is dead/.test(err.message));
        assert.ok(performance.now() - t0 < 1000, `detected after ${performance.now() - t0} ms`);
        assert.deepEqual(semWord(name), { value: 0, nwaiters: 0 });
      } finally {
        writer.kill();
        r.close();
      }
    });

    it('reads every frame of zb_bench writer (one every 200 µs, then one every 20 ms), each byte checked', async () => {
      for (const [frames, intervalUs] of [
        [600, 200],
        [12, 20000],
      ]) {
        const name = uniqueName('uring-native');
        const size = 100;
        const r = await Reader.create(name, { payloadSize: 1 << 16 });
        const writer = spawn(ZB_BENCH, ['writer', name, String(frames), String(size), 'copy', '0', String(intervalUs)], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        writer.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((resolve) => writer.on('exit', resolve));
        try {
          let k = 0;
          for await (const f of r.frames({ timeoutMs: 10000 })) {
            const d = Buffer.from(f.data);
            assert.equal(d.length, size);
            for (let i = 0; i < size; i++) if (d[i] !== ((k + i) & 0xff)) assert.fail(`frame ${k} byte ${i}: ${d[i]}`);
            assert.equal(f.sequence, BigInt(k + 1));
            f.release();
            k++;
          }
          assert.equal(k, frames, stderr);
          assert.equal(await exited, 0, stderr);
          assert.deepEqual(semWord(name), { value: 0, nwaiters: 0 });
        } finally {
          writer.kill();
          r.close();
        }
      }
    });
  });
});
