// Writes a failing program as a feature file QA can read, keep and rerun: a header comment with
// how it was found (seed, fast-check path, mutant, the failing step's message), the Background,
// the program's steps each followed by the model's state after it, and at the failing step the
// model's prediction next to what the buffer held.
import type { TableRows } from '../../registry';
import type { ProgramFailure, TranscriptEntry } from './program-host';
import type { PhraseStep } from './phrases';

export interface Counterexample {
  background: readonly PhraseStep[];
  transcript: readonly TranscriptEntry[];
  failure: ProgramFailure | null;
  /** Problems found at the end of the program (teardown, leftovers), when no step failed. */
  endProblems: readonly string[];
  seed: number;
  path: string;
  mutant: string | null;
  /** The runner's command line that replays exactly this program. */
  replay: string;
}

function tableLines(rows: TableRows, indent: string): string[] {
  const headers = Object.keys(rows[0] ?? {});
  const cells = [headers, ...rows.map((r) => headers.map((h) => r[h] ?? ''))];
  const widths = headers.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c) => `${indent}| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`);
}

function stepLines(s: PhraseStep, indent: string): string[] {
  return [`${indent}${s.keyword} ${s.text}`, ...(s.table !== undefined ? tableLines(s.table, `${indent}  `) : [])];
}

/** A comment line safe for Gherkin: one line, no control characters. */
function comment(indent: string, text: string): string {
  return `${indent}# ${text.replace(/[\r\n\t]+/g, ' ')}`;
}

export function featureText(c: Counterexample, title: string): string {
  const out: string[] = [];
  out.push('# Counterexample written by the model-based runner (npm run model, harness/model/stateful/).');
  out.push(`# seed ${c.seed}, fast-check path "${c.path}", mutant ${c.mutant ?? 'none (real addon)'}`);
  out.push(`# replay the exact program: ${c.replay}`);
  out.push(`# rerun this file: ${c.mutant !== null ? `ZEROBUFFER_MUTANT=${c.mutant} ` : ''}npm run cucumber -- <this file>`);
  if (c.failure !== null) {
    out.push(comment('', `failing step: ${c.failure.step.text}`));
    out.push(comment('', `message: ${c.failure.message.split('\n')[0]}`));
  }
  for (const p of c.endProblems) out.push(comment('', `at the end of the program: ${p}`));
  out.push('@model');
  out.push(`Feature: ${title}`);
  out.push('');
  out.push('  Background:');
  for (const s of c.background) out.push(...stepLines(s, '    '));
  out.push('');
  const steps = c.transcript.length + (c.failure !== null && !c.transcript.some((e) => e.step === c.failure!.step) ? 1 : 0);
  out.push(`  Scenario: ${steps} steps of a generated program break the model`);
  for (const e of c.transcript) {
    out.push(...stepLines(e.step, '    '));
    if (e.model !== undefined && e.step !== c.failure?.step) out.push(comment('      ', `model: ${e.model}`));
  }
  if (c.failure !== null) {
    const inTranscript = c.transcript.some((e) => e.step === c.failure!.step);
    out.push(comment('    ', `the model expected here: ${c.failure.expected}`));
    out.push(comment('    ', `the buffer held here:    ${c.failure.observed}`));
    if (!inTranscript) out.push(...stepLines(c.failure.step, '    '));
  }
  return `${out.join('\n')}\n`;
}
