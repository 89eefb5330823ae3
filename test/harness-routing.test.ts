// Unit tests of the harness router's classification (steps.md §1.2, rules applied in order):
// Router.classify, RULES and FIXED_OVERRIDES, with step texts from steps.md.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import '../steps/index';
import { FIXED_OVERRIDES, RULES, Router } from '../harness/routing/router';
import { registry, type RunsIn } from '../harness/registry';

const proc = { runsIn: 'process' as RunsIn };

/** The registered definition of a step text (exactly one must match). */
function defOf(text: string) {
  return registry.matchOne(text).def;
}

describe('harness routing: Router.classify', () => {
  it('rule 1: host, fan-out, host multi and host → role steps run on the host whatever their text starts with', () => {
    assert.equal(Router.classify(defOf("wait for '2' seconds"), "wait for '2' seconds"), 'rule 1 (host)');
    assert.equal(Router.classify(defOf('we run in harmony'), 'we run in harmony'), 'rule 1 (host)');
    assert.equal(Router.classify(defOf('the test environment is initialized'), 'the test environment is initialized'), 'rule 1 (host-all)');
    assert.equal(Router.classify(defOf('all processes are ready'), 'all processes are ready'), 'rule 1 (host-all)');
    // starts with "the '<role>' process" but is a host → role step (L04, L09)
    assert.equal(Router.classify(defOf("the 'writer' process is killed"), "the 'writer' process is killed"), 'rule 1 (host-role)');
    assert.equal(Router.classify(defOf("the 'reader' process crashes"), "the 'reader' process crashes"), 'rule 1 (host-role)');
    // rule 6: `two '<role>' processes` and its follow-ups are host multi-process steps (X49–X52)
    for (const t of ["two 'reader' processes", "both simultaneously attempt to create buffer 'test-race'", 'only one should succeed', 'other should receive appropriate error']) {
      assert.equal(Router.classify({ runsIn: 'host-multi' }, t), 'rule 1 (host-multi)', t);
    }
    // host → role, text starting like rule 2 (Q13 "kill reader process" and L04 style)
    assert.equal(Router.classify({ runsIn: 'host-role' }, "the 'server' process is killed"), 'rule 1 (host-role)');
  });

  it("rule 2: `the '<role>' process …` runs in the role's current process", () => {
    for (const t of [
      "the 'reader' process creates buffer 'test-basic' with metadata size '1024' and payload size '10240'",
      "the 'writer' process connects to buffer 'test-basic'",
      "the 'reader' process should read frame with sequence '1';",
      "the 'writer' process detects reader death and reconnects to buffer 'test-reader-replace'",
    ]) {
      assert.equal(Router.classify(defOf(t), t), 'rule 2 (the role process)', t);
    }
    assert.equal(Router.classify(proc, "the 'server' process starts"), 'rule 2 (the role process)');
  });

  it("rule 3: `a new '<role>' process …` replaces the role's process", () => {
    const t = "a new 'reader' process attempts to create buffer 'test-reader-replace' with metadata size '1024' and payload size '10240'";
    assert.equal(Router.classify(defOf(t), t), 'rule 3 (new role process)');
    assert.equal(Router.classify(proc, "a new 'server' process creates immutable duplex channel 'dup'"), 'rule 3 (new role process)');
  });

  it("rule 4: `a second '<role>' process …` starts an additional process", () => {
    const t = "a second 'writer' process attempts to connect to buffer 'test-multi-writer'";
    assert.equal(Router.classify(defOf(t), t), 'rule 4 (second role process)');
    assert.equal(Router.classify(proc, "a second 'reader' process attempts to connect to buffer 'x'"), 'rule 4 (second role process)');
  });

  it("rule 5: `a '<role>' process …` runs in the role's process (started on demand)", () => {
    assert.equal(Router.classify(proc, "a 'writer' process attempts to connect to non-existent buffer 'missing'"), 'rule 5 (a role process)');
    assert.equal(Router.classify(proc, "a 'probe' process checks something"), 'rule 5 (a role process)');
  });

  it('rule 7: the fixed override `another writer attempts to connect without permissions` → writer', () => {
    const t = 'another writer attempts to connect without permissions';
    assert.equal(Router.classify(proc, t), 'rule 7 (fixed override)');
    const o = FIXED_OVERRIDES.find((x) => x.text.test(t));
    assert.equal(o?.role, 'writer');
    // only the exact text
    assert.equal(Router.classify(proc, t + ' again'), 'rule 8 (inherit)');
    assert.equal(Router.classify(proc, 'Another writer attempts to connect without permissions'), 'rule 8 (inherit)');
  });

  it('rule 8: any other step inherits the most recently targeted process', () => {
    for (const t of [
      'the new reader should detect stale resources',
      'the new reader should clean up stale resources',
      'the new reader should create fresh buffer successfully',
      'the connection should fail with writer exists error',
      'no sequence errors should have occurred',
    ]) {
      assert.equal(Router.classify(defOf(t), t), 'rule 8 (inherit)', t);
    }
    assert.equal(Router.classify(proc, 'buffer should be completely full'), 'rule 8 (inherit)');
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
      assert.equal(Router.classify(proc, t), 'rule 8 (inherit)', t);
    }
    // also not a match: plural "processes", and a role that is not quoted
    assert.equal(Router.classify(proc, "the 'reader' processes are ready"), 'rule 8 (inherit)');
    assert.equal(Router.classify(proc, 'the reader process should read'), 'rule 8 (inherit)');
  });

  it('rule regexes capture the role', () => {
    assert.equal(RULES.the.exec("the 'reader' process writes")?.[1], 'reader');
    assert.equal(RULES.newRole.exec("a new 'reader' process attempts")?.[1], 'reader');
    assert.equal(RULES.second.exec("a second 'writer' process attempts")?.[1], 'writer');
    assert.equal(RULES.a.exec("a 'client' process sends")?.[1], 'client');
    assert.equal(RULES.a.exec("a new 'reader' process"), null, 'rule 5 must not capture rule 3 texts');
    assert.equal(RULES.a.exec("a second 'reader' process"), null, 'rule 5 must not capture rule 4 texts');
    assert.equal(RULES.the.exec("x the 'reader' process"), null);
  });
});
