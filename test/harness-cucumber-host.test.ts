// End-to-end test of the host capabilities as cucumber reports them: a cucumber run of
// test/fixtures/host-capabilities.feature with the host-only steps of
// test/fixtures/host-capabilities.steps.ts (no servos). Checks, from cucumber's message stream,
// that a step a host step executed itself passes as a no-op noted "executed by step N", that
// host attachments reach the step, that a step with a run-time bound runs, and that a skipping
// host step makes the step and the scenario skipped (not passed), with the reason.
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../harness/paths';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zb-cucumber-host-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Envelope {
  [key: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface StepReport {
  text: string;
  status: string;
  attachments: string[];
}

/** Runs cucumber on the fixture; returns its exit code and, per scenario, its steps as reported. */
function runFixture(): { code: number | null; scenarios: Map<string, StepReport[]> } {
  const root = repoRoot();
  const messages = path.join(tmp, 'messages.ndjson');
  const config = path.join(tmp, 'cucumber.cjs');
  // An explicit config (cucumber resolves its path against the working directory): the project's
  // profiles would also write the reports under reports/.
  fs.writeFileSync(
    config,
    `module.exports = { default: ${JSON.stringify({
      requireModule: ['ts-node/register/transpile-only'],
      // the fixture's phrases must be in the registry before steps/support/register.ts registers it
      require: ['test/fixtures/host-capabilities.steps.ts', 'steps/**/*.ts'],
      paths: ['test/fixtures/host-capabilities.feature'],
      format: [`message:${messages}`],
      strict: true,
    })} };\n`,
  );
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), '--config', path.relative(root, config)], {
    cwd: root,
    env: { ...process.env, ZEROBUFFER_REPORTS_DIR: tmp, NODE_OPTIONS: '' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  const envelopes = fs
    .readFileSync(messages, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Envelope);
  const pickles = new Map<string, Envelope>(envelopes.filter((e) => e.pickle).map((e) => [e.pickle.id, e.pickle]));
  const testSteps = new Map<string, { pickle: Envelope; text: string }>();
  for (const e of envelopes.filter((x) => x.testCase)) {
    const pickle = pickles.get(e.testCase.pickleId)!;
    for (const ts of e.testCase.testSteps) {
      const ps = pickle.steps.find((s: Envelope) => s.id === ts.pickleStepId);
      if (ps !== undefined) testSteps.set(ts.id, { pickle, text: ps.text });
    }
  }
  const attachments = new Map<string, string[]>();
  for (const e of envelopes.filter((x) => x.attachment)) attachments.set(e.attachment.testStepId, [...(attachments.get(e.attachment.testStepId) ?? []), e.attachment.body]);
  const scenarios = new Map<string, StepReport[]>();
  for (const e of envelopes.filter((x) => x.testStepFinished)) {
    const ts = testSteps.get(e.testStepFinished.testStepId);
    if (ts === undefined) continue; // a hook
    const list = scenarios.get(ts.pickle.name) ?? [];
    list.push({ text: ts.text, status: e.testStepFinished.testStepResult.status, attachments: attachments.get(e.testStepFinished.testStepId) ?? [] });
    scenarios.set(ts.pickle.name, list);
  }
  if (scenarios.size === 0) throw new Error(`cucumber ran no scenario (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { code: r.status, scenarios };
}

describe('harness host capabilities under cucumber', () => {
  const run = runFixture();

  it('the run succeeds: skipped is not a failure', () => {
    assert.equal(run.code, 0);
  });

  it('iteration: the consumed step passes as a no-op noted "executed by"; attachments reach their step', () => {
    const steps = run.scenarios.get('Iteration, state and attachments')!;
    assert.deepEqual(
      steps.map((s) => [s.text, s.status]),
      [
        ['the fixture counter starts at 10', 'PASSED'],
        ['the fixture repeats the next step 2 times:', 'PASSED'],
        ['the fixture counter is incremented', 'PASSED'],
        ['the fixture counter is 12', 'PASSED'],
        ["the fixture attaches 'hello'", 'PASSED'],
        ['the fixture waits 20 ms within its own bound', 'PASSED'],
      ],
    );
    assert.deepEqual(steps[2]!.attachments, ['executed by step 2 (`When the fixture repeats the next step 2 times:`)']);
    assert.deepEqual(steps[4]!.attachments, ['hello']);
  });

  it('a skipping host step makes the step and the rest of the scenario skipped, with the reason attached', () => {
    const steps = run.scenarios.get('Skipped by a host step')!;
    assert.deepEqual(
      steps.map((s) => [s.text, s.status, s.attachments]),
      [
        ["the fixture skips because 'needs something absent'", 'SKIPPED', ['step skipped: needs something absent']],
        ['the fixture counter is 0', 'SKIPPED', []],
      ],
    );
  });
});
