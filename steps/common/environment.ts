// Environment steps: B01, B02 (fan-out: host part + every live servo).
import * as fs from 'node:fs';
import { defineStep } from '../../harness/registry';
import { expectEqual, expectTrue, fail } from '../../harness/assert';
import { runObjectsPresent } from '../../harness/host/hygiene';
import { LOCK_DIR } from '../../harness/host/environment';
import type { HostStepContext } from '../../harness/host/context';

/** The host loads the library itself (steps.md §1.1) and it reports protocol version 1.x.y. */
export function checkLibraryLoads(ctx: HostStepContext): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = require('../../src/index') as typeof import('../../src/index');
  const version = lib.diagnostics.protocolVersion();
  expectTrue(`library protocol version is 1.x.y`, /^1\.\d+\.\d+$/.test(version), version);
  ctx.logger.info({ version }, 'library loaded');
}

defineStep({
  id: 'B01',
  keyword: 'Given',
  pattern: 'the test environment is initialized',
  runsIn: 'host-all',
  boundMs: 5000,
  summary:
    'Host: /tmp/zerobuffer exists (01777 if created); no /dev/shm entry or lock file carries this run id. Each servo: dispose every library object, clear held frames, pending writes, loops, slots; report {pid, role, runId} and zero live objects (≤ 5 s).',
  host: async (ctx) => {
    if (!fs.existsSync(LOCK_DIR)) {
      fs.mkdirSync(LOCK_DIR, { mode: 0o777 });
      fs.chmodSync(LOCK_DIR, 0o1777);
    }
    expectTrue(`${LOCK_DIR} is a directory`, fs.lstatSync(LOCK_DIR).isDirectory());
    expectEqual(`OS objects carrying this scenario's run id ${ctx.runId} before the scenario`, '[]', JSON.stringify(runObjectsPresent(ctx.runId)));
    const replies = await ctx.broadcast(5000);
    for (const { servo, result } of replies) {
      const c = result.Context;
      expectEqual(`B01 report of ${servo.label}: pid`, servo.pid, c.pid);
      expectEqual(`B01 report of ${servo.label}: role`, servo.role, c.role);
      expectEqual(`B01 report of ${servo.label}: run id`, ctx.runId, c.runId);
      expectEqual(`B01 report of ${servo.label}: live library objects after reset`, 0, c.liveObjects);
    }
  },
  servo: async (ctx) => {
    const errors = await ctx.reset();
    if (errors.length > 0) fail(`environment reset in '${ctx.role}' could not clean up: ${errors.join('; ')}`);
    return { pid: ctx.pid, role: ctx.role, runId: ctx.runId, liveObjects: ctx.objects.liveCount() };
  },
});

defineStep({
  id: 'B02',
  keyword: 'Given',
  pattern: 'all processes are ready',
  runsIn: 'host-all',
  boundMs: 2000,
  summary:
    'Host: the library loads and reports its protocol version. Each live servo answers a readiness probe within 2 s; PIDs pairwise distinct and ≠ host PID; reported role and run id equal the routing table.',
  host: async (ctx) => {
    checkLibraryLoads(ctx);
    const replies = await ctx.broadcast(2000);
    const pids = new Set<number>();
    for (const { servo, result } of replies) {
      const c = result.Context;
      expectEqual(`readiness of ${servo.label}: pid`, servo.pid, c.pid);
      expectEqual(`readiness of ${servo.label}: role`, servo.role, c.role);
      expectEqual(`readiness of ${servo.label}: run id`, ctx.runId, c.runId);
      expectTrue(`servo PIDs pairwise distinct (${servo.pid} repeated)`, !pids.has(servo.pid));
      expectTrue(`servo PID ${servo.pid} differs from the host PID ${ctx.hostPid}`, servo.pid !== ctx.hostPid);
      pids.add(servo.pid);
    }
    expectEqual('number of ready servos = live servos of the scenario', ctx.liveServos().length, replies.length);
  },
  servo: (ctx) => ({ pid: ctx.pid, role: ctx.role, runId: ctx.runId, ready: true }),
});
