// Unit tests of how a servo is launched (harness/host/spawn.ts): compiled JavaScript without a
// TypeScript loader, the harness's environment (not overridable), extra environment, a launcher
// prefix and uid/gid; a warm servo without a scenario; which requests need a fresh spawn.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { hasSpawnOptions, servoCommand, warmServoCommand } from '../harness/host/spawn';
import { servoEntry } from '../harness/paths';

const HARNESS = {
  ZEROBUFFER_RUN_ID: '1-0-1-abcd',
  ZEROBUFFER_ROLE: 'reader',
  ZEROBUFFER_SCENARIO: 'Test 1.1 - x',
  ZEROBUFFER_LOG_DIR: '/tmp/logs',
  ZEROBUFFER_HOST_PID: '1',
};

describe('harness servo launch command', () => {
  it('by default: node + the compiled servo, the harness environment, no TypeScript loader', () => {
    const c = servoCommand(HARNESS, {}, { PATH: '/bin', NODE_OPTIONS: '-r ts-node/register', ZEROBUFFER_ROLE: 'stale' });
    assert.equal(c.command, process.execPath);
    assert.deepEqual(c.args, [servoEntry()]);
    assert.match(servoEntry(), /dist[\\/]harness[\\/]servo[\\/]bundle\.js$/);
    assert.deepEqual(c.options.env, { PATH: '/bin', ...HARNESS });
    assert.deepEqual(c.options.stdio, ['pipe', 'pipe', 'pipe']);
    assert.equal(c.options.uid, undefined);
    assert.equal(c.options.gid, undefined);
  });

  it('extra environment is added; the harness variables cannot be overridden', () => {
    const c = servoCommand(HARNESS, { env: { HARMONY_HOST_PID: '42', PATH: '/usr/bin' } }, { PATH: '/bin' });
    assert.equal(c.options.env!.HARMONY_HOST_PID, '42');
    assert.equal(c.options.env!.PATH, '/usr/bin');
    assert.throws(() => servoCommand(HARNESS, { env: { ZEROBUFFER_RUN_ID: 'x', ZEROBUFFER_ROLE: 'y' } }), /ZEROBUFFER_RUN_ID, ZEROBUFFER_ROLE is set by the harness/);
  });

  it('a launcher prefix gets node and the servo script as its arguments; uid/gid are passed on', () => {
    const launcher = ['/bin/sh', '-c', 'ulimit -n 128; exec "$0" "$@"'];
    const c = servoCommand(HARNESS, { launcher, uid: 65534, gid: 65534 });
    assert.equal(c.command, '/bin/sh');
    assert.deepEqual(c.args, ['-c', 'ulimit -n 128; exec "$0" "$@"', process.execPath, servoEntry()]);
    assert.equal(c.options.uid, 65534);
    assert.equal(c.options.gid, 65534);
    assert.equal(servoCommand(HARNESS, { launcher: [] }).command, process.execPath, 'an empty launcher is no launcher');
  });

  it('a warm servo: no run id, role or scenario (not even inherited), ZEROBUFFER_WARM=1, the log root kept', () => {
    const c = warmServoCommand({ PATH: '/bin', NODE_OPTIONS: '-r ts-node/register', ZEROBUFFER_RUN_ID: 'stale', ZEROBUFFER_ROLE: 'stale', ZEROBUFFER_SCENARIO: 'stale', ZEROBUFFER_LOG_DIR: '/logs' });
    assert.deepEqual(c.options.env, { PATH: '/bin', ZEROBUFFER_LOG_DIR: '/logs', ZEROBUFFER_WARM: '1', ZEROBUFFER_HOST_PID: String(process.pid) });
    assert.deepEqual([c.command, ...c.args], [process.execPath, servoEntry()]);
    assert.throws(() => servoCommand(HARNESS, { env: { ZEROBUFFER_WARM: '1' } }), /ZEROBUFFER_WARM is set by the harness/);
  });

  it('spawn options that need a fresh servo: environment, launcher, uid, gid — not an empty request', () => {
    assert.equal(hasSpawnOptions(undefined), false);
    assert.equal(hasSpawnOptions({}), false);
    assert.equal(hasSpawnOptions({ env: {}, launcher: [] }), false);
    assert.equal(hasSpawnOptions({ env: { A: '1' } }), true);
    assert.equal(hasSpawnOptions({ launcher: ['/bin/sh', '-c', 'exec "$0" "$@"'] }), true);
    assert.equal(hasSpawnOptions({ uid: 0 }), true);
    assert.equal(hasSpawnOptions({ gid: 0 }), true);
  });
});
