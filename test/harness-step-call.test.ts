// Unit tests of "parse once" (harness/rpc/step-call.ts): the Parameters the host builds from its
// own match decode, in the servo, to the same definition and typed arguments — without matching
// the text again — and a text-only executeStep (another host) is still matched as before.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import '../steps/index';
import { registry } from '../harness/registry';
import { resolveStepCall, stepCallParameters } from '../harness/rpc/step-call';
import { repoRoot } from '../harness/paths';

/** What the servo receives: the Parameters object after JSON transport. */
function wire(text: string, role: string | null): unknown {
  const m = registry.matchOne(text);
  return JSON.parse(JSON.stringify(stepCallParameters(m.def, role, m.args)));
}

describe('harness parse once: executeStep.Parameters', () => {
  it('the host sends the step id, the role and the typed arguments', () => {
    assert.deepEqual(wire("the 'writer' process writes frame with size '1024' and sequence '1'", 'writer'), {
      StepId: 'B06',
      Role: 'writer',
      Args: ['writer', 1024, { $bigint: '1' }],
    });
    assert.deepEqual(wire('all processes are ready', null), { StepId: 'B02', Role: null, Args: [] });
  });

  it('the servo takes definition and arguments from Parameters, not from the text', () => {
    const p = wire("the 'reader' process should read 4 frames with sizes '100,1024,10240,1' in order", 'reader');
    // the text is not matched again: even a text that matches nothing resolves through the id
    const m = resolveStepCall('(text not matched again)', p, 'reader');
    assert.equal(m.def.id, 'B23');
    assert.deepEqual(m.args, ['reader', 4, [100, 1024, 10240, 1]]);
  });

  it('for every defined step of every feature file both servo paths agree (id path = text path)', () => {
    const dir = path.join(repoRoot(), 'features');
    let n = 0;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.feature'))) {
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        const s = /^\s*(?:Given|When|Then|And|But) (.*)$/.exec(line);
        if (s === null) continue;
        const text = s[1]!;
        // undefined steps (features still being implemented) are the registry test's business
        if (registry.match(text).length !== 1) continue;
        const byText = resolveStepCall(text, undefined, 'reader');
        const byId = resolveStepCall(text, wire(text, null), 'reader');
        assert.equal(byId.def, byText.def, text);
        assert.deepEqual(byId.args, byText.args, text);
        n++;
      }
    }
    assert.ok(n >= 80, `checked ${n} feature steps`);
  });

  it('text-only calls (no Parameters, empty Parameters or no StepId) are matched by text, in any key casing', () => {
    const text = "the 'writer' process writes frame with sequence '2'";
    for (const p of [undefined, null, {}, { Role: 'writer' }, [{}]]) {
      const m = resolveStepCall(text, p, 'writer');
      assert.equal(m.def.id, 'B10');
      assert.deepEqual(m.args, ['writer', 2n]);
    }
    assert.equal(resolveStepCall('(unmatched)', { stepid: 'B10', role: 'writer', args: ['writer', { $bigint: '2' }] }, 'writer').def.id, 'B10');
    assert.throws(() => resolveStepCall('no such step', {}, 'writer'), /undefined step/);
  });

  it('a call the servo cannot trust fails: unknown id, other role, wrong argument count, bad encoding', () => {
    assert.throws(() => resolveStepCall('x', { StepId: 'Z99', Args: [] }, 'reader'), /unknown step id "Z99"/);
    assert.throws(() => resolveStepCall('x', { StepId: 'B10', Role: 'writer', Args: ['writer', { $bigint: '2' }] }, 'reader'), /routed to role 'writer' but reached the servo of role 'reader'/);
    assert.throws(() => resolveStepCall('x', { StepId: 'B10', Role: null, Args: ['writer'] }, 'writer'), /takes 2 argument\(s\), the host sent 1/);
    assert.throws(() => resolveStepCall('x', { StepId: 'B10', Args: ['writer', { $bigint: 2 }] }, 'writer'), /malformed or unknown tag/);
  });
});
