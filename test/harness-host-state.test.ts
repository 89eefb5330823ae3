// Unit tests of the host's per-scenario state (harness/host/state.ts) and of the library objects
// the host owns (harness/host/resources.ts): typed keys, require's failure, clearing; disposal in
// reverse order through close() / Symbol.dispose / Symbol.asyncDispose, with every error reported.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import '../src/dispose';
import { ScenarioState, stateKey } from '../harness/host/state';
import { HostResources } from '../harness/host/resources';
import { StepFailure } from '../harness/assert';

const BASELINE = stateKey<{ fds: number }>('fdsBaseline');
const COUNT = stateKey<number>('count');

describe('harness host state', () => {
  it('get / set / has / delete by typed key; equal names address the same value', () => {
    const s = new ScenarioState();
    assert.equal(s.get(COUNT), undefined);
    assert.equal(s.has(COUNT), false);
    s.set(COUNT, 3);
    s.set(BASELINE, { fds: 12 });
    assert.equal(s.get(COUNT), 3);
    assert.equal(s.get(stateKey<number>('count')), 3);
    assert.deepEqual(s.require(BASELINE), { fds: 12 });
    assert.equal(s.delete(COUNT), true);
    assert.equal(s.has(COUNT), false);
  });

  it('require fails as a step failure naming the key (and why it should be set)', () => {
    const s = new ScenarioState();
    assert.throws(() => s.require(BASELINE), (e: unknown) => e instanceof StepFailure && /host state 'fdsBaseline' is not set$/.test(e.message));
    assert.throws(() => s.require(BASELINE, "set by 'perform N iterations of:'"), /is not set \(set by 'perform N iterations of:'\)/);
    // a stored undefined is set
    s.set(stateKey<undefined>('nothing'), undefined);
    assert.equal(s.require(stateKey<undefined>('nothing')), undefined);
  });

  it('clear() empties the store (teardown: nothing reaches the next scenario)', () => {
    const s = new ScenarioState();
    s.set(COUNT, 1);
    s.clear();
    assert.equal(s.has(COUNT), false);
  });
});

describe('harness host resources', () => {
  it('disposes newest first, through asyncDispose, dispose or close, awaiting each', async () => {
    const order: string[] = [];
    const r = new HostResources();
    r.own({ close: () => order.push('close') }, 'a');
    r.own({ [Symbol.dispose]: () => order.push('dispose') }, 'b');
    r.own(
      {
        [Symbol.asyncDispose]: async () => {
          await new Promise((res) => setTimeout(res, 5));
          order.push('asyncDispose');
        },
        close: () => order.push('not this one'),
      },
      'c',
    );
    r.own({ close: async () => order.push('async close') }, 'd');
    assert.equal(r.size, 4);
    assert.deepEqual(await r.disposeAll(), []);
    assert.deepEqual(order, ['async close', 'asyncDispose', 'dispose', 'close']);
    assert.equal(r.size, 0);
    assert.deepEqual(await r.disposeAll(), [], 'a second teardown has nothing left to dispose');
  });

  it('own() returns the object and refuses what cannot be disposed', () => {
    const r = new HostResources();
    const obj = { close() {} };
    assert.equal(r.own(obj, 'x'), obj);
    assert.throws(() => r.own({} as never, 'nothing'), /host resource nothing has neither close\(\) nor/);
  });

  it('a failing disposal is reported and does not stop the others', async () => {
    const closed: string[] = [];
    const r = new HostResources();
    r.own({ close: () => closed.push('first') }, 'first');
    r.own(
      {
        close: () => {
          throw new RangeError('boom');
        },
      },
      'reader R',
    );
    r.own({ [Symbol.asyncDispose]: () => Promise.reject(new Error('async boom')) }, 'mapping M');
    const errors = await r.disposeAll();
    assert.deepEqual(errors, ['disposing host resource mapping M failed: Error: async boom', 'disposing host resource reader R failed: RangeError: boom']);
    assert.deepEqual(closed, ['first']);
  });
});
