// Unit tests of the routing rule table (harness/routing/rules.ts, steps.md §1.2, rules applied in
// order): routeStep / routeText, the role discovery and the replacement check, with step texts
// from steps.md.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import '../steps/index';
import { TEXT_RULES, replacesRole, rolesNamedIn, routeStep, routeText } from '../harness/routing/rules';
import { registry, type RunsIn } from '../harness/registry';

const proc = { runsIn: 'process' as RunsIn };

function label(def: { runsIn: RunsIn }, text: string): string {
  return routeStep(def, text).label;
}

/** The registered definition of a step text (exactly one must match). */
function defOf(text: string) {
  return registry.matchOne(text).def;
}

describe('harness routing: the rule table', () => {
  it('rule 1: host, fan-out, host multi and host → role steps run on the host whatever their text starts with', () => {
    assert.equal(label(defOf("wait for '2' seconds"), "wait for '2' seconds"), 'rule 1 (host)');
    assert.equal(label(defOf('we run in harmony'), 'we run in harmony'), 'rule 1 (host)');
    assert.equal(label(defOf('the test environment is initialized'), 'the test environment is initialized'), 'rule 1 (host-all)');
    assert.equal(label(defOf('all processes are ready'), 'all processes are ready'), 'rule 1 (host-all)');
    // starts with "the '<role>' process" but is a host → role step (L04, L09)
    assert.equal(label(defOf("the 'writer' process is killed"), "the 'writer' process is killed"), 'rule 1 (host-role)');
    assert.equal(label(defOf("the 'reader' process crashes"), "the 'reader' process crashes"), 'rule 1 (host-role)');
    // rule 6: `two '<role>' processes` and its follow-ups are host multi-process steps (X49–X52)
    for (const t of ["two 'reader' processes", "both simultaneously attempt to create buffer 'test-race'", 'only one should succeed', 'other should receive appropriate error']) {
      assert.equal(label({ runsIn: 'host-multi' }, t), 'rule 1 (host-multi)', t);
    }
    // host → role, text starting like rule 2 (Q13 "kill reader process" and L04 style)
    assert.equal(label({ runsIn: 'host-role' }, "the 'server' process is killed"), 'rule 1 (host-role)');
  });

  it("rule 2: `the '<role>' process …` runs in the role's current process", () => {
    for (const t of [
      "the 'reader' process creates buffer 'test-basic' with metadata size '1024' and payload size '10240'",
      "the 'writer' process connects to buffer 'test-basic'",
      "the 'reader' process should read frame with sequence '1';",
      "the 'writer' process detects reader death and reconnects to buffer 'test-reader-replace'",
    ]) {
      assert.equal(label(defOf(t), t), 'rule 2 (the role process)', t);
    }
    assert.equal(label(proc, "the 'server' process starts"), 'rule 2 (the role process)');
  });

  it("rule 3: `a new '<role>' process …` replaces the role's process", () => {
    const t = "a new 'reader' process attempts to create buffer 'test-reader-replace' with metadata size '1024' and payload size '10240'";
    assert.equal(label(defOf(t), t), 'rule 3 (new role process)');
    assert.equal(label(proc, "a new 'server' process creates immutable duplex channel 'dup'"), 'rule 3 (new role process)');
  });

  it("rule 4: `a second '<role>' process …` starts an additional process", () => {
    const t = "a second 'writer' process attempts to connect to buffer 'test-multi-writer'";
    assert.equal(label(defOf(t), t), 'rule 4 (second role process)');
    assert.equal(label(proc, "a second 'reader' process attempts to connect to buffer 'x'"), 'rule 4 (second role process)');
  });

  it("rule 5: `a '<role>' process …` runs in the role's process (started on demand)", () => {
    assert.equal(label(proc, "a 'writer' process attempts to connect to non-existent buffer 'missing'"), 'rule 5 (a role process)');
    assert.equal(label(proc, "a 'probe' process checks something"), 'rule 5 (a role process)');
  });

  it('rule 7: the fixed override `another writer attempts to connect without permissions` → writer', () => {
    const t = 'another writer attempts to connect without permissions';
    assert.equal(label(proc, t), 'rule 7 (fixed override)');
    assert.deepEqual(routeText(t), { rule: 'override', number: 7, role: 'writer', label: 'rule 7 (fixed override)' });
    // only the exact text
    assert.equal(label(proc, t + ' again'), 'rule 8 (inherit)');
    assert.equal(label(proc, 'Another writer attempts to connect without permissions'), 'rule 8 (inherit)');
  });

  it('rule 8: any other step inherits the most recently targeted process', () => {
    for (const t of [
      'the new reader should detect stale resources',
      'the new reader should clean up stale resources',
      'the new reader should create fresh buffer successfully',
      'the connection should fail with writer exists error',
      'no sequence errors should have occurred',
    ]) {
      assert.equal(label(defOf(t), t), 'rule 8 (inherit)', t);
    }
    assert.equal(label(proc, 'buffer should be completely full'), 'rule 8 (inherit)');
  });

  it("a process phrase later in the sentence does not route the step (rules are anchored at the start)", () => {
    for (const t of [
      "verify that the 'reader' process is alive",
      "wait until the 'writer' process has written '3' frames",
      "data written by a new 'reader' process should be visible",
      "frames of a second 'writer' process are rejected",
      "then a 'probe' process attempts something",
      "no frames lost while the 'reader' process restarts",
    ]) {
      assert.equal(label(proc, t), 'rule 8 (inherit)', t);
    }
    // also not a match: plural "processes", and a role that is not quoted
    assert.equal(label(proc, "the 'reader' processes are ready"), 'rule 8 (inherit)');
    assert.equal(label(proc, 'the reader process should read'), 'rule 8 (inherit)');
  });

  it('the rules capture the role', () => {
    assert.deepEqual(routeText("the 'reader' process writes"), { rule: 'the', number: 2, role: 'reader', label: 'rule 2 (the role process)' });
    assert.equal(routeText("a new 'reader' process attempts").role, 'reader');
    assert.equal(routeText("a second 'writer' process attempts").role, 'writer');
    assert.equal(routeText("a 'client' process sends").role, 'client');
    assert.equal(routeText("a new 'reader' process").rule, 'new', 'rule 5 must not capture rule 3 texts');
    assert.equal(routeText("a second 'reader' process").rule, 'second', 'rule 5 must not capture rule 4 texts');
    assert.deepEqual(routeText("x the 'reader' process"), { rule: 'inherit', number: 8, role: null, label: 'rule 8 (inherit)' });
    // host steps name no role even when their text starts with a process phrase
    assert.equal(routeStep({ runsIn: 'host-role' }, "the 'writer' process is killed").role, null);
  });

  it('no step text matches two text rules (the table order never decides)', () => {
    for (const t of ["the 'r' process x", "a new 'r' process x", "a second 'r' process x", "a 'r' process x", 'another writer attempts to connect without permissions']) {
      assert.equal(TEXT_RULES.filter((r) => r.pattern.test(t)).length, 1, t);
    }
  });
});

describe('harness routing: role discovery and replacement', () => {
  it("every role of a `the '<role>' process` step is started up front, once, in order of appearance", () => {
    const texts = [
      'the test environment is initialized',
      "the 'reader' process creates buffer 'b' with metadata size '1024' and payload size '10240'",
      "the 'writer' process connects to buffer 'b'",
      "the 'reader' process should read frame with sequence '1'",
      "the 'writer' process is killed",
      "a new 'server' process creates immutable duplex channel 'dup'",
      "a second 'client' process attempts to connect to buffer 'b'",
      "a 'probe' process checks something",
      "verify that the 'monitor' process is alive",
    ];
    assert.deepEqual(rolesNamedIn(texts), ['reader', 'writer']);
    assert.deepEqual(rolesNamedIn([]), []);
  });

  it("only `a new '<role>' process …` of that role replaces it", () => {
    const t = "a new 'reader' process attempts to create buffer 'test-reader-replace' with metadata size '1024' and payload size '10240'";
    assert.equal(replacesRole(t, 'reader'), true);
    assert.equal(replacesRole(t, 'writer'), false);
    assert.equal(replacesRole("the 'reader' process crashes", 'reader'), false);
    assert.equal(replacesRole("then a new 'reader' process starts", 'reader'), false);
  });
});
