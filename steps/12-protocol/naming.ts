// Feature 12 — semaphore and object naming (scenario 12.4, host only): the host creates buffers
// through the library itself (Q17; owned and disposed at teardown), finds their semaphores under
// the quoted templates (Q18) and checks the name rule and the exact OS object names (Q19).
import * as fs from 'node:fs';
import { Reader } from '../../src/index';
import { defineStep, type TableRows } from '../../harness/registry';
import { describeError, expectEqual, expectTrue, fail } from '../../harness/assert';
import { stateKey } from '../../harness/host/state';
import type { HostStepContext } from '../../harness/host/context';
import { checkResidue } from '../../harness/diagnostics/residue';
import { semaphoreValue } from '../../harness/diagnostics/support';
import { BUFFER_CONFIGS } from '../../harness/model/config';
import { MAX_NAME_BYTES } from '../../harness/model/naming';

interface NamedBuffer {
  base: string;
  description: string;
  resolved: string;
  reader: Reader;
}

const NAMED_BUFFERS = stateKey<NamedBuffer[]>('Q17 buffers with various names');

function namedBuffers(ctx: HostStepContext): NamedBuffer[] {
  const list = ctx.state.require(NAMED_BUFFERS, 'no buffers were created with various names');
  if (list.length === 0) fail('the buffers created with various names are empty');
  return list;
}

defineStep({
  id: 'Q17',
  keyword: 'When',
  pattern: 'create buffers with various names:',
  runsIn: 'host',
  table: true,
  boundMs: 30_000,
  summary: 'For every row (buffer_name, description) the host creates a reader on <buffer_name>_<runId> with default config; every creation must succeed.',
  host: async (ctx, rows: TableRows) => {
    const created: NamedBuffer[] = [];
    ctx.state.set(NAMED_BUFFERS, created);
    const { metadataSize, payloadSize } = BUFFER_CONFIGS.default;
    for (const row of rows) {
      const base = row.buffer_name;
      const description = row.description;
      if (base === undefined || description === undefined) fail(`table row ${JSON.stringify(row)} lacks the column 'buffer_name' or 'description'`);
      const resolved = ctx.naming.resolve(base);
      let reader: Reader;
      try {
        reader = await Reader.create(resolved, { metadataSize, payloadSize });
      } catch (e) {
        fail(`creating buffer '${base}' (${description}) as ${resolved}: expected success, observed ${describeError(e)}`);
      }
      ctx.own(reader, `reader ${resolved}`);
      created.push({ base, description, resolved, reader });
      ctx.logger.info({ resolved, description }, 'host created a buffer');
    }
  },
});

defineStep({
  id: 'Q18',
  keyword: 'Then',
  pattern: "verify semaphores created as '{text}' and '{text}'",
  runsIn: 'host',
  summary: 'Both templates contain {name}; for each Q17 buffer with the resolved name substituted, /dev/shm/sem.<semW> and /dev/shm/sem.<semR> exist and sem_open("/" + substituted) succeeds for both.',
  host: (ctx, semW: string, semR: string) => {
    for (const t of [semW, semR]) expectTrue(`semaphore name template '${t}' contains {name}`, t.includes('{name}'));
    for (const b of namedBuffers(ctx)) {
      for (const t of [semW, semR]) {
        const sem = t.replaceAll('{name}', b.resolved);
        expectTrue(`semaphore file /dev/shm/sem.${sem} of buffer '${b.base}' exists`, fs.existsSync(`/dev/shm/sem.${sem}`));
        expectTrue(`sem_open("/${sem}") of buffer '${b.base}' succeeds`, semaphoreValue(`/${sem}`) !== null);
      }
    }
  },
});

/** The name rule of steps.md §3.1 (also a valid Windows object name: no backslash); the violated parts. */
function nameRuleViolations(name: string): string[] {
  const v: string[] = [];
  if (name.length === 0) v.push('empty');
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) v.push(`longer than ${MAX_NAME_BYTES} bytes`);
  if (name.includes('/')) v.push("contains '/'");
  if (name.includes('\0')) v.push('contains NUL');
  if (name === '.' || name === '..') v.push("is '.' or '..'");
  if (name.includes('\\')) v.push("contains '\\' (invalid for Windows objects)");
  return v;
}

defineStep({
  id: 'Q19',
  keyword: 'Then',
  pattern: 'verify both Linux and Windows naming rules respected',
  runsIn: 'host',
  summary:
    "Every Q17 resolved name satisfies the name rule, was accepted by the library and contains no '\\'; its shm entry and lock file exist under exactly that name; then every Q17 buffer is disposed and leaves RESIDUE.",
  host: (ctx) => {
    const buffers = namedBuffers(ctx);
    const shm = fs.readdirSync('/dev/shm');
    const locks = fs.readdirSync('/tmp/zerobuffer');
    for (const b of buffers) {
      expectEqual(`name rule violations of '${b.resolved}'`, '[]', JSON.stringify(nameRuleViolations(b.resolved)));
      expectEqual(`the library accepted '${b.resolved}': its reader is open`, false, b.reader.closed);
      expectTrue(`/dev/shm lists an entry named exactly '${b.resolved}'`, shm.includes(b.resolved));
      expectTrue(`/tmp/zerobuffer lists a lock file named exactly '${b.resolved}.lock'`, locks.includes(`${b.resolved}.lock`));
    }
    for (const b of buffers) {
      b.reader.close();
      checkResidue(`after disposing buffer '${b.base}'`, b.resolved);
    }
  },
});
