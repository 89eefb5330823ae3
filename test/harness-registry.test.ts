// Unit tests of the harness step registry (harness.md "Step definitions", steps.md §2): every
// phrase defined once, matching through Cucumber Expressions with the parameter types of
// steps/parameters.ts, every step of features 01 and 02 matching exactly one definition, and the
// corpus quirks (B11's trailing ';', B23's unquoted count) matched verbatim.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import '../steps/index';
import { registry, type StepDefinition } from '../harness/registry';
import { repoRoot } from '../harness/paths';

const FEATURES_DIR = path.join(repoRoot(), 'features');

interface FeatureStep {
  file: string;
  line: number;
  text: string;
}

/** Steps of a feature file: lines starting with Given/When/Then/And/But after trimming. */
function featureSteps(file: string): FeatureStep[] {
  const out: FeatureStep[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const m = /^(Given|When|Then|And|But) (.*)$/.exec(raw.trim());
      if (m !== null) out.push({ file: path.basename(file), line: i + 1, text: m[2]! });
    });
  return out;
}

function featureFiles(prefixes: string[]): string[] {
  return fs
    .readdirSync(FEATURES_DIR)
    .filter((f) => f.endsWith('.feature') && prefixes.some((p) => f.startsWith(p)))
    .sort()
    .map((f) => path.join(FEATURES_DIR, f));
}

/** Sample values for each parameter type, and what the transform must produce. */
const SAMPLES: Record<string, { text: string; value: unknown }> = {
  role: { text: 'reader', value: 'reader' },
  name: { text: 'test-basic', value: 'test-basic' },
  text: { text: 'hello, world', value: 'hello, world' },
  uint: { text: '1024', value: 1024 },
  count: { text: '4', value: 4 },
  u64: { text: '18446744073709551615', value: 18446744073709551615n },
  seconds: { text: '2.5', value: 2.5 },
  sizes: { text: '100,1024,1', value: [100, 1024, 1] },
  pct: { text: '90%', value: 90 },
};

/** A step text for a pattern: each `{type}` replaced by a sample, `\x` escapes unescaped. */
function sampleText(pattern: string): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  let text = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      text += pattern[++i] ?? '';
    } else if (c === '{') {
      const end = pattern.indexOf('}', i);
      const type = pattern.slice(i + 1, end);
      const s = SAMPLES[type];
      if (s === undefined) throw new Error(`pattern ${pattern} uses a parameter type {${type}} without a sample in this test`);
      text += s.text;
      values.push(s.value);
      i = end;
    } else if (c === '(' || c === '/') {
      throw new Error(`pattern ${JSON.stringify(pattern)} contains an unescaped ${c} (optional text / alternation): steps.md §2 requires it escaped`);
    } else {
      text += c;
    }
  }
  return { text, values };
}

describe('harness registry: definitions', () => {
  const defs = registry.all();

  it('every phrase is registered once (unique patterns, unique ids) and compiles', () => {
    assert.ok(defs.length >= 40, `expected the phrases of features 01 and 02, found ${defs.length}`);
    const patterns = defs.map((d) => d.pattern);
    const dupPatterns = patterns.filter((p, i) => patterns.indexOf(p) !== i);
    assert.deepEqual(dupPatterns, [], 'patterns defined more than once');
    const ids = defs.map((d) => d.id);
    assert.deepEqual(ids.filter((x, i) => ids.indexOf(x) !== i), [], 'ids defined more than once');
    for (const d of defs) {
      // steps.md ids (a letter and two digits), or the harness's own model-based phrases (MB, steps/90-model)
      assert.match(d.id, /^(?:[A-Z]|MB)\d{2}$/, `id of ${d.pattern}`);
      assert.equal(d.parameterCount, (d.pattern.replace(/\\[{}]/g, '').match(/\{[a-z0-9]+\}/g) ?? []).length, `parameter count of ${d.id}`);
    }
  });

  it('redefining a phrase or a parameter type is refused', () => {
    const b03 = registry.byId('B03')!;
    assert.throws(() => registry.define({ ...b03, id: 'Z99' }), /step phrase defined twice/);
    assert.throws(() => registry.define({ ...b03, pattern: b03.pattern + ' again' }), /step id defined twice: B03/);
    assert.throws(() => registry.defineParameterType({ name: 'role', regexp: /x/, transform: (s) => s, description: '' }), /defined twice/);
    assert.equal(registry.byId('Z99'), undefined);
    assert.equal(registry.all().length, defs.length);
  });

  it('a lookup by id compiles that definition only (a servo compiles just the steps it serves)', () => {
    // in a fresh process: this file's registry has compiled everything already
    const program = [
      `require(${JSON.stringify(path.join(__dirname, '..', 'steps', 'index.js'))});`,
      `const { registry } = require(${JSON.stringify(path.join(__dirname, '..', 'harness', 'registry.js'))});`,
      'const n = [registry.compiledExpressions];',
      'registry.prepare(); n.push(registry.compiledExpressions);',
      "const b03 = registry.byId('B03'); n.push(registry.compiledExpressions);",
      "registry.byId('B03'); n.push(registry.compiledExpressions);",
      'registry.all(); n.push(registry.compiledExpressions);',
      'process.stdout.write(JSON.stringify({ n, b03: b03.parameterCount }));',
    ].join('\n');
    const r = JSON.parse(execFileSync(process.execPath, ['-e', program], { encoding: 'utf8' })) as { n: number[]; b03: number };
    assert.notEqual(defs[0]!.id, 'B03');
    assert.deepEqual(r.n, [0, 1, 2, 2, defs.length]);
    assert.equal(r.b03, registry.byId('B03')!.parameterCount);
    assert.ok(r.b03 > 0);
  });

  it('each definition records its location in steps/<feature>/<file> (for --format usage)', () => {
    for (const d of defs) {
      assert.match(d.location.uri, /[\\/]steps[\\/][a-z0-9-]+[\\/][a-z-]+\.(js|ts)$/, `${d.id} location ${d.location.uri}`);
      assert.ok(d.location.line > 0, `${d.id} line`);
    }
  });

  it('the parameter types of steps/parameters.ts are all registered', () => {
    const names = registry.parameterTypes().map((p) => p.name).sort();
    assert.deepEqual(names, Object.keys(SAMPLES).sort());
  });

  it('a sample text of every pattern matches that definition and no other, with transformed arguments', () => {
    for (const d of defs) {
      const { text, values } = sampleText(d.pattern);
      const m = registry.match(text);
      assert.deepEqual(
        m.map((x) => x.def.id),
        [d.id],
        `sample ${JSON.stringify(text)} of ${d.id}`,
      );
      assert.deepEqual(m[0]!.args, values, `arguments of ${d.id}`);
    }
  });
});

describe('harness registry: feature steps', () => {
  const files = featureFiles(['01-', '02-']);

  it('features 01 and 02 are present and have steps', () => {
    assert.deepEqual(files.map((f) => path.basename(f)), ['01-basic-communication.feature', '02-process-lifecycle.feature']);
    for (const f of files) assert.ok(featureSteps(f).length > 5, `${f} has steps`);
  });

  it('every step of features 01 and 02 matches exactly one definition', () => {
    const problems: string[] = [];
    let n = 0;
    for (const f of files) {
      for (const s of featureSteps(f)) {
        n++;
        const m = registry.match(s.text);
        if (m.length !== 1) problems.push(`${s.file}:${s.line} "${s.text}" → ${m.length === 0 ? 'undefined' : `ambiguous: ${m.map((x) => x.def.id).join(', ')}`}`);
      }
    }
    assert.ok(n >= 80, `parsed ${n} steps`);
    assert.deepEqual(problems, []);
  });

  it('corpus steps resolve to the documented ids and arguments', () => {
    const cases: [string, string, unknown[]][] = [
      ["the 'reader' process creates buffer 'test-basic' with metadata size '1024' and payload size '10240'", 'B03', ['reader', 'test-basic', 1024, 10240]],
      ["the 'writer' process writes frame with size '1024' and sequence '1'", 'B06', ['writer', 1024, 1n]],
      ["the 'writer' process writes frame with size '100'", 'B22', ['writer', 100]],
      ["the 'writer' process writes frame with sequence '2'", 'B10', ['writer', 2n]],
      ["the 'reader' process should read frame with sequence '1';", 'B11', ['reader', 1n]],
      ["the 'reader' process should read frame with sequence '1'", 'L07', ['reader', 1n]],
      ["the 'reader' process should read frame with sequence '1' and size '1024'", 'B07', ['reader', 1n, 1024]],
      ["the 'reader' process should read 4 frames with sizes '100,1024,10240,1' in order", 'B23', ['reader', 4, [100, 1024, 10240, 1]]],
      ["the 'writer' process writes frame with data 'alive'", 'L02', ['writer', 'alive']],
      ["wait for '2' seconds", 'L05', [2]],
      ["a new 'reader' process attempts to create buffer 'test-reader-replace' with metadata size '1024' and payload size '10240'", 'L11', ['reader', 'test-reader-replace', 1024, 10240]],
      ["a second 'writer' process attempts to connect to buffer 'test-multi-writer'", 'L16', ['writer', 'test-multi-writer']],
    ];
    for (const [text, id, args] of cases) {
      const m = registry.matchOne(text);
      assert.equal(m.def.id, id, text);
      assert.deepEqual(m.args, args, text);
    }
  });

  it('near misses: without B11\'s trailing ";" the step is L07; a quoted count of B23 matches nothing', () => {
    assert.deepEqual(registry.match("the 'reader' process should read frame with sequence '1'").map((x) => x.def.id), ['L07']);
    assert.deepEqual(registry.match("the 'reader' process should read frame with sequence '1';").map((x) => x.def.id), ['B11']);
    assert.deepEqual(registry.match("the 'reader' process should read '4' frames with sizes '100,1024,10240,1' in order"), []);
    for (const miss of [
      "the 'reader' process should read frame with sequence '1';;",
      "the 'reader' process should read frame with sequence '1' ;",
      "the 'reader' process should validate frame data ",
      "the \"reader\" process should validate frame data",
      "the 'reader' process should read 4 frames with sizes '100, 1024' in order",
      "the 'writer' process writes frame with size '-1'",
      "the 'writer' process writes frame with size '1.5'",
      "wait for '2' second",
      "wait for '.5' seconds",
      'The test environment is initialized',
    ]) {
      assert.deepEqual(registry.match(miss).map((x) => x.def.id), [], miss);
    }
    assert.throws(() => registry.matchOne("the 'reader' process should read '4' frames with sizes '1' in order"), /undefined step/);
  });

  it('u64 accepts 2^64 − 1 as a bigint and refuses 2^64; uint refuses values beyond 2^53', () => {
    assert.deepEqual(registry.matchOne("the 'writer' process writes frame with sequence '18446744073709551615'").args, ['writer', 2n ** 64n - 1n]);
    assert.throws(() => registry.match("the 'writer' process writes frame with sequence '18446744073709551616'"), /exceeds 2\^64/);
    assert.throws(() => registry.match("the 'writer' process writes frame with size '9007199254740993'"), /within 2\^53/);
  });
});
