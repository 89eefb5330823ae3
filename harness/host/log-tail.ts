// The tail of a servo's log file for failure messages and report attachments: whole lines only,
// formatted with pino-pretty, and — when lines were cut — a note saying how much was cut and
// where the complete file is (the file on disk is never truncated).
import * as fs from 'node:fs';
import { prettyLogLine } from '../logging';

export interface TailLimits {
  maxLines: number;
  maxBytes: number;
}

export interface Tail {
  /** The kept lines (without their newlines), oldest first. */
  lines: string[];
  /** Lines before the kept ones. */
  cutLines: number;
  /** Bytes before the kept ones. */
  cutBytes: number;
}

const NL = 0x0a;

/**
 * The last whole lines of `content` within both limits (bytes counted with their newline). A last
 * line without a newline (a process killed mid-write) counts as a line. Pure.
 */
export function lastLines(content: Buffer, limits: TailLimits): Tail {
  const kept: string[] = [];
  let keptFrom = content.length; // first byte of the kept part
  let lineEnd = content.length > 0 && content[content.length - 1] === NL ? content.length - 1 : content.length;
  while (keptFrom > 0 && kept.length < limits.maxLines) {
    // (a negative offset would make lastIndexOf search from the end)
    const nl = lineEnd > 0 ? content.lastIndexOf(NL, lineEnd - 1) : -1;
    const lineStart = nl + 1;
    // the kept part grows by this line; it must stay within maxBytes
    if (content.length - lineStart > limits.maxBytes) break;
    kept.unshift(content.toString('utf8', lineStart, lineEnd));
    keptFrom = lineStart;
    lineEnd = nl;
  }
  let cutLines = 0;
  for (let i = 0; i < keptFrom; i++) if (content[i] === NL) cutLines += 1;
  // nothing kept and the last line has no newline: that line was cut too
  if (keptFrom > 0 && content[keptFrom - 1] !== NL) cutLines += 1;
  return { lines: kept.filter((l) => l !== ''), cutLines, cutBytes: keptFrom };
}

/** The note that replaces the cut part of a log. */
export function cutNote(t: Pick<Tail, 'cutLines' | 'cutBytes'>, file: string): string {
  return `… ${t.cutLines} earlier line${t.cutLines === 1 ? '' : 's'} (${t.cutBytes} bytes) cut; full log: ${file}`;
}

/** The tail of a pino JSON log file, formatted for humans, with the cut note when lines were cut. */
export function logTail(file: string, limits: TailLimits): string {
  let content: Buffer;
  try {
    content = fs.readFileSync(file);
  } catch (e) {
    return `(log file unavailable: ${(e as Error).message})`;
  }
  const t = lastLines(content, limits);
  const lines = t.lines.map((l) => prettyLogLine(l) ?? l);
  if (t.cutBytes > 0) lines.unshift(cutNote(t, file));
  return lines.join('\n');
}
