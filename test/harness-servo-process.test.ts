// Cross-process tests of the host's servo handle (harness/host/servo-process.ts) with real servos
// from dist/: spawn options (extra environment, launcher prefix, uid/gid), both executeStep paths
// (parse once by StepId, and text only), and expected versus unexpected deaths
// (harness/host/kill.ts expectDeath).
//
// Run ids are this file's own (`<pid>-9-<n>-<hex>`); the servos create no OS objects, and only
// objects of these run ids and the temporary log directory are removed.
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { ServoProcess, ServoDiedError } from '../harness/host/servo-process';
import { expectDeath } from '../harness/host/kill';
import type { ServoSpawnExtras } from '../harness/host/spawn';
import { removeRunObjects } from '../harness/host/hygiene';
import { makeRunId } from '../harness/model/naming';
import type { StepResult } from '../harness/rpc/protocol';

const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zb-servo-test-'));
const started: ServoProcess[] = [];
let ordinal = 0;

async function startServo(role: string, extras?: ServoSpawnExtras): Promise<ServoProcess> {
  const sp = await ServoProcess.start({
    role,
    ordinal: 1,
    runId: makeRunId(process.pid, '9', ++ordinal),
    scenario: 'Test 0.0 - servo process',
    featureId: 'unit',
    logDir,
    logger: pino({ level: 'silent' }),
    extras,
  });
  started.push(sp);
  return sp;
}

function executeStep(sp: ServoProcess, step: string, parameters: Record<string, unknown>): Promise<StepResult> {
  return sp.executeStep({ Process: sp.role, StepType: 0, Step: step, IsBroadcast: false, Parameters: parameters, Context: {} }, 10_000);
}

after(async () => {
  for (const sp of started) {
    await sp.stop(2000);
    removeRunObjects(sp.runId);
  }
  fs.rmSync(logDir, { recursive: true, force: true });
});

describe('harness servo process (cross-process)', () => {
  it('spawn options: extra environment and a launcher prefix that sets a limit and execs the servo', async () => {
    const sp = await startServo('reader', { env: { ZB_TEST_MARK: 'marked' }, launcher: ['/bin/sh', '-c', 'ulimit -n 128; exec "$0" "$@"'] });
    const limits = fs.readFileSync(`/proc/${sp.pid}/limits`, 'utf8');
    assert.match(limits, /^Max open files\s+128\s+128\s/m);
    const environ = fs.readFileSync(`/proc/${sp.pid}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes('ZB_TEST_MARK=marked'));
    assert.ok(environ.includes(`ZEROBUFFER_RUN_ID=${sp.runId}`));
    // the launcher exec'd the servo: the handshake saw the same PID
    assert.equal((await sp.status()).pid, sp.pid);
  });

  it('executeStep: by StepId (text not matched again) and by text alone (other hosts)', async () => {
    const sp = await startServo('writer');
    const byId = await executeStep(sp, '(text the servo does not match)', { StepId: 'B02', Role: 'writer', Args: [] });
    assert.equal(byId.Error, null);
    assert.deepEqual(byId.Context, { pid: sp.pid, role: 'writer', runId: sp.runId, ready: true });
    const byText = await executeStep(sp, 'all processes are ready', {});
    assert.deepEqual(byText.Context, byId.Context);
    const unmatched = await executeStep(sp, '(text the servo does not match)', {});
    assert.equal(unmatched.Success, false);
    assert.match(unmatched.Error!, /undefined step/);
    const otherRole = await executeStep(sp, 'all processes are ready', { StepId: 'B02', Role: 'reader', Args: [] });
    assert.match(otherRole.Error!, /routed to role 'reader' but reached the servo of role 'writer'/);
  });

  it('an expected death (the servo crashes on request) is awaited, checked and not unexpected', async () => {
    const sp = await startServo('reader');
    const death = expectDeath(sp, 'asked to crash');
    await assert.rejects(sp.request('crash', {}, 5000, 'crash'), (e: unknown) => e instanceof ServoDiedError && /ended as expected \(asked to crash\)/.test(e.message));
    const d = await death.wait({ signal: 'SIGKILL' });
    assert.deepEqual(d, { code: null, signal: 'SIGKILL', reaped: true });
    assert.equal(sp.endReason, 'asked to crash');
    assert.throws(() => expectDeath(sp, 'again'), /cannot be expected to die \(again\): it is already dead \(killed by signal SIGKILL\)/);
  });

  it('a death that does not match the expectation fails the check', async () => {
    const sp = await startServo('reader');
    const death = expectDeath(sp, 'should exit with code 3');
    void sp.request('crash', {}, 5000, 'crash').catch(() => undefined);
    await assert.rejects(death.wait({ code: 3 }), /expected death of 'reader' \(pid \d+\) \(should exit with code 3\): exit code: expected 3, observed null/);
  });

  it('an undeclared death is unexpected', async () => {
    const sp = await startServo('writer');
    await assert.rejects(sp.request('crash', {}, 5000, 'crash'), /died unexpectedly \(killed by signal SIGKILL\)/);
    assert.equal(sp.endReason, null);
  });

  it('uid/gid: the servo runs as another user (root only)', async (t) => {
    if (process.getuid?.() !== 0) {
      t.skip('needs root');
      return;
    }
    const sp = await startServo('reader', { uid: 65534, gid: 65534 });
    const status = fs.readFileSync(`/proc/${sp.pid}/status`, 'utf8');
    assert.match(status, /^Uid:\s+65534\s/m);
    assert.match(status, /^Gid:\s+65534\s/m);
    assert.equal((await sp.status()).role, 'reader');
  });
});
