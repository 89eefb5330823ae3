// Cross-process tests of warm servos (harness/host/warm-pool.ts, servo/binding.ts) with real
// servos from dist/: a warm servo is bound to one scenario execution by the handshake and then
// answers like a servo spawned for it (its own PID, the run id, its log file, every thread at the
// host's priority); before that it serves no step and writes no log; it is never bound twice; it
// exits on stdin EOF; and a pool hands out a new process every time.
//
// Run ids are this file's own (`<pid>-8-<n>-<hex>`); the servos create no OS objects, and only
// the temporary log directory is removed.
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { ServoProcess } from '../harness/host/servo-process';
import { ServoChild } from '../harness/host/servo-child';
import { warmServoCommand } from '../harness/host/spawn';
import { WarmPool } from '../harness/host/warm-pool';
import { WARM_NICE, canRaisePriority, threadNiceValues, warmPriority } from '../harness/host/priority';
import { makeRunId } from '../harness/model/naming';
import type { StepResult } from '../harness/rpc/protocol';

const logRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'zb-warm-test-'));
const logger = pino({ level: 'silent' });
const started: ServoProcess[] = [];
const children: ServoChild[] = [];
let ordinal = 0;

function warmChild(): ServoChild {
  const c = ServoChild.spawn(warmServoCommand({ ...process.env, ZEROBUFFER_LOG_DIR: logRoot }));
  children.push(c);
  return c;
}

async function adopt(role: string, warm: ServoChild): Promise<ServoProcess> {
  const runId = makeRunId(process.pid, '8', ++ordinal);
  const sp = await ServoProcess.start({ role, ordinal: 1, runId, scenario: `Test 0.${ordinal} - warm`, featureId: 'unit', logDir: path.join(logRoot, runId), logger, warm });
  started.push(sp);
  return sp;
}

function ready(sp: ServoProcess): Promise<StepResult> {
  return sp.executeStep({ Process: sp.role, StepType: 0, Step: 'all processes are ready', IsBroadcast: false, Parameters: { StepId: 'B02', Role: sp.role, Args: [] }, Context: {} }, 10_000);
}

after(async () => {
  for (const sp of started) await sp.stop(2000);
  for (const c of children) c.sigkill();
  await Promise.all(children.map((c) => c.exited));
  for (const c of children) c.dispose();
  fs.rmSync(logRoot, { recursive: true, force: true });
});

describe('warm servos (cross-process)', () => {
  it('CAP_SYS_NICE is read from CapEff; thread nice values from /proc', () => {
    assert.equal(canRaisePriority('Name:\tnode\nCapEff:\t0000000000800000\n'), true);
    assert.equal(canRaisePriority('CapEff:\t000001fffeffffff\n'), true);
    assert.equal(canRaisePriority('CapEff:\t0000000000000000\n'), false);
    assert.equal(canRaisePriority('no capabilities here'), false);
    assert.deepEqual(new Set(threadNiceValues(process.pid)), new Set([os.getPriority()]));
  });

  it('before it is bound a warm servo loads, says so, serves no step and writes no log', async () => {
    const c = warmChild();
    assert.equal(await c.loaded, true);
    assert.equal(await c.conn.sendRequest('health', {}), true);
    const status = (await c.conn.sendRequest('zb/status', {})) as { role: string; runId: string; pid: number };
    assert.deepEqual([status.role, status.runId, status.pid], ['', '', c.pid]);
    await assert.rejects(c.conn.sendRequest('executeStep', { Step: 'all processes are ready' }), /not bound to a scenario yet: initialize/);
    assert.deepEqual(fs.readdirSync(logRoot), [], 'no log file before it knows its scenario');
    c.endInput();
    assert.deepEqual(await c.exited, { code: 0, signal: null }, 'an idle warm servo exits on stdin EOF');
  });

  it('adopted: the handshake binds it — role, run id, PID, log file — and it runs steps like a fresh servo', async () => {
    const c = warmChild();
    await c.loaded;
    const sp = await adopt('writer', c);
    assert.equal(sp.pid, c.pid);
    assert.equal(sp.adopted, true);
    const r = await ready(sp);
    assert.equal(r.Error, null);
    assert.deepEqual(r.Context, { pid: sp.pid, role: 'writer', runId: sp.runId, ready: true });
    const log = fs.readFileSync(sp.logFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(log[0]!.msg, 'warm servo bound to its scenario');
    assert.ok(log.every((rec) => rec.runId === sp.runId && rec.role === 'writer' && rec.pid === sp.pid));
    assert.ok(!log.some((rec) => rec.role === 'rehearsal'), 'the rehearsal of the bind left no record');
  });

  it('bound exactly once: an initialize for another run is refused, the same binding is accepted', async () => {
    const c = warmChild();
    const sp = await adopt('reader', c);
    const again = { Role: 'reader', Platform: 'typescript', Scenario: 'x', HostPid: process.pid, FeatureId: 'unit', TestRunId: sp.runId };
    assert.equal(await sp.request('initialize', again, 5000, 'initialize again'), true);
    await assert.rejects(sp.request('initialize', { ...again, TestRunId: makeRunId(process.pid, '8', 999) }, 5000, 'rebind'), /serves exactly one scenario execution/);
    assert.equal((await sp.status()).runId, sp.runId);
  });

  it('a pool hands out a new process each time, at the host’s priority in every thread', async () => {
    const capable = canRaisePriority();
    const p = new WarmPool(2, warmChild, warmPriority(capable), logger);
    const own = os.getPriority();
    const pids = new Set<number>();
    for (let i = 0; i < 3; i++) {
      p.fill();
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && p.count < 2) await new Promise((r) => setTimeout(r, 20));
      const c = p.take();
      assert.ok(c !== undefined, 'a warm servo is idle');
      assert.ok(!pids.has(c.pid), 'never the same process twice');
      pids.add(c.pid);
      if (capable) assert.deepEqual(new Set(threadNiceValues(c.pid)), new Set([own]));
      const sp = await adopt(i === 0 ? 'reader' : 'writer', c);
      assert.equal((await ready(sp)).Error, null);
      await sp.stop(2000);
    }
    await p.drain(2000);
  });

  it('priority: a warm servo loads at nice 10 and gets every thread back when taken', async (t) => {
    if (!canRaisePriority()) {
      t.skip('needs CAP_SYS_NICE (without it warm servos load at normal priority)');
      return;
    }
    const c = warmChild();
    const prio = warmPriority(true);
    prio.lower(c.pid);
    const own = os.getPriority();
    assert.equal(os.getPriority(c.pid), Math.max(own, WARM_NICE));
    await c.loaded;
    prio.restore(c.pid);
    assert.deepEqual(new Set(threadNiceValues(c.pid)), new Set([own]));
    const sp = await adopt('reader', c);
    assert.equal((await ready(sp)).Error, null);
  });
});
