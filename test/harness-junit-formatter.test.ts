// The JUnit formatter plugin (harness/tools/junit-formatter.ts): a failed step's text attachments
// follow its stack in the <failure> element; other steps and attachments are untouched.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import plugin, { StepAttachmentFolder, type EnvelopeLike } from '../harness/tools/junit-formatter';

const attachment = (testStepId: string, body: string, mediaType = 'text/plain', contentEncoding = 'IDENTITY'): EnvelopeLike => ({
  attachment: { body, mediaType, contentEncoding, testCaseStartedId: 'tc1', testStepId },
});
const finished = (testStepId: string, status: string, extra: object = {}): EnvelopeLike => ({
  testStepFinished: { testCaseStartedId: 'tc1', testStepId, testStepResult: { status, ...extra } },
});

describe('StepAttachmentFolder', () => {
  it('appends the text attachments of a failed step after its stack trace', () => {
    const f = new StepAttachmentFolder();
    f.fold(attachment('s1', 'reader log tail'));
    f.fold(attachment('s1', 'writer log tail'));
    f.fold(attachment('s1', 'aGk=', 'image/png', 'BASE64'));
    const out = f.fold(finished('s1', 'FAILED', { message: 'Error: boom\n  at x', exception: { type: 'Error', message: 'boom', stackTrace: 'Error: boom\n  at x' } }));
    assert.equal(out.testStepFinished!.testStepResult.exception!.stackTrace, 'Error: boom\n  at x\n\nreader log tail\n\nwriter log tail');
    // the failure message (the XML attribute) and the terminal's message stay as they were
    assert.equal(out.testStepFinished!.testStepResult.exception!.message, 'boom');
    assert.equal(out.testStepFinished!.testStepResult.message, 'Error: boom\n  at x');
  });

  it('appends to the message when the result has no exception', () => {
    const f = new StepAttachmentFolder();
    f.fold(attachment('s1', 'tail'));
    assert.equal(f.fold(finished('s1', 'FAILED', { message: 'failed' })).testStepFinished!.testStepResult.message, 'failed\n\ntail');
  });

  it('leaves passed steps, steps without attachments and other messages as they are', () => {
    const f = new StepAttachmentFolder();
    const a = attachment('s1', 'executed by step 3');
    assert.equal(f.fold(a), a);
    const passed = finished('s1', 'PASSED');
    assert.equal(f.fold(passed), passed);
    // the attachments of s1 were consumed by its (passed) result
    const failed = finished('s1', 'FAILED', { message: 'm' });
    assert.equal(f.fold(failed), failed);
    const other = { testRunStarted: {} } as EnvelopeLike;
    assert.equal(f.fold(other), other);
  });

  it('is a formatter plugin writing JUnit XML with the tail in the failure body', () => {
    assert.equal(plugin.type, 'formatter');
    assert.equal(plugin.optionsKey, 'junit');
    let handler: ((e: never) => void) | undefined;
    let xml = '';
    plugin.formatter({ options: {}, on: (_t, h) => (handler = h as (e: never) => void), write: (s) => (xml += s) });
    assert.ok(handler !== undefined);
    // an empty run still produces a test suite
    handler({ testRunStarted: { timestamp: { seconds: 0, nanos: 0 } } } as never);
    handler({ testRunFinished: { timestamp: { seconds: 1, nanos: 0 }, success: true } } as never);
    assert.match(xml, /<testsuite name="Cucumber"[^>]* tests="0"/);
  });
});
