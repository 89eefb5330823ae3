// cucumber's snippet syntax for this project (option `snippetSyntax` of every profile in
// cucumber.cjs, loaded through snippet-syntax.cjs): the snippet of an undefined step is built by
// harness/tools/snippet.ts from the step registry and the feature files. Those are the files
// under features/ and the .feature files named on the command line (a scratch file elsewhere).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ISnippetSnytax, ISnippetSyntaxBuildOptions } from '@cucumber/cucumber/lib/formatter/step_definition_snippet_builder/snippet_syntax';
import { registry } from '../registry';
import { repoRoot } from '../paths';
import { walk } from '../host/files';
import { buildSnippet } from './snippet';
import type { FeatureFile, PhraseRef } from './snippet-place';
import '../../steps/index';

function featureFiles(root: string): FeatureFile[] {
  const named = process.argv
    .slice(2)
    .filter((a) => /\.feature(?::\d+)*$/.test(a))
    .map((a) => path.resolve(a.replace(/(?::\d+)+$/, '')));
  const files = [...new Set([...named, ...walk(path.join(root, 'features'), (n) => n.endsWith('.feature'))])];
  return files.flatMap((f) => {
    try {
      const rel = path.relative(root, f);
      return [{ uri: rel.startsWith('..') ? f : rel, text: fs.readFileSync(f, 'utf8') }];
    } catch {
      return [];
    }
  });
}

function phrases(root: string): PhraseRef[] {
  return registry.all().map((d) => ({ id: d.id, pattern: d.pattern, file: path.relative(root, d.location.uri), line: d.location.line }));
}

export default class ProjectSnippetSyntax implements ISnippetSnytax {
  private inputs: { features: FeatureFile[]; phrases: PhraseRef[] } | undefined;

  build(o: ISnippetSyntaxBuildOptions): string {
    const root = repoRoot();
    // read once per process, at the first undefined step
    this.inputs ??= { features: featureFiles(root), phrases: phrases(root) };
    return buildSnippet({
      keyword: o.functionName,
      expression: o.generatedExpressions[0]?.source ?? '',
      stepParameterNames: o.stepParameterNames,
      ...this.inputs,
    });
  }
}
