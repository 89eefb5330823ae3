// What a servo writes on stderr: copied to a file next to its log, kept as a short tail for
// failure messages and, with -v, streamed live (its JSON log copies formatted with pino-pretty).
// A warm servo has no log directory until it is bound to a scenario: what it writes before is
// kept in memory and goes to the file when the file is known (attach).
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { prettyLogLine, stderrColors, verboseEnabled } from '../logging';

const STDERR_TAIL_LINES = 60;
/** Output kept for a file not known yet (a warm servo normally writes nothing before it is bound). */
const PENDING_MAX_BYTES = 256 * 1024;

export class ServoStderr {
  private readonly lines: string[] = [];
  private file: fs.WriteStream | null = null;
  private pending: string[] = [];
  private pendingBytes = 0;

  /** `prefix` labels live lines in verbose mode, e.g. `[reader:4242]` (`[warm:4242]` until attached). */
  constructor(
    stderr: Readable,
    private prefix: string,
  ) {
    const verbose = verboseEnabled();
    const colors = stderrColors();
    let partial = '';
    stderr.setEncoding('utf8');
    stderr.on('data', (chunk: string) => {
      this.write(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') continue;
        // JSON log copies (verbose mode) are not "stderr output" for the tail
        if (!line.startsWith('{"level"')) {
          this.lines.push(line);
          if (this.lines.length > STDERR_TAIL_LINES) this.lines.shift();
        }
        if (verbose) process.stderr.write(`${prettyLogLine(line, colors) ?? `${this.prefix} ${line}`}\n`);
      }
    });
  }

  private write(chunk: string): void {
    if (this.file !== null) {
      this.file.write(chunk);
    } else if (this.pendingBytes < PENDING_MAX_BYTES) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
  }

  /** From now on (and what came before) the output goes to `path`; live lines carry `prefix`. */
  attach(path: string, prefix: string): void {
    this.prefix = prefix;
    this.file = fs.createWriteStream(path, { flags: 'a' });
    for (const chunk of this.pending) this.file.write(chunk);
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** The last `n` lines of stderr output (log copies excluded). */
  tail(n: number): string[] {
    return this.lines.slice(-n);
  }

  end(): void {
    this.file?.end();
  }
}
