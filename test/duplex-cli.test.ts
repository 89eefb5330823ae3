// `zerobuffer serve` / `zerobuffer request` as real processes: echo and XOR pairs, JSON summaries,
// exit codes, SIGKILL of either side mid-run (the other exits non-zero within a second with a
// typed error and the channel works again), signals, no server.
import { after, afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { Child, CLI, existing, existingChannel, killChildren, removeLeftovers, runCli, uniqueChannel, waitFor } from './helpers';

afterEach(killChildren);
after(() => assert.deepEqual(removeLeftovers(), []));

function parseJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one JSON line: ${stdout}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

function serve(channel: string, args: string[] = []): Child {
  return new Child(CLI, ['serve', channel, '--json', ...args], { node: false });
}

async function ready(channel: string): Promise<void> {
  await waitFor(() => existing(`${channel}_request`).length === 4, 10000, `server of ${channel}`);
}

/** A server and a client that has already received responses; returns both, still running. */
async function midRun(channel: string): Promise<{ server: Child; client: Child }> {
  const server = serve(channel);
  await ready(channel);
  const client = new Child(CLI, ['request', channel, '--count', '1000000', '--size', '1024', '--json'], { node: false });
  await waitFor(() => existing(`${channel}_response`).length === 4, 10000, 'the client');
  await new Promise((r) => setTimeout(r, 300));
  return { server, client };
}

/** A new server and client complete 10 requests on `channel`, leaving nothing behind. */
async function channelWorksAgain(channel: string): Promise<void> {
  const again = serve(channel, ['--requests', '10']);
  await ready(channel);
  const r = await runCli(['request', channel, '--count', '10']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await again.exit).code, 0, again.stderr);
  assert.deepEqual(existingChannel(channel), []);
}

describe('zerobuffer serve / request', () => {
  for (const handler of ['echo', 'xor']) {
    it(`serve --handler ${handler} answers 3,110,416-byte requests verified with --verify ${handler}`, { timeout: 60000 }, async () => {
      const channel = uniqueChannel();
      const server = serve(channel, ['--handler', handler]);
      await ready(channel);
      const r = await runCli(['request', channel, '--count', '30', '--size', '3110416', '--verify', handler, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const s = parseJson(r.stdout);
      assert.deepEqual(Object.keys(s).sort(), [
        'channel', 'duration_seconds', 'errors', 'operation', 'requests', 'rtt_max_us', 'rtt_p50_us', 'rtt_p99_us', 'size', 'verification_errors',
      ]);
      assert.deepEqual([s.operation, s.channel, s.requests, s.size, s.errors, s.verification_errors], ['request', channel, 30, 3110416, [], 0]);
      assert.ok((s.rtt_p50_us as number) > 0 && (s.rtt_p99_us as number) >= (s.rtt_p50_us as number));
      // --requests 0: the client closing is the normal end.
      assert.deepEqual(await server.exit, { code: 0, signal: null }, server.stderr);
      assert.deepEqual(
        (({ operation, requests, errors, handler: h }) => ({ operation, requests, errors, h }))(parseJson(server.stdout) as never),
        { operation: 'serve', requests: 30, errors: [], h: handler },
      );
      assert.deepEqual(existingChannel(channel), []);
    });
  }

  it('--requests N stops after N responses; a response that does not verify fails the client', async () => {
    const channel = uniqueChannel();
    const server = serve(channel, ['--handler', 'xor', '--requests', '3']);
    await ready(channel);
    const r = await runCli(['request', channel, '--count', '5', '--size', '100', '--verify', 'echo']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '', 'no success-shaped line');
    assert.match(r.stderr, /response 0 \(sequence 1\): byte 0 is 255, expected 0 \(echo\)/);
    // The stopped server is seen by the next acquire or by the next receive, whichever comes first.
    assert.match(r.stderr, /(WriterDeadError \[ZB_WRITER_DEAD\]|ReaderDeadError \[ZB_READER_DEAD\])/);
    assert.match(r.stderr, /failed after 3 of 5 request\(s\) answered, 3 with verification errors\n$/);
    assert.deepEqual(await server.exit, { code: 0, signal: null }, server.stderr);
    assert.equal(parseJson(server.stdout).requests, 3);
  });

  for (const victim of ['server', 'client'] as const) {
    it(`a ${victim} SIGKILLed mid-run: the other side exits 1 within a second with a typed error; the channel works again`, { timeout: 30000 }, async () => {
      const channel = uniqueChannel();
      const peers = await midRun(channel);
      const survivor = victim === 'server' ? peers.client : peers.server;
      peers[victim].kill('SIGKILL');
      const t0 = performance.now();
      const { code } = await survivor.exit;
      assert.ok(performance.now() - t0 < 1000, `exited after ${performance.now() - t0} ms`);
      assert.equal(code, 1);
      const s = parseJson(survivor.stdout);
      assert.ok((s.requests as number) > 0);
      assert.match(String((s.errors as string[])[0]), /(WriterDeadError \[ZB_WRITER_DEAD\]: Writer|ReaderDeadError \[ZB_READER_DEAD\]: Reader) process is dead/);
      await channelWorksAgain(channel); // the dead peer's buffer is stale and replaced (§13)
    });
  }

  it('SIGINT ends serve --requests 0 normally (exit 0) and serve --requests 5 as interrupted (130)', async () => {
    for (const [requests, expected] of [['0', 0], ['5', 130]] as const) {
      const channel = uniqueChannel();
      const server = serve(channel, ['--requests', requests]);
      await ready(channel);
      server.kill('SIGINT');
      assert.equal((await server.exit).code, expected, server.stderr);
      assert.deepEqual(existingChannel(channel), []);
    }
  });

  it('request without a server: exit 1 with BufferNotFoundError after --timeout-ms, nothing created', async () => {
    const channel = uniqueChannel();
    const r = await runCli(['request', channel, '--timeout-ms', '300', '--json']);
    assert.equal(r.code, 1);
    assert.match(String((parseJson(r.stdout).errors as string[])[0]), /^BufferNotFoundError \[ZB_BUFFER_NOT_FOUND\]/);
    assert.deepEqual(existingChannel(channel), []);
  });
});
