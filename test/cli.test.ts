// The `zerobuffer` CLI, run as real processes: read/write pairing with verification, JSON
// summaries, exit codes, inspect, clean and signal handling.
import { after, afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Child, CLI, DIST_ROOT, existing, killChildren, OIEB, removeLeftovers, runCli, sleep, uniqueName, waitFor, writeU64 } from './helpers';

afterEach(async () => {
  await killChildren();
});
after(() => {
  assert.deepEqual(removeLeftovers(), []);
});

const hasScript = spawnSync('script', ['--version']).status === 0;

function parseJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one JSON line: ${stdout}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

/** Waits until the reader CLI has created its buffer. */
async function bufferExists(name: string): Promise<void> {
  await waitFor(() => existing(name).length === 4, 10000, `buffer ${name}`);
}

describe('zerobuffer CLI', () => {
  it('write → read with sequential pattern and metadata: both exit 0, JSON summaries', { timeout: 60000 }, async () => {
    const name = uniqueName();
    const reading = runCli(['read', name, '--frames', '500', '--size', '4096', '--verify', 'sequential', '--json']);
    await bufferExists(name);
    const w = await runCli(['write', name, '--frames', '500', '--size', '4096', '--pattern', 'sequential', '--metadata', 'hello cli', '--json']);
    const r = await reading;
    assert.equal(w.code, 0, w.stderr);
    assert.equal(r.code, 0, r.stderr);
    const ws = parseJson(w.stdout);
    const rs = parseJson(r.stdout);
    assert.deepEqual(Object.keys(rs).sort(), ['buffer_name', 'duration_seconds', 'errors', 'frame_size', 'frames', 'metadata_size', 'operation', 'throughput_mbps', 'verification_errors']);
    assert.deepEqual([ws.operation, ws.buffer_name, ws.frames, ws.frame_size, ws.metadata_size, ws.errors], ['write', name, 500, 4096, 9, []]);
    assert.equal('verification_errors' in ws, false, 'a writer verifies nothing');
    assert.deepEqual([rs.operation, rs.buffer_name, rs.frames, rs.frame_size, rs.metadata_size, rs.errors, rs.verification_errors], ['read', name, 500, 4096, 9, [], 0]);
    assert.equal(typeof rs.duration_seconds, 'number');
    assert.equal(typeof rs.throughput_mbps, 'number');
    assert.deepEqual(existing(name), []);
  });

  it('read --frames 0 drains the ring after the writer exited', { timeout: 60000 }, async () => {
    const name = uniqueName();
    const reader = new Child(CLI, ['read', name, '--frames', '0', '--payload-size', '1048576', '--json'], { node: false });
    await bufferExists(name);
    // The writer finishes (and exits) long before the reader has read everything.
    const w = await runCli(['write', name, '--frames', '100', '--size', '1000', '--pattern', 'ones', '--json']);
    assert.equal(w.code, 0, w.stderr);
    const r = await reader.exit;
    assert.equal(r.code, 1, 'ones content does not verify as the default sequential pattern');
    const rs = parseJson(reader.stdout);
    assert.equal(rs.frames, 100);
    assert.equal(rs.verification_errors, 100);
    assert.match(reader.stderr, /frame 1 \(sequence 2\): byte 0 is 255, expected 1/);

    const name2 = uniqueName();
    const reader2 = new Child(CLI, ['read', name2, '--verify', 'ones', '--json'], { node: false });
    await bufferExists(name2);
    const w2 = await runCli(['write', name2, '--frames', '100', '--size', '1000', '--pattern', 'ones']);
    assert.equal(w2.code, 0, w2.stderr);
    assert.equal((await reader2.exit).code, 0, reader2.stderr);
    assert.equal(parseJson(reader2.stdout).frames, 100);
  });

  it('read --frames 0 fails when the writer is SIGKILLed or the OIEB is corrupted mid-stream', { timeout: 60000 }, async () => {
    for (const ending of ['SIGKILL', 'corrupt writer_pid']) {
      const name = uniqueName();
      const reader = new Child(CLI, ['read', name, '--frames', '0', '--json'], { node: false });
      await bufferExists(name);
      const writer = new Child('xp-writer.js', ['write-hang', name, '3', '100']);
      await writer.waitEvent('written');
      if (ending === 'SIGKILL') writer.kill('SIGKILL');
      else writeU64(name, OIEB.writerPid, 2n ** 40n); // no process has that PID
      const r = await reader.exit;
      assert.equal(r.code, 1, `${ending}: ${reader.stdout} ${reader.stderr}`);
      const rs = parseJson(reader.stdout);
      assert.equal(rs.frames, 3, ending);
      assert.ok((rs.errors as string[]).some((e) => /WriterDeadError \[ZB_WRITER_DEAD\]: Writer process is dead/.test(e)), `${ending}: ${JSON.stringify(rs.errors)}`);
      assert.match(reader.stderr, /Writer process is dead/);
      writer.kill('SIGKILL');
      await writer.exit;
    }
  });

  it('non-zero exit with a message when frames are missing, sizes differ or the buffer is absent', { timeout: 60000 }, async () => {
    const name = uniqueName();
    const reading = runCli(['read', name, '--frames', '20', '--size', '100', '--json']);
    await bufferExists(name);
    const w = await runCli(['write', name, '--frames', '10', '--size', '200']);
    assert.equal(w.code, 0);
    const r = await reading;
    assert.notEqual(r.code, 0);
    const rs = parseJson(r.stdout);
    assert.equal(rs.frames, 10);
    assert.equal(rs.verification_errors, 10);
    assert.ok((rs.errors as string[]).some((e) => /writer gone after 10 of 20/.test(e)), JSON.stringify(rs.errors));
    assert.match(r.stderr, /size 200, expected 100/);

    const missing = await runCli(['write', uniqueName(), '--frames', '1', '--timeout-ms', '300', '--json']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /BufferNotFoundError \[ZB_BUFFER_NOT_FOUND\]/);
    const bad = await runCli(['read', 'a/b', '--frames', '1']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /ZB_INVALID_NAME/);
    const usage = await runCli(['read', uniqueName(), '--frames', '-3']);
    assert.notEqual(usage.code, 0);
    assert.match(usage.stderr, /non-negative integer/);
  });

  it('no success-shaped summary for a failure; the writer does not mention verification', { timeout: 60000 }, async () => {
    const missing = await runCli(['write', uniqueName(), '--frames', '5', '--timeout-ms', '200']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '', 'a failure prints nothing on stdout');
    assert.doesNotMatch(missing.stderr, /wrote|verification/);
    assert.match(missing.stderr, /^zerobuffer write: BufferNotFoundError \[ZB_BUFFER_NOT_FOUND\]: .*\nzerobuffer write: failed after 0 of 5 frame\(s\) written\n$/);

    const lonely = await runCli(['read', uniqueName(), '--frames', '5', '--timeout-ms', '200']);
    assert.equal(lonely.code, 1);
    assert.equal(lonely.stdout, '');
    assert.match(lonely.stderr, /no frame within 200 ms.*\nzerobuffer read: failed after 0 of 5 frame\(s\) read\n$/);

    const name = uniqueName();
    const reading = runCli(['read', name, '--frames', '20', '--size', '64']);
    await bufferExists(name);
    const w = await runCli(['write', name, '--frames', '20', '--size', '64']);
    const r = await reading;
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stdout, /^wrote 20 frame\(s\) of 64 bytes to "[^"]+" in [\d.]+ s \([\d.]+ MiB\/s\), metadata 0 bytes\n$/);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^read 20 frame\(s\) of 64 bytes from "[^"]+" in .*, all verified \(sequential pattern\)\n$/);
  });

  it('--version; a usage error is one line and a hint, not the whole help', async () => {
    const v = await runCli(['--version']);
    assert.equal(v.code, 0);
    assert.equal(v.stdout, `${(JSON.parse(fs.readFileSync(path.join(DIST_ROOT, '..', 'package.json'), 'utf8')) as { version: string }).version}\n`);
    for (const [args, hint] of [
      [['read', uniqueName(), '--frames', '-3'], 'zerobuffer read --help'],
      [['write'], 'zerobuffer write --help'],
      [['frobnicate'], 'zerobuffer --help'],
    ] as const) {
      const u = await runCli([...args]);
      assert.equal(u.code, 1, args.join(' '));
      assert.equal(u.stdout, '');
      const lines = u.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2, u.stderr);
      assert.match(lines[0]!, /^error: /);
      assert.ok(lines[1]!.includes(hint), lines[1]);
    }
  });

  it('progress on stderr when it is a terminal, nothing when it is not', { timeout: 60000, skip: hasScript ? false : 'script(1) (util-linux) is not installed: no pseudo-terminal to test with' }, async () => {
    const name = uniqueName();
    const reader = new Child(CLI, ['read', name, '--frames', '150', '--size', '64'], { node: false });
    await bufferExists(name);
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} write ${name} --frames 150 --size 64 --delay-ms 10`;
    const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 30000 });
    assert.equal(tty.status, 0, tty.stdout);
    assert.match(tty.stdout, /\r\x1b\[Kzerobuffer write: \d+ frame\(s\), [\d.]+ MiB\/s/);
    assert.equal((await reader.exit).code, 0, reader.stderr);
    assert.doesNotMatch(reader.stderr, /MiB\/s|\r/, 'no progress into a pipe');
  });

  it('inspect shows a live buffer; clean removes only stale resources; SIGTERM closes the reader', { timeout: 60000 }, async () => {
    const name = uniqueName();
    const reader = new Child(CLI, ['read', name, '--frames', '5', '--payload-size', '65536', '--timeout-ms', '60000'], { node: false });
    await bufferExists(name);
    const writer = new Child(CLI, ['write', name, '--frames', '3', '--size', '100', '--delay-ms', '60000'], { node: false });
    // Wait until the writer is connected (writer_pid set).
    let info: Record<string, unknown> = {};
    await waitFor(() => {
      const out = spawnSync(process.execPath, [CLI, 'inspect', name, '--json'], { encoding: 'utf8' });
      info = JSON.parse(out.stdout) as Record<string, unknown>;
      return (info.writer as { alive: boolean }).alive;
    }, 10000, 'writer connected');
    assert.equal(info.exists, true);
    assert.equal((info.reader as { alive: boolean; pid: number }).alive, true);
    assert.equal((info.reader as { pid: number }).pid, reader.proc.pid);
    assert.equal((info.lock_file as { held: boolean }).held, true);
    assert.equal(typeof (info.oieb as Record<string, unknown>).payloadFreeBytes, 'number');
    const text = await runCli(['inspect', name]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /reader: +pid \d+ \(alive\)/);
    assert.match(text.stdout, /semaphores: sem-w \d+, sem-r \d+/);
    const clean = await runCli(['clean', name]);
    assert.equal(clean.code, 0);
    assert.equal(clean.stdout, `buffer ${JSON.stringify(name)} is live (reader pid ${reader.proc.pid} alive, writer pid ${writer.proc.pid} alive, lock /tmp/zerobuffer/${name}.lock held): nothing removed\n`);
    const cleanJson = parseJson((await runCli(['clean', name, '--json'])).stdout);
    assert.deepEqual([cleanJson.removed, cleanJson.live], [[], true]);

    reader.kill('SIGTERM');
    const rexit = await reader.exit;
    assert.equal(rexit.code, 143);
    assert.match(reader.stderr, /interrupted by SIGTERM/);
    assert.deepEqual(existing(name), [], 'the reader unlinked its buffer on SIGTERM');
    writer.kill('SIGTERM');
    const wexit = await writer.exit;
    assert.equal(wexit.code, 143, 'interrupted before all frames were written');
    assert.match(writer.stderr, /interrupted by SIGTERM after 1 of 3/);
    const gone = await runCli(['inspect', name, '--json']);
    assert.equal(gone.code, 1);
    assert.equal(parseJson(gone.stdout).exists, false);
  });

  it('clean removes what a SIGKILLed reader left behind', { timeout: 60000 }, async () => {
    const name = uniqueName();
    const reader = new Child(CLI, ['read', name, '--frames', '1', '--payload-size', '4096'], { node: false });
    await bufferExists(name);
    reader.kill('SIGKILL');
    await reader.exit;
    await sleep(20);
    const before = existing(name);
    const clean = await runCli(['clean', name, '--json']);
    assert.equal(clean.code, 0, clean.stderr);
    const out = parseJson(clean.stdout);
    const removed = out.removed as string[];
    for (const x of removed) assert.ok(x.includes(name), x);
    // A concurrent stale scan (any Reader creation on the host) may have removed them first.
    if (before.length === 4 && removed.length === 0) assert.deepEqual(existing(name), [], 'removed by someone else');
    if (before.length === 4 && removed.length > 0) assert.ok(removed.includes(`/dev/shm/${name}`), clean.stdout);
    assert.deepEqual(existing(name), []);
  });
});
