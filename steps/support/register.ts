// Host side of the registry: registers every parameter type and every phrase with cucumber (so
// undefined / ambiguous / usage reporting works with --strict) and routes each step through the
// scenario's Router. The location cucumber records for each phrase is the phrase's definition in
// steps/<domain>.ts (not this file), so `--format usage` points at the real definition.
//
// Outcomes beyond pass/fail: a step that throws StepSkipped (host part, or a servo reporting
// Context.Skipped) returns 'skipped' — cucumber reports it and the scenario as skipped — with the
// reason attached; a step a host step already executed itself (HostStepContext.consumeSteps)
// passes as a no-op with a note saying which step executed it.
import { defineParameterType, defineStep } from '@cucumber/cucumber';
import { registry, cucumberTimeoutMs, StepSkipped, type StepDefinition } from '../../harness/registry';
import '../index';
import type { HarnessWorld } from './world';

/** Run `fn` while `new Error().stack` reports `uri:line` as the caller (cucumber's definition location). */
function atLocation<T>(uri: string, line: number, fn: () => T): T {
  const original = Error.prepareStackTrace;
  Error.prepareStackTrace = () => `Error\n    at defineStep (${uri}:${line}:1)`;
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = original;
  }
}

for (const p of registry.parameterTypes()) {
  defineParameterType({
    name: p.name,
    regexp: p.regexp,
    transformer: (s: string) => p.transform(s),
    useForSnippets: false,
    preferForRegexpMatch: false,
  });
}

function register(def: StepDefinition): void {
  const arity = def.parameterCount + (def.table === true ? 1 : 0);
  const fn = async function (this: HarnessWorld, ...args: unknown[]): Promise<'skipped' | undefined> {
    const { run, router, currentStep: step } = this;
    if (run === undefined || router === undefined || step === undefined) {
      throw new Error(`zerobuffer harness: no scenario run (Before hook did not run) for step ${def.id}`);
    }
    const by = run.steps.consumedBy(step.index);
    if (by !== undefined) {
      run.logger.info({ step: step.text, by }, 'step already executed by an earlier host step');
      this.attach(`executed by ${by}`, { mediaType: 'text/plain', fileName: 'executed-by.txt' });
      return undefined;
    }
    // Only the expression arguments: the DataTable is taken from the pickle step (already as row
    // objects), and cucumber appends a callback to the arguments of every step function.
    const exprArgs = args.slice(0, def.parameterCount);
    try {
      await router.execute({ step, def, args: exprArgs, attach: (data, options) => (typeof data === 'string' ? this.attach(data, options) : this.attach(data, options)) });
      return undefined;
    } catch (e) {
      if (!(e instanceof StepSkipped)) throw e;
      run.logger.info({ step: step.text, reason: e.reason }, 'step skipped');
      this.attach(`step skipped: ${e.reason}`, { mediaType: 'text/plain', fileName: 'skipped.txt' });
      return 'skipped';
    }
  };
  Object.defineProperty(fn, 'length', { value: arity });
  atLocation(def.location.uri, def.location.line, () => defineStep(def.pattern, { timeout: cucumberTimeoutMs(def) }, fn));
}

for (const def of registry.all()) register(def);
