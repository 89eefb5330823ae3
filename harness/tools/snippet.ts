// The snippet cucumber prints for an undefined step, in this project's step style: first the
// closest defined phrases (an undefined step is most often a typo), then where a new phrase goes
// and a `defineStep({...})` block to paste there — never cucumber's `Given('…', function …)`,
// which would register the phrase with cucumber only and not with the servos.
import { closestPhrases, comparablePattern, comparableText } from './phrase-distance';
import { patternFromExpression, patternFromText } from './snippet-pattern';
import { findStepUses, nextId, placeFor, type FeatureFile, type PhraseRef } from './snippet-place';

export interface SnippetRequest {
  /** Given / When / Then (cucumber's function name for the step's keyword type). */
  keyword: string;
  /** The first expression cucumber generated from the step text. */
  expression: string;
  /** Cucumber's names for a step argument: ['dataTable'], ['docString'] or []. */
  stepParameterNames: readonly string[];
  /** The feature files to search for the step (its text is not given to a snippet syntax). */
  features: readonly FeatureFile[];
  /** Every defined phrase. */
  phrases: readonly PhraseRef[];
}

const CLOSEST = 3;
const WIDTH = 100;

/** `text` as `// ` comment lines of at most WIDTH characters (a longer word stays whole). */
function comment(text: string): string[] {
  const lines: string[] = [];
  let line = '//';
  for (const word of text.split(' ')) {
    if (line !== '//' && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = '//';
    }
    line += ` ${word}`;
  }
  return [...lines, line];
}

export function buildSnippet(r: SnippetRequest): string {
  const uses = findStepUses(r.expression, r.features);
  const text = uses[0]?.text;
  const proposed = text !== undefined ? patternFromText(text) : patternFromExpression(r.expression);
  const place = placeFor(uses, r.phrases);
  const id = nextId(place.folder, r.phrases);
  const closest = closestPhrases(text !== undefined ? comparableText(text) : comparablePattern(r.expression), r.phrases, CLOSEST);
  const width = Math.max(0, ...closest.map((p) => p.id.length));
  const table = r.stepParameterNames.includes('dataTable');
  const args = ['ctx', ...proposed.parameters.map((p) => `${p.name}: ${p.tsType}`), ...(table ? ['rows: TableRows'] : [])];
  const lines = [
    ...(closest.length > 0 ? ['// Did you mean one of these defined phrases (closest first)?'] : []),
    ...closest.map((p) => `//   ${p.id.padEnd(width)}  ${p.pattern}  (${p.file}:${p.line})`),
    ...comment(
      `If it is a new phrase, it goes in ${place.folder ?? 'the steps/<feature>/ folder of the feature using it'} — ${place.why} — ` +
        'in one of its files or in a new one imported from steps/index.ts; then run `npm run steps:catalogue` and `npm run steps:check`.',
    ),
    ...(r.stepParameterNames.includes('docString') ? comment('The harness passes no DocString to a step: use a DataTable instead.') : []),
    'defineStep({',
    `  id: '${id}',`,
    `  keyword: '${r.keyword}',`,
    `  pattern: ${JSON.stringify(proposed.pattern)},`,
    "  runsIn: 'process', // or 'host', 'host-all', 'host-multi', 'host-role' (harness/registry.ts)",
    "  summary: 'TODO: the required semantics in one line',",
    ...(table ? ['  table: true, // rows: TableRows (harness/registry.ts), keyed by the header cells'] : []),
    `  servo: async (${args.join(', ')}) => {`,
    '    // TODO: do the work in ctx (harness/servo/context.ts) and check it (harness/assert.ts)',
    `    throw new Error('${id}: not implemented yet');`,
    '  },',
    '});',
  ];
  return lines.join('\n');
}
