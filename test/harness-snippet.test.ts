// The snippet of an undefined step (harness/tools/snippet*.ts, phrase-distance.ts): closest
// phrases, the phrase in this project's style, its folder and id, and the rendered block.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { closestPhrases, comparablePattern, comparableText, editDistance } from '../harness/tools/phrase-distance';
import { patternFromExpression, patternFromText } from '../harness/tools/snippet-pattern';
import { findStepUses, folderForFeature, folderOf, nextId, placeFor, type PhraseRef } from '../harness/tools/snippet-place';
import { buildSnippet } from '../harness/tools/snippet';

const PHRASES: PhraseRef[] = [
  { id: 'B01', pattern: 'the test environment is initialized', file: 'steps/common/environment.ts', line: 8 },
  { id: 'B03', pattern: "the '{role}' process creates buffer '{name}' with metadata size '{uint}' and payload size '{uint}'", file: 'steps/common/buffers.ts', line: 15 },
  { id: 'B06', pattern: "the '{role}' process writes frame with size '{uint}' and sequence '{u64}'", file: 'steps/01-basic/frames.ts', line: 24 },
  { id: 'B10', pattern: "the '{role}' process writes frame with sequence '{u64}'", file: 'steps/01-basic/frames.ts', line: 82 },
  { id: 'B22', pattern: "the '{role}' process writes frame with size '{uint}'", file: 'steps/01-basic/sizes-and-loops.ts', line: 10 },
  { id: 'B23', pattern: "the '{role}' process should read {count} frames with sizes '{sizes}' in order", file: 'steps/01-basic/sizes-and-loops.ts', line: 40 },
  { id: 'L05', pattern: "wait for '{seconds}' seconds", file: 'steps/02-lifecycle/processes.ts', line: 59 },
  { id: 'L17', pattern: 'the connection should fail with writer exists error', file: 'steps/02-lifecycle/processes.ts', line: 130 },
  { id: 'X06', pattern: "the '{role}' process creates buffer '{name}' with default config", file: 'steps/04-edge-cases/buffers.ts', line: 9 },
  { id: 'X53', pattern: 'both readers should report the same instant', file: 'steps/04-edge-cases/race.ts', line: 99 },
];

const TYPO = "the 'writer' process writes frame with sise '1024' and sequence '1'";
// what cucumber generates from TYPO with its snippet parameter types
const TYPO_EXPRESSION = 'the {string} process writes frame with sise {string} and sequence {string}';
const FEATURE = {
  uri: 'features/01-basic-communication.feature',
  text: ['Feature: x', '  Scenario: Test 1.1 - y', "    Given the 'reader' process creates buffer 'b' with metadata size '1' and payload size '2'", `    And ${TYPO}`, ''].join('\n'),
};

describe('phrase distance (did you mean)', () => {
  it('edit distance counts insertions, deletions and substitutions', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('size', 'sise'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('abc', ''), 3);
  });

  it('renders quoted values, placeholders and unquoted integers alike, without escapes', () => {
    assert.equal(comparableText("the 'reader' process should read 4 frames with sizes '1,2' in order"), "the '…' process should read … frames with sizes '…' in order");
    assert.equal(comparablePattern("the '{role}' process should read {count} frames with sizes '{sizes}' in order"), "the '…' process should read … frames with sizes '…' in order");
    assert.equal(comparablePattern('a \\(b\\) {string} {int}'), "a (b) '…' …");
    assert.equal(comparableText('writer-2 wrote 10.5 kB'), 'writer-2 wrote 10.5 kB');
  });

  it('ranks the closest phrases first, ties in registry order', () => {
    assert.deepEqual(
      closestPhrases(comparableText(TYPO), PHRASES, 3).map((p) => p.id),
      ['B06', 'B10', 'B22'],
    );
    assert.deepEqual(
      closestPhrases(comparableText('wait for 2 seconds'), PHRASES, 1).map((p) => p.id),
      ['L05'],
    );
    const tie = [{ pattern: 'ab', id: 1 }, { pattern: 'ba', id: 2 }];
    assert.deepEqual(closestPhrases('aa', tie, 2).map((p) => p.id), [1, 2]);
  });
});

describe('snippet pattern in the project style', () => {
  it('names quoted placeholders by position and content; the quotes stay literal', () => {
    const p = patternFromText("the 'reader' process creates buffer 'test-x' with metadata size '1024' and label 'abc'");
    assert.equal(p.pattern, "the '{role}' process creates buffer '{name}' with metadata size '{uint}' and label '{text}'");
    assert.deepEqual(
      p.parameters.map((x) => `${x.name}: ${x.tsType}`),
      ['_role: string', 'name: string', 'uint: number', 'text: string'],
    );
  });

  it('numbers repeated types, makes unquoted integers {count} and escapes expression syntax', () => {
    const p = patternFromText("a second 'writer' process reads 4 frames (of '10' and '20') in a/b {x}");
    assert.equal(p.pattern, "a second '{role}' process reads {count} frames \\(of '{uint}' and '{uint}'\\) in a\\/b \\{x\\}");
    assert.deepEqual(
      p.parameters.map((x) => x.name),
      ['_role', 'count', 'uint', 'uint2'],
    );
  });

  it('without the step text, converts cucumber\'s generated expression', () => {
    const p = patternFromExpression('the {string} process waits {int} times on buffer {string} for {float} s, {string}');
    assert.equal(p.pattern, "the '{role}' process waits {count} times on buffer '{name}' for {float} s, '{text}'");
    assert.deepEqual(
      p.parameters.map((x) => `${x.name}: ${x.tsType}`),
      ['_role: string', 'count: number', 'name: string', 'float: number', 'text: string'],
    );
  });
});

describe('snippet placement', () => {
  it('finds the step lines the generated expression matches, with their line numbers', () => {
    assert.deepEqual(findStepUses(TYPO_EXPRESSION, [FEATURE]), [{ uri: FEATURE.uri, line: 4, text: TYPO }]);
    assert.deepEqual(findStepUses('{unknown type}', [FEATURE]), []);
  });

  it('maps files to folders and features to the folder of their number', () => {
    assert.equal(folderOf('steps/01-basic/frames.ts'), 'steps/01-basic/');
    assert.equal(folderOf('steps/support/hooks.ts'), null);
    assert.equal(folderOf('steps/index.ts'), null);
    const existing = ['steps/common/', 'steps/01-basic/', 'steps/04-edge-cases/'];
    assert.equal(folderForFeature('features/01-basic-communication.feature', existing), 'steps/01-basic/');
    assert.equal(folderForFeature('features/04-edge-cases.feature', existing), 'steps/04-edge-cases/');
    assert.equal(folderForFeature('features/03-error-handling.feature', existing), 'steps/03-error-handling/');
    assert.equal(folderForFeature('/tmp/scratch.feature', existing), 'steps/scratch/');
  });

  it('places a step used by one feature in its folder, by several in steps/common/', () => {
    const use = (uri: string, line: number) => ({ uri, line, text: TYPO });
    assert.deepEqual(placeFor([use('features/01-a.feature', 4)], PHRASES), {
      folder: 'steps/01-basic/',
      why: 'the folder of the feature using it (features/01-a.feature:4)',
    });
    assert.equal(placeFor([use('features/03-error-handling.feature', 7)], PHRASES).why, 'a new folder of the feature using it (features/03-error-handling.feature:7)');
    assert.equal(placeFor([use('features/01-a.feature', 4), use('features/02-b.feature', 9)], PHRASES).folder, 'steps/common/');
    assert.equal(placeFor([], PHRASES).folder, null);
  });

  it('proposes the next id after the highest of the folder prefix, across all folders', () => {
    assert.equal(nextId('steps/01-basic/', PHRASES), 'B24');
    // common/ holds B ids too: the next B id is free in every folder
    assert.equal(nextId('steps/common/', PHRASES), 'B24');
    assert.equal(nextId('steps/02-lifecycle/', PHRASES), 'L18');
    assert.equal(nextId('steps/04-edge-cases/', PHRASES), 'X54');
    assert.equal(nextId('steps/03-error-handling/', PHRASES), '??');
    assert.equal(nextId(null, PHRASES), '??');
    assert.equal(nextId('steps/09-x/', [{ id: 'Z099', pattern: 'p', file: 'steps/09-x/a.ts', line: 1 }]), 'Z100');
  });
});

describe('buildSnippet', () => {
  const snippet = buildSnippet({ keyword: 'When', expression: TYPO_EXPRESSION, stepParameterNames: [], features: [FEATURE], phrases: PHRASES });

  it('lists the 3 closest phrases with id and location, then where a new one goes', () => {
    const lines = snippet.split('\n');
    assert.equal(lines[0], '// Did you mean one of these defined phrases (closest first)?');
    assert.equal(lines[1], "//   B06  the '{role}' process writes frame with size '{uint}' and sequence '{u64}'  (steps/01-basic/frames.ts:24)");
    assert.match(lines[2]!, /^\/\/ {3}B10 /);
    assert.match(lines[3]!, /^\/\/ {3}B22 /);
    assert.match(snippet, /it goes in steps\/01-basic\/ — the folder of the feature using it\n\/\/ \(features\/01-basic-communication\.feature:4\)/);
    assert.match(snippet, /steps\/index\.ts; then run `npm run steps:catalogue` and `npm run steps:check`\./);
    for (const l of lines.filter((x) => x.startsWith('// ') && !x.startsWith('//   '))) assert.ok(l.length <= 100, l);
  });

  it('is a defineStep block in the project style that fails until implemented', () => {
    const block = snippet.slice(snippet.indexOf('defineStep({'));
    assert.equal(
      block,
      [
        'defineStep({',
        "  id: 'B24',",
        "  keyword: 'When',",
        `  pattern: "the '{role}' process writes frame with sise '{uint}' and sequence '{uint}'",`,
        "  runsIn: 'process', // or 'host', 'host-all', 'host-multi', 'host-role' (harness/registry.ts)",
        "  summary: 'TODO: the required semantics in one line',",
        '  servo: async (ctx, _role: string, uint: number, uint2: number) => {',
        '    // TODO: do the work in ctx (harness/servo/context.ts) and check it (harness/assert.ts)',
        "    throw new Error('B24: not implemented yet');",
        '  },',
        '});',
      ].join('\n'),
    );
  });

  it('passes a DataTable as rows, warns about a DocString, and falls back to the expression', () => {
    const withTable = buildSnippet({ keyword: 'Given', expression: 'a table step', stepParameterNames: ['dataTable'], features: [], phrases: PHRASES });
    assert.match(withTable, /table: true,/);
    assert.match(withTable, /servo: async \(ctx, rows: TableRows\) =>/);
    assert.match(withTable, /id: '\?\?'/);
    assert.match(withTable, /the steps\/<feature>\/ folder of the feature using it — no step\n\/\/ line of the feature files/);
    const withDoc = buildSnippet({ keyword: 'Then', expression: 'the {string} process reads {int} frames', stepParameterNames: ['docString'], features: [], phrases: PHRASES });
    assert.match(withDoc, /\n\/\/ The harness passes no DocString to a step: use a DataTable instead\.\n/);
    assert.match(withDoc, /pattern: "the '\{role\}' process reads \{count\} frames"/);
    const none = buildSnippet({ keyword: 'Then', expression: 'x', stepParameterNames: [], features: [], phrases: [] });
    assert.doesNotMatch(none, /Did you mean/);
  });
});
