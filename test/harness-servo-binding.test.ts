// Unit tests of how a servo is bound to its scenario execution (harness/servo/binding.ts): from
// its environment (a servo spawned for the scenario, other orchestrators, a person at a shell) or,
// for a warm servo of the host's pool, from initialize — once; and the variables a bound warm
// servo takes so that it is indistinguishable from a fresh one.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { bindingEnv, isWarm, rebindRefusal, resolveBinding } from '../harness/servo/binding';
import { normalizeParams } from '../harness/rpc/protocol';

const SPAWNED = {
  ZEROBUFFER_RUN_ID: '11-0-3-abcd',
  ZEROBUFFER_ROLE: 'reader',
  ZEROBUFFER_SCENARIO: 'Test 1.1 - x',
  ZEROBUFFER_LOG_DIR: '/logs/11-0-3-abcd',
};
const WARM = { ZEROBUFFER_WARM: '1', ZEROBUFFER_LOG_DIR: '/logs' };

function init(p: Record<string, unknown>): Record<string, unknown> {
  return normalizeParams(p);
}

describe('servo binding', () => {
  it('a servo spawned for a scenario is bound by its environment; initialize may only confirm it', () => {
    const b = resolveBinding(SPAWNED, init({ Role: 'reader', TestRunId: '11-0-3-abcd', Scenario: 'Test 1.1 - x' }));
    assert.deepEqual(b, { role: 'reader', runId: '11-0-3-abcd', initRunId: '11-0-3-abcd', scenario: 'Test 1.1 - x', logDir: '/logs/11-0-3-abcd', notes: [] });
    assert.deepEqual(resolveBinding(SPAWNED, undefined).runId, '11-0-3-abcd', 'a host that sends no initialize');
  });

  it('environment binding: another orchestrator may name another role and its own run id (noted)', () => {
    const b = resolveBinding(SPAWNED, init({ Role: 'writer', TestRunId: 'harmony_7' }));
    assert.equal(b.role, 'writer');
    assert.equal(b.runId, '11-0-3-abcd', 'the run id of the environment names the buffers');
    assert.deepEqual(
      b.notes.map((n) => n.message),
      ['initialize names a different role than the environment; using initialize', 'TestRunId differs from the run id of this process environment'],
    );
  });

  it('a servo started by hand without variables gets a role and a run id of its own', () => {
    const b = resolveBinding({}, undefined);
    assert.equal(b.role, 'servo');
    assert.match(b.runId, /^\d+-\d+$/);
    assert.equal(b.logDir, path.join(path.dirname(b.logDir), b.runId));
  });

  it('a warm servo is bound by initialize alone: role, run id, scenario, log directory', () => {
    assert.equal(isWarm(WARM), true);
    assert.equal(isWarm(SPAWNED), false);
    const b = resolveBinding(WARM, init({ Role: 'writer', TestRunId: '11-0-4-beef', Scenario: 'Test 1.2 - y', LogDir: '/logs/11-0-4-beef' }));
    assert.deepEqual(b, { role: 'writer', runId: '11-0-4-beef', initRunId: '11-0-4-beef', scenario: 'Test 1.2 - y', logDir: '/logs/11-0-4-beef', notes: [] });
    // without LogDir: the run's directory under the log root it inherited
    assert.equal(resolveBinding(WARM, init({ Role: 'writer', TestRunId: 'r1' })).logDir, path.join('/logs', 'r1'));
  });

  it('a warm servo ignores scenario variables it might have inherited and needs Role and TestRunId', () => {
    const stale = { ...WARM, ZEROBUFFER_ROLE: 'stale', ZEROBUFFER_RUN_ID: 'stale' };
    assert.deepEqual(resolveBinding(stale, init({ Role: 'reader', TestRunId: 'r2' })).runId, 'r2');
    assert.throws(() => resolveBinding(WARM, undefined), /Role and TestRunId are required/);
    assert.throws(() => resolveBinding(WARM, init({ Role: 'reader' })), /Role and TestRunId are required/);
    assert.throws(() => resolveBinding(WARM, init({ TestRunId: 'r3', Role: '' })), /Role and TestRunId are required/);
  });

  it('bound once: a later initialize may repeat the binding but never name another run or role', () => {
    const b = resolveBinding(WARM, init({ Role: 'reader', TestRunId: 'r4', Scenario: 's' }));
    assert.equal(rebindRefusal(b, init({ Role: 'reader', TestRunId: 'r4' })), null);
    assert.equal(rebindRefusal(b, init({})), null);
    assert.match(rebindRefusal(b, init({ Role: 'reader', TestRunId: 'r5' }))!, /bound to role 'reader' of run r4 .* serves exactly one scenario execution/);
    assert.match(rebindRefusal(b, init({ Role: 'writer', TestRunId: 'r4' }))!, /bound to role 'reader'/);
    // an orchestrator's own run id, accepted at the binding, stays accepted
    const e = resolveBinding(SPAWNED, init({ TestRunId: 'harmony_7' }));
    assert.equal(rebindRefusal(e, init({ TestRunId: 'harmony_7' })), null);
  });

  it('a bound warm servo takes the variables a servo spawned for the same binding has', () => {
    const b = resolveBinding(WARM, init({ Role: 'reader', TestRunId: '11-0-3-abcd', Scenario: 'Test 1.1 - x', LogDir: '/logs/11-0-3-abcd' }));
    assert.deepEqual(bindingEnv(b), SPAWNED);
  });
});
