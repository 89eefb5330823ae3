// What a servo writes on stderr: copied to a file next to its log, kept as a short tail for
// failure messages and, with -v, streamed live (its JSON log copies formatted with pino-pretty).
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { prettyLogLine, stderrColors, verboseEnabled } from '../logging';

const STDERR_TAIL_LINES = 60;

export class ServoStderr {
  private readonly lines: string[] = [];
  private readonly file: fs.WriteStream;

  /** `prefix` labels live lines in verbose mode, e.g. `[reader:4242]`. */
  constructor(stderr: Readable, path: string, prefix: string) {
    this.file = fs.createWriteStream(path, { flags: 'a' });
    const verbose = verboseEnabled();
    const colors = stderrColors();
    let partial = '';
    stderr.setEncoding('utf8');
    stderr.on('data', (chunk: string) => {
      this.file.write(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') continue;
        // JSON log copies (verbose mode) are not "stderr output" for the tail
        if (!line.startsWith('{"level"')) {
          this.lines.push(line);
          if (this.lines.length > STDERR_TAIL_LINES) this.lines.shift();
        }
        if (verbose) process.stderr.write(`${prettyLogLine(line, colors) ?? `${prefix} ${line}`}\n`);
      }
    });
  }

  /** The last `n` lines of stderr output (log copies excluded). */
  tail(n: number): string[] {
    return this.lines.slice(-n);
  }

  end(): void {
    this.file.end();
  }
}
