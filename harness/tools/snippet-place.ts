// Where the phrase of a snippet goes: which feature files use the undefined step (cucumber's
// snippet interface is given only the generated expression, not the step's feature file, so the
// features are searched for lines it matches), the steps/ folder of that feature, and the next
// free id of the folder's id prefix (B… in steps/01-basic/, L… in steps/02-lifecycle/ …).
import { CucumberExpression, ParameterTypeRegistry } from '@cucumber/cucumber-expressions';

export interface FeatureFile {
  /** Path relative to the package root, e.g. features/01-basic-communication.feature. */
  uri: string;
  text: string;
}

export interface StepUse {
  uri: string;
  line: number;
  text: string;
}

/** A defined phrase; `file` relative to the package root, e.g. steps/01-basic/frames.ts. */
export interface PhraseRef {
  id: string;
  pattern: string;
  file: string;
  line: number;
}

/** A step line (English keywords; a Scenario Outline's `<placeholders>` do not match the expression). */
const STEP_LINE = /^\s*(?:Given|When|Then|And|But|\*)\s+(.*?)\s*$/;

/** The step lines of the features that cucumber's generated expression matches. */
export function findStepUses(expression: string, features: readonly FeatureFile[]): StepUse[] {
  let expr: CucumberExpression;
  try {
    // the generated expression uses only cucumber's built-in snippet types (string, int, float)
    expr = new CucumberExpression(expression, new ParameterTypeRegistry());
  } catch {
    return [];
  }
  const uses: StepUse[] = [];
  for (const f of features) {
    f.text.split('\n').forEach((l, i) => {
      const text = STEP_LINE.exec(l)?.[1];
      if (text !== undefined && expr.match(text) !== null) uses.push({ uri: f.uri, line: i + 1, text });
    });
  }
  return uses;
}

/** `steps/01-basic/frames.ts` → `steps/01-basic/`; null outside a feature folder of steps/. */
export function folderOf(file: string): string | null {
  const m = /^(steps\/[^/]+\/)[^/]+$/.exec(file);
  return m === null || m[1] === 'steps/support/' ? null : m[1]!;
}

/** The folder of a feature: the existing steps/NN-… folder of its number, else steps/<feature>/. */
export function folderForFeature(uri: string, existing: readonly string[]): string {
  const feature = uri.replace(/^.*\//, '').replace(/\.feature$/, '');
  const num = /^(\d+)-/.exec(feature)?.[1];
  const same = num === undefined ? undefined : existing.find((f) => f.startsWith(`steps/${num}-`));
  return same ?? `steps/${feature}/`;
}

export interface Placement {
  /** null: no feature file found using the step. */
  folder: string | null;
  /** Why this folder, for the snippet's comment. */
  why: string;
}

export function placeFor(uses: readonly StepUse[], phrases: readonly PhraseRef[]): Placement {
  if (uses.length === 0) return { folder: null, why: 'no step line of the feature files searched matches the step' };
  const existing = [...new Set(phrases.map((p) => folderOf(p.file)).filter((f): f is string => f !== null))];
  const where = uses.map((u) => `${u.uri}:${u.line}`).join(', ');
  const folders = [...new Set(uses.map((u) => folderForFeature(u.uri, existing)))];
  if (folders.length > 1) return { folder: 'steps/common/', why: `the phrases of several features (${where})` };
  const folder = folders[0]!;
  return { folder, why: `${existing.includes(folder) ? 'the folder' : 'a new folder'} of the feature using it (${where})` };
}

/** The next id after the highest of the folder's id prefix (ids are unique across folders); `??` if unknown. */
export function nextId(folder: string | null, phrases: readonly PhraseRef[]): string {
  const counts = new Map<string, number>();
  for (const p of phrases) {
    const prefix = /^([A-Z]+)\d+$/.exec(p.id)?.[1];
    if (prefix !== undefined && folderOf(p.file) === folder) counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
  }
  const prefix = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (prefix === undefined) return '??';
  const numbers = phrases.map((p) => new RegExp(`^${prefix}(\\d+)$`).exec(p.id)?.[1]).filter((n): n is string => n !== undefined);
  const width = Math.max(2, ...numbers.map((n) => n.length));
  const next = Math.max(0, ...numbers.map(Number)) + 1;
  return `${prefix}${String(next).padStart(width, '0')}`;
}
