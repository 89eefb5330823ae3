// Unit tests of the host's view of a scenario's steps (harness/host/steps.ts): keywords as written
// (from the Gherkin document, Background and Rule included), resolved types, DataTables, the
// cursor, the steps after it, and consumed steps.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { ScenarioSteps, rowsFromCells, type GherkinDocumentLike, type PickleLike } from '../harness/host/steps';

const doc: GherkinDocumentLike = {
  feature: {
    children: [
      { background: { steps: [{ id: 'bg1', keyword: 'Given ' }, { id: 'bg2', keyword: 'And ' }] } },
      {
        rule: {
          children: [
            {
              scenario: {
                steps: [
                  { id: 's1', keyword: '* ' },
                  { id: 's2', keyword: 'When ' },
                  { id: 's3', keyword: 'And ' },
                  { id: 's4', keyword: 'Then ' },
                  { id: 's5', keyword: 'But ' },
                ],
              },
            },
          ],
        },
      },
    ],
  },
};

function pickleStep(id: string, text: string, type: string, table?: string[][]) {
  return {
    id: `p-${id}`,
    text,
    type,
    astNodeIds: [id],
    ...(table !== undefined ? { argument: { dataTable: { rows: table.map((r) => ({ cells: r.map((value) => ({ value })) })) } } } : {}),
  };
}

const pickle: PickleLike = {
  steps: [
    pickleStep('bg1', 'the test environment is initialized', 'Context'),
    pickleStep('bg2', 'all processes are ready', 'Context'),
    pickleStep('s1', "perform '3' iterations of:", 'Unknown'),
    pickleStep('s2', "the 'writer' process writes frame with size '100'", 'Action'),
    pickleStep('s3', "the 'reader' process reads one frame", 'Action'),
    pickleStep('s4', 'results are recorded', 'Outcome', [[' size ', 'count'], [' 1 KB', '3 ']]),
    pickleStep('s5', 'nothing else happened', 'Outcome'),
  ],
};

describe('harness scenario steps', () => {
  const steps = ScenarioSteps.fromPickle(pickle, doc);

  it('keywords come from the Gherkin document (Background, Rule, *), types are resolved', () => {
    assert.deepEqual(
      steps.list.map((s) => [s.index, s.keyword, s.type]),
      [
        [0, 'Given', 0],
        [1, 'And', 0],
        // '*' has no type of its own: it keeps the previous one
        [2, '*', 0],
        [3, 'When', 1],
        [4, 'And', 1],
        [5, 'Then', 2],
        [6, 'But', 2],
      ],
    );
    assert.deepEqual(steps.texts()[3], "the 'writer' process writes frame with size '100'");
  });

  it('a first step without a type is a Given; a step missing from the document is "*"', () => {
    const s = ScenarioSteps.fromPickle({ steps: [pickleStep('x', 'a', 'Unknown'), pickleStep('y', 'b', 'Outcome')] }, {});
    assert.deepEqual(
      s.list.map((x) => [x.keyword, x.type]),
      [
        ['*', 0],
        ['*', 2],
      ],
    );
  });

  it('DataTables become trimmed row objects keyed by the header', () => {
    assert.deepEqual(steps.list[5]!.table, [{ size: '1 KB', count: '3' }]);
    assert.equal(steps.list[4]!.table, undefined);
    assert.deepEqual(rowsFromCells([]), []);
    assert.deepEqual(rowsFromCells([['a', 'b'], ['1']]), [{ a: '1', b: '' }]);
  });

  it('the cursor follows cucumber; after() lists the following steps', () => {
    const s = ScenarioSteps.fromPickle(pickle, doc);
    const before = s.current;
    assert.equal(before, undefined, 'no step before cucumber starts one');
    assert.equal(s.after().length, 7);
    assert.equal(s.begin(2).text, "perform '3' iterations of:");
    assert.equal(s.current?.index, 2);
    assert.deepEqual(
      s.after().map((x) => x.index),
      [3, 4, 5, 6],
    );
    assert.deepEqual(
      s.after(5).map((x) => x.index),
      [6],
    );
    assert.throws(() => s.begin(7), /outside the scenario/);
  });

  it('a host step consumes following steps once; cucumber then learns who executed them', () => {
    const s = ScenarioSteps.fromPickle(pickle, doc);
    const by = s.begin(2);
    s.consume(s.list[3]!, by);
    s.consume(s.list[4]!, by);
    assert.equal(s.consumedBy(3), "step 3 (`* perform '3' iterations of:`)");
    assert.equal(s.consumedBy(4), s.consumedBy(3));
    assert.equal(s.consumedBy(5), undefined);
    assert.throws(() => s.consume(s.list[3]!, by), /step 4 was already executed by step 3/);
    assert.throws(() => s.consume(s.list[1]!, by), /only consume steps after itself/);
    assert.throws(() => s.consume(by, by), /only consume steps after itself/);
  });
});

it('append: a program built step by step gets indexes in order and types from its keywords', () => {
  const steps = new ScenarioSteps([]);
  const a = steps.append('Given', 'first');
  const b = steps.append('And', 'second');
  const c = steps.append('Then', 'third', [{ field: 'x' }]);
  assert.deepEqual([a.index, b.index, c.index], [0, 1, 2]);
  assert.deepEqual([a.type, b.type, c.type], [0, 0, 2]);
  assert.deepEqual(steps.texts(), ['first', 'second', 'third']);
  assert.deepEqual(c.table, [{ field: 'x' }]);
  assert.equal(steps.begin(1).text, 'second');
  assert.deepEqual(steps.after().map((s) => s.text), ['third']);
});
