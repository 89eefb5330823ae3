// Feature 04 — a writer that comes before its reader (scenario 4.12): X54–X57.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BufferNotFoundError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { expectEqual, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { checkResidue } from '../../harness/diagnostics/residue';
import { LOCK_DIR } from '../../harness/host/environment';
import { RUN_ID_FORMAT } from '../../harness/model/naming';
import type { ServoContext } from '../../harness/servo/context';
import { checkLibraryLoads } from '../common/environment';

/** Directories that must accept a probe file: shared memory and the lock directory. */
const PROBED_DIRS = ['/dev/shm', LOCK_DIR];
/** How long every live servo has to answer the readiness probe. */
const PROBE_TIMEOUT_MS = 2000;

defineStep({
  id: 'X54',
  keyword: 'Given',
  pattern: 'the system is ready',
  runsIn: 'host',
  boundMs: 5_000,
  summary:
    'The library loads on the host; /dev/shm and /tmp/zerobuffer accept creating and removing a probe file named with the run id; the run id is set; every live servo answers a probe with its PID, role and the run id.',
  host: async (ctx) => {
    checkLibraryLoads(ctx);
    expectTrue(`the scenario's run id ${JSON.stringify(ctx.runId)} is set in the harness format`, RUN_ID_FORMAT.test(ctx.runId));
    for (const dir of PROBED_DIRS) {
      // the run id in the name keeps concurrent runs apart, and the teardown hygiene removes a leftover
      const probe = path.join(dir, `readiness-probe_${ctx.runId}`);
      try {
        fs.writeFileSync(probe, ctx.runId, { flag: 'wx', mode: 0o600 });
        fs.unlinkSync(probe);
      } catch (e) {
        fail(`${dir} must accept creating and removing the probe file ${probe}: ${(e as Error).message}`);
      }
      expectEqual(`probe file ${probe} is gone after removal`, false, fs.existsSync(probe));
    }
    const replies = await ctx.statusAll(PROBE_TIMEOUT_MS);
    expectEqual('servos answering the readiness probe = live servos', ctx.liveServos().length, replies.length);
    for (const { servo, status } of replies) {
      expectEqual(`readiness of ${servo.label}: pid`, servo.pid, status.pid);
      expectEqual(`readiness of ${servo.label}: role`, servo.role, status.role);
      expectEqual(`readiness of ${servo.label}: run id`, ctx.runId, status.runId);
    }
    ctx.logger.info({ servos: replies.length }, 'system ready');
  },
});

/** The resolved name of the last connection attempt. */
function attemptedName(ctx: ServoContext): string {
  const name = ctx.outcomes.get('lastConnect').details.name;
  if (typeof name !== 'string') fail('lastConnect records no buffer name');
  return name;
}

defineStep({
  id: 'X55',
  keyword: 'When',
  pattern: "a '{role}' process attempts to connect to non-existent buffer '{name}'",
  runsIn: 'process',
  summary: 'Precondition RESIDUE(resolved): no shm, semaphore or lock file. Attempt a writer connect to the resolved name; record lastConnect.',
  servo: async (ctx, _role: string, name: string) => {
    const resolved = ctx.resolve(name);
    checkResidue('precondition of connecting to a non-existent buffer', resolved);
    const o = await ctx.outcomes.attempt('lastConnect', null, () => ctx.objects.connectWriter(name), { name: resolved });
    return { ok: o.ok };
  },
});

defineStep({
  id: 'X56',
  keyword: 'Then',
  pattern: 'the connection should fail with appropriate error',
  runsIn: 'process',
  summary: 'Inherited writer: lastConnect failed with BufferNotFoundError ZB_BUFFER_NOT_FOUND.',
  servo: (ctx) => {
    const o = ctx.outcomes.get('lastConnect');
    expectErrorClassCode(`lastConnect (writer for ${attemptedName(ctx)})`, o.ok ? undefined : o.error, BufferNotFoundError, 'ZB_BUFFER_NOT_FOUND');
  },
});

defineStep({
  id: 'X57',
  keyword: 'Then',
  pattern: 'error should indicate no shared memory found',
  runsIn: 'process',
  summary: "Inherited writer: the lastConnect error's message contains `no shared memory found` and the resolved name; RESIDUE(resolved) still holds.",
  servo: (ctx) => {
    const o = ctx.outcomes.get('lastConnect');
    const name = attemptedName(ctx);
    if (o.ok) fail(`lastConnect (writer for ${name}): expected a failure, observed success`);
    const message = o.error instanceof Error ? o.error.message : String(o.error);
    expectTrue(`lastConnect error message contains "no shared memory found"`, message.includes('no shared memory found'), message);
    expectTrue(`lastConnect error message contains the resolved name ${name}`, message.includes(name), message);
    checkResidue('after the failed connection attempt', name);
  },
});
