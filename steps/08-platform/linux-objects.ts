// Feature 08 — the Linux OS objects of a buffer (steps.md §3.1): the shared-memory entry (P02),
// the glibc named semaphores (P03) and their removal by a graceful shutdown (P06).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineStep } from '../../harness/registry';
import { expectEqual, expectTrue, fail } from '../../harness/assert';
import { checkResidue } from '../../harness/diagnostics/residue';
import { checkRegularFile } from '../../harness/diagnostics/proc';
import { semaphoreValue } from '../../harness/diagnostics/support';
import { OIEB_BYTES } from '../../harness/diagnostics/snap';
import { osObjectPaths } from '../../harness/model/naming';
import { currentOrShutDownBuffer } from './shutdown';

/** The quoted directory, which must exist as a directory (so that a wrong one cannot pass vacuously). */
function requireDir(dir: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (e) {
    fail(`directory '${dir}' does not exist: ${(e as Error).message}`);
  }
  expectTrue(`'${dir}' is a directory`, st.isDirectory());
  return dir;
}

defineStep({
  id: 'P02',
  keyword: 'Then',
  pattern: "verify shared memory entry exists in '{text}'",
  runsIn: 'process',
  summary: '<dir><resolved> exists, is a regular file of 128 + metadata_size + payload_size bytes (OIEB), owner-readable and owner-writable.',
  servo: (ctx, dir: string) => {
    const e = ctx.objects.requireReader();
    const p = path.join(requireDir(dir), e.name);
    const st = checkRegularFile('shared memory entry', p);
    const o = ctx.snapReader(e).oieb;
    expectEqual(`${p}: size = 128 + metadata_size ${o.metadataSize} + payload_size ${o.payloadSize}`, OIEB_BYTES + Number(o.metadataSize) + Number(o.payloadSize), st.size);
    expectEqual(`${p}: owner read and write bits (mode ${(st.mode & 0o7777).toString(8)})`, 0o600, st.mode & 0o600);
  },
});

defineStep({
  id: 'P03',
  keyword: 'Then',
  pattern: 'verify proper named semaphores created',
  runsIn: 'process',
  summary: '/dev/shm/sem.sem-w-<resolved> and sem.sem-r-<resolved> exist; sem_open of /sem-w-<resolved> and /sem-r-<resolved> (no create flag) succeeds; both values are 0.',
  servo: (ctx) => {
    const name = ctx.objects.requireReader().name;
    const files = osObjectPaths(name);
    for (const [file, sem] of [
      [files.semData, `/sem-w-${name}`],
      [files.semSpace, `/sem-r-${name}`],
    ] as const) {
      expectTrue(`glibc semaphore file ${file} exists`, fs.existsSync(file));
      const v = semaphoreValue(sem);
      if (v === null) fail(`sem_open("${sem}", 0): the named semaphore does not exist`);
      expectEqual(`value of semaphore ${sem}`, 0, v);
    }
  },
});

defineStep({
  id: 'P06',
  keyword: 'Then',
  pattern: "verify proper cleanup in '{text}'",
  runsIn: 'process',
  summary: 'No entry <resolved>, sem.sem-w-<resolved> or sem.sem-r-<resolved> in dir, and no lock file: RESIDUE(resolved).',
  servo: (ctx, dir: string) => {
    const name = currentOrShutDownBuffer(ctx);
    const entries = fs.readdirSync(requireDir(dir));
    const left = [name, `sem.sem-w-${name}`, `sem.sem-r-${name}`].filter((e) => entries.includes(e));
    expectEqual(`entries of ${name} left in ${dir}`, '[]', JSON.stringify(left));
    checkResidue('after graceful shutdown', name);
  },
});
