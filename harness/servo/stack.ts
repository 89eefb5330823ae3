// Stack traces in a servo's log, in the lines of the sources. A servo runs from a bundle
// (host/servo-bundle.ts) whose frames would all read `bundle.js:<line>`; Node's own source-map
// support would fix that but parses the 2 MB map at every servo start (~130 ms), for stacks that
// only a failing step logs. So a logged stack is mapped here, the map read when first needed:
// every frame of a compiled file with a `<file>.map` next to it (the bundle's maps to the
// TypeScript sources; tsc's own maps serve a servo started from dist/ unbundled).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SourceMap } from 'node:module';

/** A compiled file's source map and the directory its `sources` are relative to; null: none. */
const maps = new Map<string, { map: SourceMap; dir: string } | null>();

function mapOf(file: string): { map: SourceMap; dir: string } | null {
  let m = maps.get(file);
  if (m === undefined) {
    try {
      m = { map: new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]), dir: path.dirname(file) };
    } catch {
      m = null; // no map (or not readable): the frame stays as it is
    }
    maps.set(file, m);
  }
  return m;
}

/** `file:line:column` of a frame (1-based, as printed) in its source, or null if unmapped. */
function sourcePosition(file: string, line: number, column: number): string | null {
  const m = mapOf(file);
  if (m === null) return null;
  const e = m.map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (e.originalSource === undefined || e.originalLine === undefined || e.originalColumn === undefined) return null;
  const source = e.originalSource.startsWith('file://') ? new URL(e.originalSource).pathname : path.resolve(m.dir, e.originalSource);
  return `${source}:${e.originalLine + 1}:${e.originalColumn + 1}`;
}

/** A stack trace (Error.stack) with every frame of a compiled file that has a source map mapped to its source. */
export function sourceStack(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  // `at fn (/path/file.js:12:34)` or `at /path/file.js:12:34`
  return stack.replace(/(?<=\(|at )(\/[^()\n]*?\.js):(\d+):(\d+)(?=\)|$)/gm, (frame, file: string, line: string, column: string) => {
    return sourcePosition(file, Number(line), Number(column)) ?? frame;
  });
}
