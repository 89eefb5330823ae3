// The phrase a snippet proposes for an undefined step, written the way this project writes
// phrases (steps/parameters.ts, steps.md §2): a quoted value becomes a quoted placeholder — the
// quotes stay literal — named by what it is: `'{role}'` before ` process`, `'{name}'` after
// `buffer`/`channel`, `'{uint}'` for digits, `'{text}'` otherwise; an unquoted integer becomes
// `{count}`. Cucumber's own snippet would write `{string}` and `{int}` instead.

export interface SnippetParameter {
  /** Parameter type (steps/parameters.ts; `float` is cucumber's, in a phrase from its expression). */
  type: 'role' | 'name' | 'uint' | 'text' | 'count' | 'float';
  /** Parameter name in the implementation's signature. */
  name: string;
  /** Its TypeScript type there. */
  tsType: 'string' | 'number';
}

export interface ProposedPattern {
  pattern: string;
  parameters: SnippetParameter[];
}

/** Characters with a meaning in Cucumber Expressions, escaped with `\` in literal text. */
function escapeLiteral(s: string): string {
  return s.replace(/[\\(){}/]/g, (c) => `\\${c}`);
}

function quotedType(before: string, value: string, after: string): SnippetParameter['type'] {
  if (/^ process\b/.test(after)) return 'role';
  if (/\b(?:buffer|channel) $/.test(before)) return 'name';
  if (/^\d+$/.test(value)) return 'uint';
  return 'text';
}

/** Names by type, numbered from the second of a type on (`uint`, `uint2`); the role is usually unused. */
function parameter(type: SnippetParameter['type'], seen: Map<string, number>): SnippetParameter {
  const n = (seen.get(type) ?? 0) + 1;
  seen.set(type, n);
  const base = type === 'role' ? '_role' : type;
  return { type, name: n === 1 ? base : `${base}${n}`, tsType: type === 'uint' || type === 'count' || type === 'float' ? 'number' : 'string' };
}

/** The phrase for a step text (the text as written in the feature file). */
export function patternFromText(text: string): ProposedPattern {
  const parameters: SnippetParameter[] = [];
  const seen = new Map<string, number>();
  let pattern = '';
  let last = 0;
  for (const m of text.matchAll(/'([^']*)'|(?<=^|\s)\d+(?=\s|$)/g)) {
    const at = m.index!;
    pattern += escapeLiteral(text.slice(last, at));
    const p = m[1] === undefined ? parameter('count', seen) : parameter(quotedType(text.slice(0, at), m[1], text.slice(at + m[0].length)), seen);
    parameters.push(p);
    pattern += m[1] === undefined ? `{${p.type}}` : `'{${p.type}}'`;
    last = at + m[0].length;
  }
  return { pattern: pattern + escapeLiteral(text.slice(last)), parameters };
}

/**
 * The phrase when the step text is not known, from cucumber's generated expression (whose
 * parameters are cucumber's snippet types): `{string}` (a quoted value) is named by position like
 * a quoted value of unknown content, `{int}` becomes `{count}`; `{float}` stays (there is no
 * unquoted decimal type of ours).
 */
export function patternFromExpression(expression: string): ProposedPattern {
  const parameters: SnippetParameter[] = [];
  const seen = new Map<string, number>();
  const pattern = expression.replace(/\{(string|int|float)\}/g, (m, t: string, at: number) => {
    const type = t === 'string' ? quotedType(expression.slice(0, at), '', expression.slice(at + m.length)) : t === 'int' ? 'count' : 'float';
    const p = parameter(type, seen);
    parameters.push(p);
    return t === 'string' ? `'{${p.type}}'` : `{${p.type}}`;
  });
  return { pattern, parameters };
}
