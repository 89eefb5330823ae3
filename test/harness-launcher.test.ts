// Cross-process tests of the servo launcher (harness/host/launcher.ts): the process it starts is
// its child, not the host's; the host gets that process's stdin, stdout and stderr as the only
// ends (closing stdin is the child's EOF) and its exit (code or signal) once reaped; a spawn that
// fails, or asks for another user, is refused; when the launcher dies its children are killed and
// reported so, and later launches are refused. A real warm servo from it binds and answers.
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { ServoLauncher, type LaunchedProcess } from '../harness/host/launcher';
import { ServoChild } from '../harness/host/servo-child';
import { ServoProcess } from '../harness/host/servo-process';
import { warmServoCommand, type ServoCommand } from '../harness/host/spawn';
import { makeRunId } from '../harness/model/naming';

const launchers: ServoLauncher[] = [];
const logRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'zb-launcher-test-'));

function start(): ServoLauncher {
  const l = ServoLauncher.start();
  launchers.push(l);
  return l;
}

/** node -e <program>, as a ServoCommand. */
function nodeCommand(program: string, extra: Partial<ServoCommand['options']> = {}): ServoCommand {
  return { command: process.execPath, args: ['-e', program], options: { stdio: ['pipe', 'pipe', 'pipe'], env: process.env, cwd: process.cwd(), ...extra } };
}

/** Echoes stdin to stdout, writes a line on stderr, exits 7 on EOF. */
const ECHO = "process.stderr.write('on stderr\\n'); process.stdin.pipe(process.stdout); process.stdin.on('end', () => setImmediate(() => process.exit(7)))";

function readAll(s: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => (text += d));
    s.on('end', () => resolve(text));
  });
}

function parentOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

after(() => {
  for (const l of launchers) l.close();
  fs.rmSync(logRoot, { recursive: true, force: true });
});

describe('servo launcher (cross-process)', { timeout: 60_000 }, () => {
  it("starts the process as its own child and hands over its pipes; closing stdin is the child's EOF; the exit code comes back", async () => {
    const l = start();
    const p: LaunchedProcess = await l.launch(nodeCommand(ECHO));
    assert.equal(parentOf(p.pid), l.pid);
    assert.notEqual(parentOf(p.pid), process.pid);
    const out = readAll(p.stdout);
    const err = readAll(p.stderr);
    p.stdin.write('hello through the launcher\n');
    p.stdin.end();
    assert.deepEqual(await p.exited, { code: 7, signal: null });
    assert.equal(await out, 'hello through the launcher\n');
    assert.equal(await err, 'on stderr\n');
    assert.equal(fs.existsSync(`/proc/${p.pid}`), false, 'reaped before its exit is reported');
  });

  it('reports a SIGKILL from the host as the exit', async () => {
    const l = start();
    const p = await l.launch(nodeCommand('setInterval(() => undefined, 1000)'));
    process.kill(p.pid, 'SIGKILL');
    assert.deepEqual(await p.exited, { code: null, signal: 'SIGKILL' });
    p.stdin.destroy();
  });

  it('refuses what it cannot spawn: a missing program, another user', async () => {
    const l = start();
    await assert.rejects(l.launch({ ...nodeCommand(''), command: '/nonexistent/zb-launcher-test' }), /spawning a servo failed: .*ENOENT/);
    await assert.rejects(l.launch(nodeCommand('', { uid: 65534 })), /does not start servos as another user/);
    // still usable
    const p = await l.launch(nodeCommand('process.exit(3)'));
    assert.deepEqual(await p.exited, { code: 3, signal: null });
  });

  it('when the launcher dies, its children are killed and reported so, and later launches are refused', async () => {
    const l = start();
    const p = await l.launch(nodeCommand('setInterval(() => undefined, 1000)'));
    process.kill(l.pid!, 'SIGKILL');
    assert.deepEqual(await p.exited, { code: null, signal: 'SIGKILL' });
    p.stdin.destroy();
    assert.match(l.broken ?? '', /servo launcher exited \(code null, signal SIGKILL\)/);
    await assert.rejects(l.launch(nodeCommand('')), /servo launcher exited/);
    // the child is gone (re-parented to init, which reaps it)
    for (let i = 0; i < 100 && fs.existsSync(`/proc/${p.pid}`); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(fs.existsSync(`/proc/${p.pid}`), false);
  });

  it('close(): the launcher exits', async () => {
    const l = start();
    const pid = l.pid!;
    l.close();
    for (let i = 0; i < 100 && fs.existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(fs.existsSync(`/proc/${pid}`), false);
    await assert.rejects(l.launch(nodeCommand('')), /closed/);
  });

  it('a warm servo from the launcher is bound by the handshake and answers like any servo', async () => {
    const l = start();
    const warm = await ServoChild.launch(l, warmServoCommand({ ...process.env, ZEROBUFFER_LOG_DIR: logRoot }));
    assert.equal(await warm.loaded, true);
    const runId = makeRunId(process.pid, '9', 1);
    const sp = await ServoProcess.start({ role: 'reader', ordinal: 1, runId, scenario: 'Test 0.1 - launched', featureId: 'unit', logDir: path.join(logRoot, runId), logger: pino({ level: 'silent' }), warm });
    try {
      assert.equal(sp.pid, warm.pid);
      const status = await sp.status();
      assert.equal(status.pid, warm.pid);
      assert.equal(status.runId, runId);
      assert.equal(status.role, 'reader');
    } finally {
      assert.equal(await sp.stop(5000), 'exited');
    }
    assert.deepEqual(warm.exit, { code: 0, signal: null });
  });
});
