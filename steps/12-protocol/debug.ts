// Feature 12 — the diagnostic facilities the protocol-compliance steps rely on (Q01), checked in the
// host and in every live servo.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Reader, Writer } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { expectEqual, expectTrue, fail } from '../../harness/assert';
import { readSegmentBytes } from '../../harness/diagnostics/corrupt';
import { flockProbe } from '../../harness/diagnostics/support';
import { testSupport } from '../../harness/diagnostics/test-support';
import { framePattern } from '../../harness/model/patterns';
import { osObjectPaths } from '../../harness/model/naming';

/** Base name and content of the scratch object the host writes into /dev/shm and every process reads back. */
const SCRATCH_BASE = 'q01-inspect';
const SCRATCH_SIZE = 4096;
const SCRATCH_SEQ = 7;

/** Library diagnostics and the test-support module work in this process. */
function checkDiagnostics(where: string): void {
  for (const [cls, obj] of [
    ['Reader', Reader.prototype],
    ['Writer', Writer.prototype],
  ] as const) {
    for (const m of ['oiebSnapshot', 'semaphoreValues'] as const) {
      expectEqual(`${where}: the library's ${cls} exposes ${m}()`, 'function', typeof (obj as unknown as Record<string, unknown>)[m]);
    }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zb-q01-'));
  const file = path.join(dir, 'scratch.lock');
  try {
    fs.writeFileSync(file, '');
    expectEqual(`${where}: flock probe of an unlocked scratch file`, 'free', flockProbe(file));
    const fd = testSupport().flockHold(file);
    try {
      expectEqual(`${where}: flock probe of a scratch file locked through another descriptor`, 'held', flockProbe(file));
    } finally {
      fs.closeSync(fd);
    }
    expectEqual(`${where}: flock probe after that descriptor was closed`, 'free', flockProbe(file));
    fs.unlinkSync(file);
    expectEqual(`${where}: flock probe of a missing file`, 'missing', flockProbe(file));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The scratch object reads back (positional read of /dev/shm) exactly as the host wrote it. */
function checkScratch(where: string, resolved: string): void {
  const back = readSegmentBytes(resolved, 0, SCRATCH_SIZE);
  expectTrue(`${where}: /dev/shm/${resolved} reads back as F(${SCRATCH_SIZE}, ${SCRATCH_SEQ})`, back.equals(framePattern(SCRATCH_SIZE, SCRATCH_SEQ)));
}

defineStep({
  id: 'Q01',
  keyword: 'Given',
  pattern: 'we are in DEBUG mode for protocol compliance tests',
  runsIn: 'host-all',
  boundMs: 10_000,
  summary:
    'Host and every live servo: Reader and Writer expose oiebSnapshot() and semaphoreValues(); the test-support flock probe works on a scratch file; /dev/shm inspection works (the host writes a scratch object, every process reads it back).',
  host: async (ctx) => {
    checkDiagnostics('host');
    const resolved = ctx.naming.resolve(SCRATCH_BASE);
    const shm = osObjectPaths(resolved).shm;
    fs.writeFileSync(shm, framePattern(SCRATCH_SIZE, SCRATCH_SEQ), { flag: 'wx', mode: 0o600 });
    try {
      checkScratch('host', resolved);
      const replies = await ctx.broadcast(10_000);
      for (const { servo, result } of replies) {
        expectEqual(`Q01 report of ${servo.label}: scratch object checked`, resolved, result.Context.scratch);
      }
    } finally {
      fs.rmSync(shm, { force: true });
    }
  },
  servo: (ctx) => {
    const where = `'${ctx.role}' (pid ${ctx.pid})`;
    checkDiagnostics(where);
    const resolved = ctx.resolve(SCRATCH_BASE);
    if (!fs.existsSync(osObjectPaths(resolved).shm)) fail(`${where}: the host's scratch object /dev/shm/${resolved} is missing`);
    checkScratch(where, resolved);
    return { scratch: resolved };
  },
});
