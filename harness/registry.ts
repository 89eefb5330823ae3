// The step registry: every step phrase is defined exactly once (pattern, where it runs, bounds and
// the implementation). The host registers every phrase with cucumber (so undefined / ambiguous /
// usage reporting works) and routes; a servo looks the definition up by the id the host sends
// (rpc/step-call.ts), or matches the text with the same Cucumber Expressions and parameter types
// when a host sends the text only.
import {
  CucumberExpression,
  ParameterType,
  ParameterTypeRegistry,
  type Argument,
} from '@cucumber/cucumber-expressions';
import type { ServoContext } from './servo/context';
import type { HostStepContext } from './host/context';

/**
 * Where a phrase runs (steps.md §6 "Runs in"):
 *  - process    — a role process: `the '<role>' process`, `a new/second '<role>' process`,
 *                 `a '<role>' process`, or the inherited target for process-less text (rules 2–5, 7, 8);
 *                 a process-less step with nothing to inherit runs its `host` part (rule 8)
 *  - host       — always on the host
 *  - host-all   — fan-out: the host part, then the servo part in every live servo
 *  - host-multi — the host drives servos through internal instructions
 *  - host-role  — the host acts on a role's process (kill, crash …); does not change the inherited target
 */
export type RunsIn = 'process' | 'host' | 'host-all' | 'host-multi' | 'host-role';

export type TableRows = Record<string, string>[];

/** What a servo part may return: extra values reported back to the host in StepResult.Context. */
export type ServoReport = Record<string, unknown> | void;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ServoImpl = (ctx: ServoContext, ...args: any[]) => Promise<ServoReport> | ServoReport;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HostImpl = (ctx: HostStepContext, ...args: any[]) => Promise<void> | void;

export interface StepSpec {
  /** Id in steps.md (B03, L11 …). */
  id: string;
  /** Keyword the phrase is documented with (cucumber ignores keywords when matching). */
  keyword: 'Given' | 'When' | 'Then';
  /** Cucumber Expression (anchored by construction); `(`, `)`, `/`, `{`, `}` escaped with `\`. */
  pattern: string;
  runsIn: RunsIn;
  /** One line of required semantics (for the generated catalogue). */
  summary: string;
  /** The step carries a DataTable (delivered as row objects keyed by header). */
  table?: boolean;
  /**
   * The step's own time bound in ms (steps.md §3.5). The host aborts the step after bound + 10 s;
   * cucumber's timeout for the step is bound + 15 s (at least the 60 s default).
   */
  boundMs?: number;
  /**
   * A bound computed at run time from the step's arguments (same list as the implementation gets,
   * table rows last) — for steps scaled by ZEROBUFFER_TEST_SCALE (steps.md §3.6). Cucumber's own
   * timeout is then disabled for the step and the host aborts it after bound(args) + 10 s.
   * Exclusive with `boundMs`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  bound?: (...args: any[]) => number;
  /**
   * A 'process' step that makes its own process die on purpose later (e.g. D19: a request handler
   * that SIGKILLs its process): the reason. The host declares that death (host/kill.ts
   * expectDeath) before it delivers the step, i.e. before the process can die, so the death is
   * never reported as unexpected; a later host step awaits and checks it
   * (HostStepContext.declaredDeath).
   */
  armsOwnDeath?: string;
  servo?: ServoImpl;
  host?: HostImpl;
}

export interface StepDefinition extends StepSpec {
  /** Where the phrase is defined (file:line), for cucumber's usage report and the catalogue. */
  location: { uri: string; line: number };
  /** Number of expression parameters. */
  parameterCount: number;
}

export const DEFAULT_BOUND_MS = 45_000;

/** How long the host lets the step run (host part or servo call) before failing it: bound + 10 s. */
export function stepLimitMs(def: StepSpec, args: readonly unknown[]): number {
  if (def.bound === undefined) return (def.boundMs ?? DEFAULT_BOUND_MS) + 10_000;
  const ms = def.bound(...args);
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`step ${def.id}: its bound for these arguments is not a duration in ms: ${ms}`);
  return ms + 10_000;
}

/** Cucumber's timeout for the step; -1 (disabled) when the host enforces a run-time bound. */
export function cucumberTimeoutMs(def: StepSpec): number {
  if (def.bound !== undefined) return -1;
  return Math.max(60_000, (def.boundMs ?? DEFAULT_BOUND_MS) + 15_000);
}

/** The step's time limit as documented in the catalogue. */
export function describeTimeout(def: StepSpec): string {
  return def.bound !== undefined ? 'own bound + 10 s' : `${cucumberTimeoutMs(def) / 1000} s`;
}

/**
 * Thrown by a step implementation (host or servo part) that cannot run here, e.g. a test that
 * needs root: cucumber then reports the step — and so the scenario — as skipped with the reason
 * attached, never as passed. A servo reports it as StepResult.Context.Skipped.
 */
export class StepSkipped extends Error {
  constructor(readonly reason: string) {
    super(`skipped: ${reason}`);
    this.name = 'StepSkipped';
  }
}

export function skipStep(reason: string): never {
  throw new StepSkipped(reason);
}

export interface ParameterTypeSpec {
  name: string;
  regexp: RegExp;
  /** Transforms the single capture group. */
  transform: (s: string) => unknown;
  description: string;
}

/**
 * An internal instruction of the harness protocol (not Gherkin text): what a `host-multi` step
 * tells a servo to do (steps.md §1.2, "Host multi-process"). Sent with the `zb/instruct` method.
 */
export interface InstructionSpec {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  servo: (ctx: ServoContext, args: Record<string, any>) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
}

export interface StepMatch {
  def: StepDefinition;
  args: unknown[];
}

/** The step file's frame of a stack captured in define(), as `{ uri, line }`. */
function callerLocation(origin: Error): { uri: string; line: number } {
  const stack = origin.stack?.split('\n') ?? [];
  for (const line of stack.slice(1)) {
    const m = /\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):\d+\)?\s*$/.exec(line);
    if (m === null) continue;
    if (/[\\/]harness[\\/]registry\.[jt]s$/.test(m[1]!)) continue;
    return { uri: m[1]!, line: Number(m[2]) };
  }
  return { uri: 'unknown', line: 0 };
}

interface AstNode {
  type: string;
  nodes?: readonly AstNode[];
}

function countParameters(node: AstNode): number {
  let n = node.type === 'PARAMETER_NODE' ? 1 : 0;
  for (const c of node.nodes ?? []) n += countParameters(c);
  return n;
}

class StepRegistry {
  private readonly defs: StepDefinition[] = [];
  private readonly paramSpecs: ParameterTypeSpec[] = [];
  private ptr: ParameterTypeRegistry | undefined;
  private compiled: { def: StepDefinition; expr: CucumberExpression }[] | undefined;
  private readonly expressions = new Map<StepDefinition, CucumberExpression>();
  private readonly byIdMap = new Map<string, StepDefinition>();

  defineParameterType(spec: ParameterTypeSpec): void {
    if (this.paramSpecs.some((p) => p.name === spec.name)) throw new Error(`parameter type {${spec.name}} defined twice`);
    this.paramSpecs.push(spec);
    this.ptr = undefined;
    this.compiled = undefined;
    this.expressions.clear();
  }

  parameterTypes(): readonly ParameterTypeSpec[] {
    return this.paramSpecs;
  }

  define(spec: StepSpec): void {
    // Captured now, formatted only when the location is read (cucumber's registration, the step
    // tools): a servo never reads it, and formatting 400 stacks cost it ~15 ms of its start.
    const origin = new Error();
    if (this.defs.some((d) => d.pattern === spec.pattern)) throw new Error(`step phrase defined twice: ${spec.pattern}`);
    if (this.byIdMap.has(spec.id)) throw new Error(`step id defined twice: ${spec.id}`);
    if (spec.runsIn === 'process' && spec.servo === undefined) throw new Error(`${spec.id}: a 'process' step needs a servo part`);
    if ((spec.runsIn === 'host' || spec.runsIn === 'host-role' || spec.runsIn === 'host-multi' || spec.runsIn === 'host-all') && spec.host === undefined) {
      throw new Error(`${spec.id}: a '${spec.runsIn}' step needs a host part`);
    }
    if (spec.runsIn === 'host-all' && spec.servo === undefined) throw new Error(`${spec.id}: a fan-out step needs a servo part`);
    if (spec.armsOwnDeath !== undefined && spec.runsIn !== 'process') throw new Error(`${spec.id}: only a 'process' step can arm its own process's death`);
    if (spec.bound !== undefined && spec.boundMs !== undefined) throw new Error(`${spec.id}: give either a static boundMs or a run-time bound, not both`);
    let location: StepDefinition['location'] | undefined;
    const def = { ...spec, parameterCount: -1 } as StepDefinition;
    Object.defineProperty(def, 'location', { enumerable: true, get: () => (location ??= callerLocation(origin)) });
    this.defs.push(def);
    this.byIdMap.set(def.id, def);
    this.compiled = undefined;
  }

  all(): readonly StepDefinition[] {
    this.compile();
    return this.defs;
  }

  registry(): ParameterTypeRegistry {
    if (this.ptr === undefined) {
      const r = new ParameterTypeRegistry();
      for (const p of this.paramSpecs) {
        r.defineParameterType(new ParameterType(p.name, p.regexp, null, (s: string | null) => p.transform(s ?? ''), false, false));
      }
      this.ptr = r;
    }
    return this.ptr;
  }

  private compile(): { def: StepDefinition; expr: CucumberExpression }[] {
    this.compiled ??= this.defs.map((def) => ({ def, expr: this.expression(def) }));
    return this.compiled;
  }

  /** A definition's compiled expression (once), which also sets its parameterCount. */
  private expression(def: StepDefinition): CucumberExpression {
    let expr = this.expressions.get(def);
    if (expr === undefined) {
      expr = new CucumberExpression(def.pattern, this.registry());
      def.parameterCount = countParameters(expr.ast as unknown as AstNode);
      this.expressions.set(def, expr);
    }
    return expr;
  }

  /** Every definition whose expression matches the full step text (more than one = ambiguous). */
  match(text: string): StepMatch[] {
    const out: StepMatch[] = [];
    for (const { def, expr } of this.compile()) {
      const args = expr.match(text);
      if (args !== null) out.push({ def, args: (args as readonly Argument[]).map((a) => a.getValue(null)) });
    }
    return out;
  }

  /** Exactly one match, or a descriptive error. */
  matchOne(text: string): StepMatch {
    const m = this.match(text);
    if (m.length === 0) throw new Error(`undefined step (no definition matches): ${JSON.stringify(text)}`);
    if (m.length > 1) throw new Error(`ambiguous step ${JSON.stringify(text)}: matches ${m.map((x) => `${x.def.id} "${x.def.pattern}"`).join(', ')}`);
    return m[0]!;
  }

  private readonly instructions = new Map<string, InstructionSpec>();

  defineInstruction(spec: InstructionSpec): void {
    if (this.instructions.has(spec.name)) throw new Error(`instruction ${spec.name} defined twice`);
    this.instructions.set(spec.name, spec);
  }

  instruction(name: string): InstructionSpec | undefined {
    return this.instructions.get(name);
  }

  /** How many definitions have their expression compiled (a servo: the ones it served). */
  get compiledExpressions(): number {
    return this.expressions.size;
  }

  /** Readies lookups by id (what a warm servo does ahead of its scenario): the parameter types and one expression compiled. */
  prepare(): void {
    const first = this.defs[0];
    if (first !== undefined) this.expression(first);
  }

  /**
   * The definition with this id, its expression compiled (so its parameterCount is known) — only
   * its own: a servo serves a few steps by id and need not compile the other 400.
   */
  byId(id: string): StepDefinition | undefined {
    const def = this.byIdMap.get(id);
    if (def !== undefined) this.expression(def);
    return def;
  }
}

/** The single registry of this process (host or servo). */
export const registry = new StepRegistry();

/** Shorthand used by the step files. */
export function defineStep(spec: StepSpec): void {
  registry.define(spec);
}
