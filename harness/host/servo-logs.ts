// Servo logs as cucumber attachments: every scenario carries the log of each of its servos (the
// last 256 KiB, cut at a line boundary with a note) and their stderr.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeExit, type ServoProcess } from './servo-process';
import { logTail } from './log-tail';

/** Max bytes of log in one scenario attachment (whole lines; the file on disk is complete). */
const SCENARIO_LOG_MAX_BYTES = 256 * 1024;

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
