// Servo logs as cucumber attachments. Every scenario carries the log of each of its servos (the
// last 256 KiB, cut at a line boundary with a note) and their stderr; a failing step carries the
// log tail of each servo it involved (host/step-servos.ts), which the JUnit report repeats after
// the failure's stack (harness/tools/junit-formatter.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeExit, type ServoProcess } from './servo-process';
import { logTail, type TailLimits } from './log-tail';

/** Max bytes of log in one scenario attachment (whole lines; the file on disk is complete). */
const SCENARIO_LOG_MAX_BYTES = 256 * 1024;
/** How much log a failing step's attachment carries per servo (whole lines; the cut is noted). */
const STEP_TAIL: TailLimits = { maxLines: 200, maxBytes: 64 * 1024 };
const STEP_STDERR_LINES = 20;

export interface LogAttachment {
  text: string;
  fileName: string;
}

function heading(s: ServoProcess): string {
  return `servo ${s.label} — ${s.exit === null ? 'alive' : describeExit(s.exit)} — ${s.logFile}`;
}

/** The servo's whole log (its last 256 KiB), formatted for humans. */
export function scenarioLogAttachment(s: ServoProcess): LogAttachment {
  const text = logTail(s.logFile, { maxLines: Number.POSITIVE_INFINITY, maxBytes: SCENARIO_LOG_MAX_BYTES });
  return { text: `${heading(s)}\n${text}`, fileName: path.basename(s.logFile) };
}

/** What the servo wrote on stderr besides its log copies (-v). */
function stderrLines(s: ServoProcess): string[] {
  try {
    return fs
      .readFileSync(s.stderrFile, 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('{"level"'));
  } catch {
    return [];
  }
}

/** The servo's stderr output, if any. */
export function stderrAttachment(s: ServoProcess): LogAttachment | undefined {
  const lines = stderrLines(s);
  return lines.length === 0 ? undefined : { text: `stderr of servo ${s.label}\n${lines.join('\n')}`, fileName: path.basename(s.stderrFile) };
}

/** The tail of the servo's log (and of its stderr) for a failing step. */
export function stepLogAttachment(s: ServoProcess): LogAttachment {
  const parts = [heading(s), logTail(s.logFile, STEP_TAIL)];
  const err = stderrLines(s).slice(-STEP_STDERR_LINES);
  if (err.length > 0) parts.push(`--- stderr tail of ${s.label}`, ...err);
  return { text: parts.join('\n'), fileName: `${s.role}-${s.pid}.tail.log` };
}
