// cucumber's JUnit XML formatter, plus the log tails a failing step carries. The built-in `junit`
// formatter (@cucumber/junit-xml-formatter) writes a failure's message and stack but no
// attachments, so a CI page showing the JUnit report would not show the servo logs that
// steps/support/hooks.ts attaches to a failing step. This plugin feeds the same formatter the same
// messages (as its own plugin does), except that a failed step's result carries the step's text attachments after its
// stack (the <failure> element's body). Configured in cucumber.cjs through junit-formatter.cjs.
import { JUnitXmlPrinter, type Options } from '@cucumber/junit-xml-formatter';

// The parts of cucumber's messages read here (@cucumber/messages).
interface StepResult {
  status: string;
  message?: string;
  exception?: { type: string; message?: string; stackTrace?: string };
}
export interface EnvelopeLike {
  attachment?: { body: string; mediaType: string; contentEncoding: string; testCaseStartedId?: string; testStepId?: string };
  testStepFinished?: { testCaseStartedId: string; testStepId: string; testStepResult: StepResult };
}

/** Collects text attachments per test step and appends them to the result of a failed one. */
export class StepAttachmentFolder {
  private readonly pending = new Map<string, string[]>();

  fold<E extends EnvelopeLike>(envelope: E): E {
    const a = envelope.attachment;
    if (a !== undefined) {
      if (a.testStepId !== undefined && a.mediaType.startsWith('text/') && a.contentEncoding === 'IDENTITY') {
        const key = `${a.testCaseStartedId}/${a.testStepId}`;
        this.pending.set(key, [...(this.pending.get(key) ?? []), a.body]);
      }
      return envelope;
    }
    const f = envelope.testStepFinished;
    if (f === undefined) return envelope;
    const key = `${f.testCaseStartedId}/${f.testStepId}`;
    const texts = this.pending.get(key);
    this.pending.delete(key);
    const r = f.testStepResult;
    if (texts === undefined || r.status !== 'FAILED') return envelope;
    const logs = texts.join('\n\n');
    // the <failure> body is the exception's stack trace, or the result's message without one
    const result: StepResult =
      r.exception !== undefined
        ? { ...r, exception: { ...r.exception, stackTrace: `${r.exception.stackTrace ?? r.message ?? ''}\n\n${logs}` } }
        : { ...r, message: `${r.message ?? ''}\n\n${logs}` };
    // (the result keeps the type of the envelope's: only strings were replaced)
    return { ...envelope, testStepFinished: { ...f, testStepResult: result } } as E;
  }
}

/** What cucumber hands a formatter plugin (the parts used here). */
interface FormatterArgs {
  options: Options;
  on: (type: 'message', handler: (envelope: Parameters<JUnitXmlPrinter['update']>[0]) => void) => void;
  write: (content: string) => void;
}

export default {
  type: 'formatter',
  // options under formatOptions.junit, as for the built-in formatter
  optionsKey: 'junit',
  formatter({ options, on, write }: FormatterArgs): void {
    const printer = new JUnitXmlPrinter(options, write);
    const folder = new StepAttachmentFolder();
    on('message', (envelope) => printer.update(folder.fold(envelope)));
  },
};
