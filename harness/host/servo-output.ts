// What a servo writes besides protocol frames: its stderr, copied to a file next to its log, kept
// as a short tail for failure messages and, with -v, streamed live; and the tail of its log file.
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { formatRecord, verboseEnabled } from '../logging';

const STDERR_TAIL_LINES = 60;

export class ServoStderr {
  private readonly lines: string[] = [];
  private readonly file: fs.WriteStream;

  /** `prefix` labels live lines in verbose mode, e.g. `[reader:4242]`. */
  constructor(stderr: Readable, path: string, prefix: string) {
    this.file = fs.createWriteStream(path, { flags: 'a' });
    const verbose = verboseEnabled();
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
        if (verbose) process.stderr.write(`${formatRecord(line, prefix)}\n`);
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

/** The last `lines` records of a (pino JSON) log file, formatted for humans. */
export function tailFile(file: string, lines: number): string {
  try {
    const st = fs.statSync(file);
    const len = Math.min(st.size, 64 * 1024);
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, st.size - len);
      const all = buf.toString('utf8').split('\n').filter((l) => l !== '');
      return all
        .slice(-lines)
        .map((l) => formatRecord(l, ''))
        .join('\n');
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    return `(log file unavailable: ${(e as Error).message})`;
  }
}
