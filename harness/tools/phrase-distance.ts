// "Did you mean": the defined phrases closest to an undefined step. A step text and a phrase are
// compared in one rendering, in which every parameter — a quoted value in the text, a
// `'{type}'` placeholder in the phrase — is the same placeholder, so that only the words count:
// `the 'writer' process writes frame with sise '1024'` is one edit away from
// `the '{role}' process writes frame with size '{uint}'`.

/** Levenshtein distance (insertions, deletions, substitutions of UTF-16 units). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

const PLACEHOLDER = '…';

/** A step text for comparison: quoted values and unquoted integers become the placeholder. */
export function comparableText(text: string): string {
  return text.replace(/'[^']*'/g, `'${PLACEHOLDER}'`).replace(/(?<=^|\s)\d+(?=\s|$)/g, PLACEHOLDER);
}

/**
 * A Cucumber Expression for comparison: parameters become the placeholder, escapes are dropped.
 * Cucumber's own `{string}` (in expressions it generates) matches a quoted value, quotes included.
 */
export function comparablePattern(pattern: string): string {
  return pattern
    .replace(/\{string\}/g, `'${PLACEHOLDER}'`)
    .replace(/\{[^}]*\}/g, PLACEHOLDER)
    .replace(/\\(.)/g, '$1');
}

/**
 * The `n` phrases closest to `comparable` (a comparableText or comparablePattern), closest first;
 * equally close ones in registry order.
 */
export function closestPhrases<P extends { pattern: string }>(comparable: string, phrases: readonly P[], n: number): P[] {
  return phrases
    .map((p, i) => ({ p, i, d: editDistance(comparable, comparablePattern(p.pattern)) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, n)
    .map((x) => x.p);
}
