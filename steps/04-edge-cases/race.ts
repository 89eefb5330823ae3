// Feature 04 — the creation race of 4.11 (X49–X53): the host starts two reader processes, tells
// both to create the same buffer at one instant of the system-wide monotonic clock, and evaluates
// what they report.
import { ReaderAlreadyConnectedError, ZeroBufferError } from '../../src/index';
import { defineStep, registry } from '../../harness/registry';
import { describeError, expectEqual, expectTrue, fail } from '../../harness/assert';
import { checkFresh, snapFromShm } from '../../harness/diagnostics/snap';
import { fdCount, fileMode, umaskOf } from '../../harness/diagnostics/proc';
import { stateKey } from '../../harness/host/state';
import type { ServoProcess } from '../../harness/host/servo-process';
import type { HostStepContext } from '../../harness/host/context';
import { BUFFER_CONFIGS } from '../../harness/model/config';
import { osObjectPaths } from '../../harness/model/naming';
import { sleep } from '../../harness/model/timing';

/** How far ahead of "now" the host sets the common start instant. */
const START_AHEAD_NS = 200_000_000n;
/** Start times further apart than this mean the race was not exercised. */
const MAX_START_SKEW_NS = 50_000_000n;

interface RaceReport {
  pid: number;
  ok: boolean;
  errorClass: string | null;
  errorCode: string | null;
  error: string | null;
  /** process.hrtime.bigint() (CLOCK_MONOTONIC, system-wide) right before the create call. */
  startNs: bigint;
  fdsBefore: number;
  fdsAfter: number;
  liveObjects: number;
}

const RACERS = stateKey<{ role: string; servos: ServoProcess[] }>('race.racers');
const REPORTS = stateKey<{ base: string; resolved: string; reports: RaceReport[] }>('race.reports');

function requireReports(hctx: HostStepContext): { base: string; resolved: string; reports: RaceReport[] } {
  return hctx.state.require(REPORTS, 'set by "both simultaneously attempt to create buffer …"');
}

/** Waits for a CLOCK_MONOTONIC instant: sleeps most of the way, then spins for precision. */
async function untilMonotonic(atNs: bigint): Promise<void> {
  const ms = Number((atNs - process.hrtime.bigint()) / 1_000_000n) - 5;
  if (ms > 0) await sleep(ms);
  while (process.hrtime.bigint() < atNs) {
    // spin: the last few milliseconds decide whether both creates overlap
  }
}

registry.defineInstruction({
  name: 'raceCreate',
  servo: async (ctx, args) => {
    const { base, atNs } = args as { base: string; atNs: string };
    const cfg = BUFFER_CONFIGS.default;
    await untilMonotonic(BigInt(atNs));
    const fdsBefore = fdCount('self');
    const startNs = process.hrtime.bigint();
    const o = await ctx.outcomes.attempt('lastCreate', null, () => ctx.objects.createReader(base, cfg.metadataSize, cfg.payloadSize));
    const err = o.ok ? null : o.error;
    return {
      pid: ctx.pid,
      ok: o.ok,
      errorClass: err instanceof Error ? err.constructor.name : null,
      errorCode: err instanceof ZeroBufferError ? err.code : null,
      error: err === null ? null : describeError(err),
      startNs: startNs.toString(),
      fdsBefore,
      fdsAfter: fdCount('self'),
      liveObjects: ctx.objects.liveCount(),
    };
  },
});

defineStep({
  id: 'X49',
  keyword: 'Given',
  pattern: "two '{role}' processes",
  runsIn: 'host-multi',
  summary: "Start two fresh processes of role (A and B); they are the scenario's only processes of that role.",
  host: async (hctx, role: string) => {
    const existing = hctx.liveServos().filter((s) => s.role === role);
    if (existing.length > 0) fail(`two '${role}' processes: the scenario already has ${existing.map((s) => s.label).join(', ')}`);
    const servos = await Promise.all([hctx.startProcess(role, false), hctx.startProcess(role, false)]);
    expectTrue(`the two '${role}' processes have distinct PIDs (${servos[0].pid}, ${servos[1].pid})`, servos[0].pid !== servos[1].pid);
    hctx.state.set(RACERS, { role, servos });
  },
});

defineStep({
  id: 'X50',
  keyword: 'When',
  pattern: "both simultaneously attempt to create buffer '{name}'",
  runsIn: 'host-multi',
  summary:
    'A and B create a reader for the resolved name (default config) at one instant T0 = now + 200 ms of the system-wide monotonic clock and report outcome and start time; the start times must lie within 50 ms.',
  host: async (hctx, base: string) => {
    const { servos } = hctx.state.require(RACERS, 'set by "two \'<role>\' processes"');
    const atNs = process.hrtime.bigint() + START_AHEAD_NS;
    const raw = await Promise.all(servos.map((s) => hctx.instruct(s, 'raceCreate', { base, atNs: atNs.toString() }, 15_000)));
    const reports = raw.map((r) => ({ ...(r as unknown as RaceReport), startNs: BigInt(r.startNs as string) }));
    for (const { pid, ...r } of reports) hctx.logger.info({ ...r, racerPid: pid, startNs: r.startNs.toString(), lateNs: (r.startNs - atNs).toString() }, 'race participant');
    const skew = reports[0]!.startNs - reports[1]!.startNs;
    const abs = skew < 0n ? -skew : skew;
    expectTrue(`start times of the two creates within ${MAX_START_SKEW_NS / 1_000_000n} ms of each other (observed ${Number(abs) / 1e6} ms)`, abs <= MAX_START_SKEW_NS);
    hctx.state.set(REPORTS, { base, resolved: hctx.naming.resolve(base), reports });
  },
});

defineStep({
  id: 'X51',
  keyword: 'Then',
  pattern: 'only one should succeed',
  runsIn: 'host-multi',
  summary: 'Exactly one of the two outcomes is a success.',
  host: (hctx) => {
    const { reports } = requireReports(hctx);
    const ok = reports.filter((r) => r.ok);
    expectEqual(`successful creations (outcomes: ${reports.map((r) => `pid ${r.pid}: ${r.ok ? 'ok' : r.error}`).join('; ')})`, 1, ok.length);
  },
});

defineStep({
  id: 'X52',
  keyword: 'Then',
  pattern: 'other should receive appropriate error',
  runsIn: 'host-multi',
  summary: 'The other outcome is ReaderAlreadyConnectedError ZB_READER_EXISTS; that process holds no library object and its FDS equals its count before the attempt.',
  host: (hctx) => {
    const { reports } = requireReports(hctx);
    const losers = reports.filter((r) => !r.ok);
    expectEqual('failed creations', 1, losers.length);
    const l = losers[0]!;
    expectEqual(`losing process ${l.pid}: error class (${l.error})`, ReaderAlreadyConnectedError.name, l.errorClass);
    expectEqual(`losing process ${l.pid}: error code`, 'ZB_READER_EXISTS', l.errorCode);
    expectEqual(`losing process ${l.pid}: live library objects after the attempt`, 0, l.liveObjects);
    expectEqual(`losing process ${l.pid}: FDS after the attempt = FDS before it (nothing leaked)`, l.fdsBefore, l.fdsAfter);
  },
});

defineStep({
  id: 'X53',
  keyword: 'Then',
  pattern: 'no resource corruption should occur',
  runsIn: 'host',
  summary:
    "The scenario buffer: PRESENT; FRESH OIEB with the default config and reader_pid = the owning (winning) process, alive; file modes as created (0666 & ~umask); both semaphores 0; lock held (host probe fails).",
  host: (hctx) => {
    const base = hctx.scenarioBuffer();
    if (base === undefined) fail('no scenario buffer has been mentioned');
    const resolved = hctx.naming.resolve(base);
    const paths = osObjectPaths(resolved);
    for (const [what, p] of Object.entries(paths)) expectTrue(`PRESENT(${resolved}): ${what} ${p} exists`, fileMode(p) !== null);
    const winner = hctx.state.get(REPORTS)?.reports.find((r) => r.ok);
    if (winner === undefined) fail(`no process reported a successful creation of ${resolved}`);
    const cfg = BUFFER_CONFIGS.default;
    checkFresh(snapFromShm(resolved), cfg.metadataSize, cfg.payloadSize, winner.pid);
    const mode = 0o666 & ~umaskOf(winner.pid);
    for (const [what, p] of Object.entries(paths)) {
      expectEqual(`${what} ${p}: file mode as created (0666 & ~umask of pid ${winner.pid})`, mode.toString(8), fileMode(p)!.toString(8));
    }
  },
});
