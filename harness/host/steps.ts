// The steps of one scenario execution as the host sees them: text, keyword as written, resolved
// type and DataTable of every step (Background included), where cucumber currently is, and which
// later steps a host step has already executed itself.
//
// Consumed steps: a host step that runs following steps itself (through
// HostStepContext.runStep) may mark them consumed; when cucumber reaches a consumed step it passes
// as a no-op and the report records "executed by step N". Without that mark cucumber runs the step
// again normally — which is what "perform N iterations of:" (T02) wants for its last iteration.
//
// Outside cucumber (the model-based runner, harness/model/stateful/) a program's steps are not
// known up front: they are appended one at a time as the program runs (append).
import type { TableRows } from '../registry';

export interface ScenarioStep {
  /** Position in the scenario (Background steps first), 0-based. */
  readonly index: number;
  /** The keyword as written: 'Given', 'When', 'Then', 'And', 'But' or '*'. */
  readonly keyword: string;
  /** Resolved type (And/But take the type of the step before): 0 Given, 1 When, 2 Then. */
  readonly type: 0 | 1 | 2;
  readonly text: string;
  /** Rows of the step's DataTable keyed by the trimmed header cells, if it has one. */
  readonly table?: TableRows;
}

// Structural subsets of cucumber's Pickle and GherkinDocument messages (only what is read here).
interface GherkinStepLike {
  readonly id: string;
  readonly keyword: string;
}
interface GherkinChildLike {
  readonly background?: { readonly steps: readonly GherkinStepLike[] };
  readonly scenario?: { readonly steps: readonly GherkinStepLike[] };
  readonly rule?: { readonly children: readonly GherkinChildLike[] };
}
export interface GherkinDocumentLike {
  readonly feature?: { readonly children: readonly GherkinChildLike[] };
}
export interface PickleLike {
  readonly steps: readonly {
    readonly id: string;
    readonly text: string;
    readonly type?: string;
    readonly astNodeIds: readonly string[];
    readonly argument?: { readonly dataTable?: { readonly rows: readonly { readonly cells: readonly { readonly value: string }[] }[] } };
  }[];
}

/** DataTable cells (header row first) → row objects keyed by the trimmed headers, cells trimmed. */
export function rowsFromCells(cells: readonly (readonly string[])[]): TableRows {
  if (cells.length === 0) return [];
  const headers = cells[0]!.map((h) => h.trim());
  return cells.slice(1).map((r) => Object.fromEntries(headers.map((h, i) => [h, (r[i] ?? '').trim()])));
}

function keywordsById(children: readonly GherkinChildLike[], out: Map<string, string>): Map<string, string> {
  for (const c of children) {
    for (const s of [...(c.background?.steps ?? []), ...(c.scenario?.steps ?? [])]) out.set(s.id, s.keyword.trim());
    if (c.rule !== undefined) keywordsById(c.rule.children, out);
  }
  return out;
}

const TYPES: Record<string, 0 | 1 | 2> = { Context: 0, Action: 1, Outcome: 2 };
const KEYWORD_TYPES: Record<string, 0 | 1 | 2> = { Given: 0, When: 1, Then: 2 };

export class ScenarioSteps {
  /** Index of the step cucumber is running (-1 before the first). */
  private cursor = -1;
  /** index → "step N (`text`)" of the host step that executed it. */
  private readonly consumed = new Map<number, string>();

  private readonly steps: ScenarioStep[];

  constructor(list: readonly ScenarioStep[]) {
    this.steps = [...list];
  }

  get list(): readonly ScenarioStep[] {
    return this.steps;
  }

  static fromPickle(pickle: PickleLike, doc: GherkinDocumentLike): ScenarioSteps {
    const keywords = keywordsById(doc.feature?.children ?? [], new Map());
    let last: 0 | 1 | 2 = 0;
    return new ScenarioSteps(
      pickle.steps.map((s, index) => {
        // gherkin resolves And/But already; only a first step written as And/But/* stays Unknown
        last = TYPES[s.type ?? ''] ?? last;
        const rows = s.argument?.dataTable?.rows;
        const table = rows === undefined ? undefined : rowsFromCells(rows.map((r) => r.cells.map((c) => c.value)));
        return { index, keyword: keywords.get(s.astNodeIds[0] ?? '') ?? '*', type: last, text: s.text, ...(table !== undefined ? { table } : {}) };
      }),
    );
  }

  /**
   * Appends a step written with `keyword` (And/But/* take the type of the step before) and returns
   * it; cucumber's scenarios never change, a program built step by step does.
   */
  append(keyword: string, text: string, table?: TableRows): ScenarioStep {
    const last = this.steps[this.steps.length - 1];
    const type = KEYWORD_TYPES[keyword] ?? last?.type ?? 0;
    const step: ScenarioStep = { index: this.steps.length, keyword, type, text, ...(table !== undefined ? { table } : {}) };
    this.steps.push(step);
    return step;
  }

  texts(): string[] {
    return this.list.map((s) => s.text);
  }

  /** Cucumber starts the step with this pickle step index. */
  begin(index: number): ScenarioStep {
    const s = this.list[index];
    if (s === undefined) throw new Error(`step index ${index} is outside the scenario (${this.list.length} steps)`);
    this.cursor = index;
    return s;
  }

  get current(): ScenarioStep | undefined {
    return this.list[this.cursor];
  }

  /** Steps after `index` (by default after the step cucumber is running). */
  after(index = this.cursor): ScenarioStep[] {
    return this.list.slice(index + 1);
  }

  /** Mark `step` as executed by the host step `by`; cucumber then passes it as a no-op. */
  consume(step: ScenarioStep, by: ScenarioStep): void {
    if (step.index <= by.index) throw new Error(`step ${by.index + 1} can only consume steps after itself, not step ${step.index + 1}`);
    const earlier = this.consumed.get(step.index);
    if (earlier !== undefined) throw new Error(`step ${step.index + 1} was already executed by ${earlier}`);
    this.consumed.set(step.index, `step ${by.index + 1} (\`${by.keyword} ${by.text}\`)`);
  }

  /** Who executed this step already, if a host step consumed it. */
  consumedBy(index: number): string | undefined {
    return this.consumed.get(index);
  }
}
