// Host side of the registry: registers every parameter type and every phrase with cucumber (so
// undefined / ambiguous / usage reporting works with --strict) and routes each step through the
// scenario's Router. The location cucumber records for each phrase is the phrase's definition in
// steps/<domain>.ts (not this file), so `--format usage` points at the real definition.
import { defineParameterType, defineStep, DataTable } from '@cucumber/cucumber';
import { registry, cucumberTimeoutMs, type StepDefinition, type TableRows } from '../../harness/registry';
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

function tableRows(t: unknown): TableRows | undefined {
  if (!(t instanceof DataTable)) return undefined;
  const raw = t.raw();
  if (raw.length === 0) return [];
  const headers = raw[0]!.map((h) => h.trim());
  return raw.slice(1).map((r) => Object.fromEntries(headers.map((h, i) => [h, (r[i] ?? '').trim()])));
}

function register(def: StepDefinition): void {
  const arity = def.parameterCount + (def.table === true ? 1 : 0);
  const fn = async function (this: HarnessWorld, ...args: unknown[]): Promise<void> {
    if (this.router === undefined || this.currentStep === undefined) {
      throw new Error(`zerobuffer harness: no scenario run (Before hook did not run) for step ${def.id}`);
    }
    const table = def.table === true ? tableRows(args[args.length - 1]) : undefined;
    const exprArgs = def.table === true ? args.slice(0, -1) : args;
    if (def.table === true && (table === undefined || table.length === 0)) throw new Error(`step ${def.id} needs a non-empty DataTable`);
    await this.router.execute(def, this.currentStep, exprArgs, table);
  };
  Object.defineProperty(fn, 'length', { value: arity });
  atLocation(def.location.uri, def.location.line, () => defineStep(def.pattern, { timeout: cucumberTimeoutMs(def) }, fn));
}

for (const def of registry.all()) register(def);
