// Log tails for failure messages and attachments (harness/host/log-tail.ts): whole lines within
// line and byte limits, the cut stated; and pino-pretty formatting of log records (logging.ts).
import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cutNote, lastLines, logTail } from '../harness/host/log-tail';
import { prettyLogLine } from '../harness/logging';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'zb-log-tail-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const b = (s: string) => Buffer.from(s, 'utf8');
const UNLIMITED = { maxLines: Number.POSITIVE_INFINITY, maxBytes: Number.POSITIVE_INFINITY };

describe('lastLines', () => {
  it('keeps everything within the limits', () => {
    assert.deepEqual(lastLines(b('a\nbb\nccc\n'), UNLIMITED), { lines: ['a', 'bb', 'ccc'], cutLines: 0, cutBytes: 0 });
    assert.deepEqual(lastLines(b(''), UNLIMITED), { lines: [], cutLines: 0, cutBytes: 0 });
    // a last line without newline (process killed mid-write) is a line
    assert.deepEqual(lastLines(b('a\nbb'), UNLIMITED), { lines: ['a', 'bb'], cutLines: 0, cutBytes: 0 });
  });

  it('cuts by lines, counting the lines and bytes cut', () => {
    assert.deepEqual(lastLines(b('a\nbb\nccc\n'), { maxLines: 2, maxBytes: 100 }), { lines: ['bb', 'ccc'], cutLines: 1, cutBytes: 2 });
    assert.deepEqual(lastLines(b('a\nbb\nccc\n'), { maxLines: 0, maxBytes: 100 }), { lines: [], cutLines: 3, cutBytes: 9 });
  });

  it('cuts by bytes at a line boundary (a line with its newline fits whole or not at all)', () => {
    // 'ccc\n' = 4 bytes, 'bb\nccc\n' = 7 bytes
    assert.deepEqual(lastLines(b('a\nbb\nccc\n'), { maxLines: 10, maxBytes: 6 }), { lines: ['ccc'], cutLines: 2, cutBytes: 5 });
    assert.deepEqual(lastLines(b('a\nbb\nccc\n'), { maxLines: 10, maxBytes: 7 }), { lines: ['bb', 'ccc'], cutLines: 1, cutBytes: 2 });
    // a last line longer than the limit: nothing is kept, and the unterminated line counts as cut
    assert.deepEqual(lastLines(b('a\nbbbbbbbb'), { maxLines: 10, maxBytes: 4 }), { lines: [], cutLines: 2, cutBytes: 10 });
  });

  it('counts multi-byte characters as bytes and never splits them', () => {
    // 'é\n' = 3 bytes, '€€\n' = 7, 'ü\n' = 3
    assert.deepEqual(lastLines(b('é\n€€\nü\n'), { maxLines: 10, maxBytes: 9 }), { lines: ['ü'], cutLines: 2, cutBytes: 10 });
    const t = lastLines(b('é\n€€\nü\n'), { maxLines: 10, maxBytes: 10 });
    assert.deepEqual(t, { lines: ['€€', 'ü'], cutLines: 1, cutBytes: 3 });
  });

  it('handles empty lines at the start', () => {
    assert.deepEqual(lastLines(b('\nx\n'), { maxLines: 1, maxBytes: 100 }), { lines: ['x'], cutLines: 1, cutBytes: 1 });
    assert.deepEqual(lastLines(b('\nx\n'), UNLIMITED), { lines: ['x'], cutLines: 0, cutBytes: 0 });
  });
});

describe('logTail', () => {
  const rec = (i: number) => JSON.stringify({ level: 30, time: '2026-01-02T03:04:05.678Z', role: 'reader', pid: 42, scenario: 's', runId: 'r', msg: `line ${i}`, i });
  const file = path.join(tmp, 'reader-42.log');
  fs.writeFileSync(file, `${[1, 2, 3, 4].map(rec).join('\n')}\nnot json\n`);

  it('formats the kept records with pino-pretty and states the cut with the full log path', () => {
    const text = logTail(file, { maxLines: 2, maxBytes: 1 << 20 });
    const cutBytes = fs.statSync(file).size - Buffer.byteLength(`${rec(4)}\nnot json\n`);
    assert.equal(text, [`… 3 earlier lines (${cutBytes} bytes) cut; full log: ${file}`, '[03:04:05.678] INFO: [reader:42] line 4 {"i":4}', 'not json'].join('\n'));
  });

  it('has no note when nothing was cut, and says when the file is missing', () => {
    assert.doesNotMatch(logTail(file, UNLIMITED), /cut;/);
    assert.match(logTail(path.join(tmp, 'missing.log'), UNLIMITED), /^\(log file unavailable: ENOENT/);
  });

  it('words the note in singular for one line', () => {
    assert.equal(cutNote({ cutLines: 1, cutBytes: 7 }, '/x.log'), '… 1 earlier line (7 bytes) cut; full log: /x.log');
  });
});

describe('prettyLogLine (pino-pretty)', () => {
  it('keeps time, level, role/pid, message and every other field; drops the repeated bindings', () => {
    const line = JSON.stringify({ level: 50, time: '2026-01-02T03:04:05.678Z', role: 'writer', pid: 7, scenario: 's', runId: 'r', hostname: 'h', msg: 'step failed', err: { message: 'boom' }, n: 1 });
    assert.equal(prettyLogLine(line), '[03:04:05.678] ERROR: [writer:7] step failed {"err":{"message":"boom"},"n":1}');
  });

  it('shows a `name` field (pino-pretty would take it for the logger name) in the message', () => {
    const line = JSON.stringify({ level: 30, time: '2026-01-02T03:04:05.678Z', role: 'reader', pid: 7, msg: 'reader created', name: 'buf_1', size: 2 });
    assert.equal(prettyLogLine(line), '[03:04:05.678] INFO: [reader:7] reader created name=buf_1 {"size":2}');
  });

  it('returns null for anything that is not a pino record', () => {
    assert.equal(prettyLogLine('plain stderr text'), null);
    assert.equal(prettyLogLine('{"no":"level"}'), null);
    assert.equal(prettyLogLine('42'), null);
  });
});
