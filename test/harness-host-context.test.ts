// Unit tests of what host steps get (harness/host/context.ts) and of the router's handling of host
// steps (harness/routing/router.ts), without servos: a real ScenarioRun whose steps are host
// steps registered here. Covers state, owned resources, attachments, skipping, the run-time step
// limit, the following steps (remainingSteps / runStep / consumeSteps) and servo results.
import { describe, it, mock } from 'node:test';
import * as assert from 'node:assert/strict';
import pino from 'pino';
import '../steps/index';
import { registry, cucumberTimeoutMs, describeTimeout, stepLimitMs, StepSkipped, type HostImpl, type StepDefinition } from '../harness/registry';
import { ScenarioRun } from '../harness/host/scenario';
import { ScenarioSteps, type ScenarioStep } from '../harness/host/steps';
import { stateKey } from '../harness/host/state';
import type { AttachFn, HostStepContext } from '../harness/host/context';
import { Router, settleServoResult } from '../harness/routing/router';
import type { ServoProcess } from '../harness/host/servo-process';
import { declaredDeath } from '../harness/host/kill';

const COUNT = stateKey<number>('count');
const seen: HostStepContext[] = [];

function hostStep(id: string, pattern: string, host: HostImpl, extra: Partial<StepDefinition> = {}): void {
  registry.define({ id, keyword: 'Given', pattern, runsIn: 'host', summary: 'test', host, ...extra });
}

hostStep('Z01', 'the test counter starts at {uint}', (ctx, n: number) => ctx.state.set(COUNT, n));
hostStep('Z02', 'the test counter is incremented', (ctx) => ctx.state.set(COUNT, ctx.state.require(COUNT) + 1));
hostStep('Z03', 'the test step repeats the next step {uint} times', async (ctx, n: number) => {
  const [next] = ctx.remainingSteps();
  for (let i = 0; i < n; i++) await ctx.runStep(next!);
  ctx.consumeSteps([next!]);
});
hostStep('Z04', 'the test step records its context', (ctx) => {
  seen.push(ctx);
  ctx.attach('some text', { mediaType: 'text/plain', fileName: 'a.txt' });
  ctx.attach(Buffer.from([1, 2]), { mediaType: 'application/octet-stream' });
});
hostStep('Z05', 'the test step skips', (ctx) => ctx.skip('needs root'));
hostStep('Z07', 'the test step never ends within {uint} ms', () => new Promise<void>(() => undefined), { bound: (ms: number) => ms });
registry.define({
  id: 'Z08',
  keyword: 'Then',
  pattern: 'the test counter is {uint}',
  runsIn: 'process',
  summary: 'test',
  servo: () => undefined,
  host: (ctx, n: number) => assert.equal(ctx.state.require(COUNT), n),
});
registry.define({
  id: 'Z10',
  keyword: 'Given',
  pattern: "the '{role}' process arms a test crash",
  runsIn: 'process',
  summary: 'test',
  armsOwnDeath: 'its test handler crashes it',
  servo: () => undefined,
});
registry.define({ id: 'Z09', keyword: 'Given', pattern: 'the test fan-out forgets its servos', runsIn: 'host-all', summary: 'test', host: () => undefined, servo: () => undefined });

const logger = pino({ level: 'silent' });

/** A scenario of these texts (types: Given, then When, last Then), and a router for it. */
function scenario(texts: string[]): { run: ScenarioRun; router: Router; steps: ScenarioStep[] } {
  const list = texts.map((text, index) => ({ index, keyword: index === 0 ? 'Given' : 'And', type: (index === texts.length - 1 ? 2 : index === 0 ? 0 : 1) as 0 | 1 | 2, text }));
  const run = new ScenarioRun(1, 'Test 0.0 - host context', 'unit', new ScenarioSteps(list), logger);
  return { run, router: new Router(run), steps: list };
}

const attached: { data: string | Buffer; options: { mediaType: string; fileName?: string } }[] = [];
const attach: AttachFn = (data, options) => attached.push({ data, options });

/** What cucumber's invocation of step `index` does: begin it, match it, execute it. */
async function cucumberRuns(s: ReturnType<typeof scenario>, index: number): Promise<'consumed' | void> {
  const step = s.run.steps.begin(index);
  if (s.run.steps.consumedBy(index) !== undefined) return 'consumed';
  const m = registry.matchOne(step.text);
  return s.router.execute({ step, def: m.def, args: m.args, attach });
}

describe('harness host step context', () => {
  it('host steps share typed state; attachments go to the step; the step is described', async () => {
    const s = scenario(['the test counter starts at 3', 'the test step records its context', 'the test counter is 3']);
    attached.length = 0;
    for (let i = 0; i < 3; i++) await cucumberRuns(s, i);
    const ctx = seen.pop()!;
    assert.equal(ctx.step.text, 'the test step records its context');
    assert.equal(ctx.step.keyword, 'And');
    assert.equal(ctx.runId, s.run.runId);
    assert.equal(ctx.hostPid, process.pid);
    assert.deepEqual(attached, [
      { data: 'some text', options: { mediaType: 'text/plain', fileName: 'a.txt' } },
      { data: Buffer.from([1, 2]), options: { mediaType: 'application/octet-stream' } },
    ]);
    // a process step with nothing to inherit runs its host part (rule 8)
    s.run.state.set(COUNT, 4);
    await assert.rejects(cucumberRuns(s, 2), /4 !== 3/);
  });

  it('own() registers on the scenario: teardown disposes newest first and clears the state', async () => {
    const s = scenario(['the test step records its context']);
    await cucumberRuns(s, 0);
    const ctx = seen.pop()!;
    const closed: string[] = [];
    const a = ctx.own({ close: () => closed.push('a') }, 'a');
    ctx.own({ [Symbol.dispose]: () => closed.push('b') }, 'b');
    assert.equal(typeof a.close, 'function');
    ctx.state.set(COUNT, 1);
    const report = await s.run.teardown();
    assert.deepEqual(closed, ['b', 'a']);
    assert.deepEqual(report.problems, []);
    assert.equal(s.run.state.has(COUNT), false);
  });

  it('skip(reason) ends the step as skipped, not passed', async () => {
    const s = scenario(['the test step skips']);
    await assert.rejects(cucumberRuns(s, 0), (e: unknown) => e instanceof StepSkipped && e.reason === 'needs root');
  });

  it('a servo result: failure throws with the servo label; Context.Skipped becomes StepSkipped', () => {
    const servo = { label: "'reader' (pid 7)" } as ServoProcess;
    const logs = { Logs: [], Error: null };
    assert.doesNotThrow(() => settleServoResult(servo, { ...logs, Success: true, Context: { pid: 7 } }));
    assert.throws(() => settleServoResult(servo, { ...logs, Success: false, Error: 'frame sequence: expected 2, observed 1', Context: {} }), /^Error: \['reader' \(pid 7\)\] frame sequence/);
    assert.throws(
      () => settleServoResult(servo, { ...logs, Success: true, Context: { Skipped: 'not root' } }),
      (e: unknown) => e instanceof StepSkipped && e.reason === "['reader' (pid 7)] not root",
    );
  });

  it('a step that arms the death of its own process: the host declares it before delivering the step', async () => {
    const s = scenario(["the 'crasher' process arms a test crash"]);
    let reasonAtDelivery: string | null = 'not delivered';
    const crasher = {
      role: 'crasher',
      label: "'crasher' (pid 7)",
      pid: 7,
      exit: null,
      alive: true,
      endReason: null as string | null,
      expectEnd(reason: string) {
        this.endReason ??= reason;
      },
      async executeStep() {
        reasonAtDelivery = this.endReason;
        return { Success: true, Error: null, Context: {}, Logs: [] };
      },
    };
    const servo = crasher as unknown as ServoProcess;
    s.run.roles.set('crasher', [servo]);
    assert.throws(() => declaredDeath(servo), /no death of 'crasher' \(pid 7\) was declared/);
    await cucumberRuns(s, 0);
    assert.equal(reasonAtDelivery, 'its test handler crashes it');
    assert.equal(declaredDeath(servo).reason, 'its test handler crashes it');
    assert.throws(() => registry.define({ ...registry.byId('Z01')!, id: 'Z97', pattern: 'y', armsOwnDeath: 'x' }), /Z97: only a 'process' step can arm its own process's death/);
  });

  it('a fan-out step must deliver itself to the servos', async () => {
    const s = scenario(['the test fan-out forgets its servos']);
    await assert.rejects(cucumberRuns(s, 0), /fan-out step Z09 did not deliver the step to the servos/);
  });
});

describe('harness host step context: following steps', () => {
  it('remainingSteps lists the following steps with keyword, type and match', async () => {
    const s = scenario(['the test step records its context', 'the test counter is incremented', 'no such step', 'the test counter is 2']);
    await cucumberRuns(s, 0);
    const rest = seen.pop()!.remainingSteps();
    assert.deepEqual(
      rest.map((r) => [r.index, r.keyword, r.type, r.text, r.match?.def.id ?? null]),
      [
        [1, 'And', 1, 'the test counter is incremented', 'Z02'],
        [2, 'And', 1, 'no such step', null],
        [3, 'And', 2, 'the test counter is 2', 'Z08'],
      ],
    );
    assert.deepEqual(rest[2]!.match?.args, [2]);
  });

  it('a host step runs the next step itself and consumes it: cucumber then passes it as a no-op', async () => {
    const s = scenario(['the test counter starts at 10', 'the test step repeats the next step 3 times', 'the test counter is incremented', 'the test counter is 13']);
    assert.equal(await cucumberRuns(s, 0), undefined);
    assert.equal(await cucumberRuns(s, 1), undefined);
    assert.equal(s.run.state.get(COUNT), 13);
    assert.equal(await cucumberRuns(s, 2), 'consumed');
    assert.equal(s.run.steps.consumedBy(2), 'step 2 (`And the test step repeats the next step 3 times`)');
    await cucumberRuns(s, 3);
  });

  it('runStep refuses undefined steps and steps that are not after the running one', async () => {
    const s = scenario(['the test step records its context', 'no such step']);
    await cucumberRuns(s, 0);
    const ctx = seen.pop()!;
    await assert.rejects(ctx.runStep(ctx.remainingSteps()[0]!), /step 2 "no such step" is undefined or ambiguous/);
    await assert.rejects(ctx.runStep({ ...ctx.step, match: registry.matchOne(ctx.step.text) }), /can only run steps after itself/);
  });
});

describe('harness step limits', () => {
  it('a static bound: cucumber timeout bound + 15 s (≥ 60 s), host limit bound + 10 s', () => {
    const b01 = registry.byId('B01')!;
    assert.equal(stepLimitMs(b01, []), 15_000);
    assert.equal(cucumberTimeoutMs(b01), 60_000);
    assert.equal(describeTimeout(b01), '60 s');
    assert.equal(stepLimitMs({ ...b01, boundMs: undefined }, []), 55_000);
  });

  it('a run-time bound: computed from the arguments, cucumber timeout disabled', () => {
    const z07 = registry.byId('Z07')!;
    assert.equal(stepLimitMs(z07, [250]), 10_250);
    assert.equal(cucumberTimeoutMs(z07), -1);
    assert.equal(describeTimeout(z07), 'own bound + 10 s');
    assert.throws(() => stepLimitMs(z07, [NaN]), /Z07: its bound for these arguments is not a duration in ms: NaN/);
    assert.throws(() => registry.define({ ...z07, id: 'Z98', pattern: 'x', boundMs: 5 }), /either a static boundMs or a run-time bound/);
  });

  it('the host fails a host step that outlives bound(args) + 10 s', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const s = scenario(['the test step never ends within 500 ms']);
      const running = cucumberRuns(s, 0);
      let settled = false;
      const outcome = assert.rejects(
        running.finally(() => (settled = true)),
        /host step Z07 "the test step never ends within 500 ms" did not finish within 10500 ms/,
      );
      await new Promise((r) => setImmediate(r));
      mock.timers.tick(10_499);
      await new Promise((r) => setImmediate(r));
      assert.equal(settled, false, 'still running 1 ms before the limit');
      mock.timers.tick(1);
      await outcome;
    } finally {
      mock.timers.reset();
    }
  });
});
