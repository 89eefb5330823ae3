// The routing rule table of steps.md §1.2 — the one place that reads a process phrase out of a step
// text. The router uses it to pick the executing process; the scenario uses it to find the roles to
// start up front (every `the '<role>' process`) and the `a new '<role>' process` steps that a kill
// prepares a replacement for.
//
//  1. host / host ⇒ all / host multi / host → role patterns always run on the host (by definition)
//  2. `the '<role>' process …`      → the role's current process
//  3. `a new '<role>' process …`    → a fresh process replacing the role's current one
//  4. `a second '<role>' process …` → an additional process of the role
//  5. `a '<role>' process …`        → the role's current process, started on demand
//  6. `two '<role>' processes` and its follow-ups are host multi-process patterns (rule 1)
//  7. fixed override: `another writer attempts to connect without permissions` → 'writer'
//  8. anything else inherits the most recently targeted process; with none, it runs on the host
//
// Process phrases are anchored at the start of the text: a phrase later in a sentence
// ("verify that the 'reader' process is alive") does not route the step.
import type { RunsIn } from '../registry';

export type RuleId = 'host' | 'the' | 'new' | 'second' | 'a' | 'override' | 'inherit';

export interface Route {
  rule: RuleId;
  /** Rule number in steps.md §1.2. */
  number: number;
  /** The role the text names (or the override's role); null for host steps and inheritance. */
  role: string | null;
  /** `rule N (…)` — for logs, failure messages and tests. */
  label: string;
}

interface TextRule {
  rule: Exclude<RuleId, 'host' | 'inherit'>;
  number: number;
  /** Captures the role in group 1, unless `role` fixes it. */
  pattern: RegExp;
  role?: string;
  name: string;
}

/** The text rules, in the order of steps.md §1.2 (they are mutually exclusive). */
export const TEXT_RULES: readonly TextRule[] = [
  { rule: 'the', number: 2, pattern: /^the '([^']*)' process\b/, name: 'the role process' },
  { rule: 'new', number: 3, pattern: /^a new '([^']*)' process\b/, name: 'new role process' },
  { rule: 'second', number: 4, pattern: /^a second '([^']*)' process\b/, name: 'second role process' },
  { rule: 'a', number: 5, pattern: /^a '([^']*)' process\b/, name: 'a role process' },
  { rule: 'override', number: 7, pattern: /^another writer attempts to connect without permissions$/, role: 'writer', name: 'fixed override' },
];

const INHERIT: Route = { rule: 'inherit', number: 8, role: null, label: 'rule 8 (inherit)' };

/** Rules 2–5, 7 and 8: what the text alone says (whatever the definition's `runsIn`). */
export function routeText(text: string): Route {
  for (const r of TEXT_RULES) {
    const m = r.pattern.exec(text);
    if (m !== null) return { rule: r.rule, number: r.number, role: r.role ?? m[1]!, label: `rule ${r.number} (${r.name})` };
  }
  return INHERIT;
}

/** The full classification: rule 1 for every definition that does not run in a role process. */
export function routeStep(def: { runsIn: RunsIn }, text: string): Route {
  if (def.runsIn !== 'process') return { rule: 'host', number: 1, role: null, label: `rule 1 (${def.runsIn})` };
  return routeText(text);
}

/** Roles named by a `the '<role>' process` step (started before the scenario's first step). */
export function rolesNamedIn(texts: readonly string[]): string[] {
  const roles: string[] = [];
  for (const t of texts) {
    const r = routeText(t);
    if (r.rule === 'the' && !roles.includes(r.role!)) roles.push(r.role!);
  }
  return roles;
}

/** Does this step text replace `role`'s process (`a new '<role>' process …`)? */
export function replacesRole(text: string, role: string): boolean {
  const r = routeText(text);
  return r.rule === 'new' && r.role === role;
}
