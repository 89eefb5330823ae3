// Which servos' logs a failing step carries (harness/host/step-servos.ts).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { servosOfStep, type StepServo, type StepServoScenario } from '../harness/host/step-servos';

interface Fake extends StepServo {
  label: string;
}
const servo = (role: string, label: string, alive = true): Fake => ({ role, label, alive });

function scenario(): { run: StepServoScenario<Fake>; reader: Fake; writer: Fake; writer2: Fake; dead: Fake } {
  const reader = servo('reader', 'reader#1');
  const writer = servo('writer', 'writer#1');
  const writer2 = servo('writer', 'writer#2');
  const dead = servo('reader', 'reader#0 (killed)', false);
  const run = {
    servos: [dead, reader, writer, writer2],
    roles: new Map([
      ['reader', [reader, dead]],
      ['writer', [writer, writer2]],
    ]),
    inherited: writer2 as Fake | null,
  };
  return { run, reader, writer, writer2, dead };
}

const PROCESS = { runsIn: 'process' as const };
const labels = (s: Fake[]) => s.map((x) => x.label);

describe('servosOfStep', () => {
  it('a process step involves the servo its routing rule picks', () => {
    const { run } = scenario();
    assert.deepEqual(labels(servosOfStep(run, PROCESS, "the 'reader' process should read frame with sequence '1'", [])), ['reader#1']);
    assert.deepEqual(labels(servosOfStep(run, PROCESS, "a new 'reader' process attempts to create buffer 'b'", [])), ['reader#1']);
    assert.deepEqual(labels(servosOfStep(run, PROCESS, "a 'writer' process writes", [])), ['writer#1']);
    assert.deepEqual(labels(servosOfStep(run, PROCESS, "a second 'writer' process attempts to connect to buffer 'b'", [])), ['writer#2']);
    assert.deepEqual(labels(servosOfStep(run, PROCESS, 'another writer attempts to connect without permissions', [])), ['writer#1']);
    // rule 8: the inherited target
    assert.deepEqual(labels(servosOfStep(run, PROCESS, 'the connection should fail with writer exists error', [])), ['writer#2']);
  });

  it('the role\'s process even when it is dead (its log tells why)', () => {
    const { run, reader } = scenario();
    (reader as { alive: boolean }).alive = false;
    assert.deepEqual(labels(servosOfStep(run, PROCESS, "the 'reader' process reads one frame", [])), ['reader#1']);
  });

  it('a host step involves every servo alive at its start or now', () => {
    const { run, reader, writer, writer2, dead } = scenario();
    const all = ['reader#1', 'writer#1', 'writer#2'];
    assert.deepEqual(labels(servosOfStep(run, { runsIn: 'host' }, "wait for '1' seconds", [reader, writer, writer2])), all);
    assert.deepEqual(labels(servosOfStep(run, { runsIn: 'host-all' }, 'the test environment is initialized', [])), all);
    // the victim of a kill (dead now, alive when the step started) is included
    assert.deepEqual(labels(servosOfStep(run, { runsIn: 'host-role' }, "the 'reader' process is killed", [dead, reader])), ['reader#0 (killed)', ...all]);
  });

  it('falls back to the host set when the step failed before its servo existed', () => {
    const { run } = scenario();
    const noInherit = { ...run, inherited: null };
    assert.deepEqual(labels(servosOfStep(noInherit, PROCESS, 'no sequence errors should have occurred', [])), ['reader#1', 'writer#1', 'writer#2']);
    const oneWriter = { ...run, roles: new Map([['writer', [run.roles.get('writer')![0]!]]]) };
    assert.deepEqual(labels(servosOfStep(oneWriter, PROCESS, "a second 'writer' process attempts to connect to buffer 'b'", [])), ['reader#1', 'writer#1', 'writer#2']);
    assert.deepEqual(labels(servosOfStep(run, PROCESS, "the 'server' process starts", [])), ['reader#1', 'writer#1', 'writer#2']);
  });
});
