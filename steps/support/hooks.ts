// Host hooks: the mutant announcement and addon (ZEROBUFFER_MUTANT), environment check, fresh build, native staleness warning, stale clean-up, the warm
// pool of servos (BeforeAll); servo start-up per scenario (Before); the step being executed
// (BeforeStep); log tails of a failing step (AfterStep); teardown, hygiene and log attachments
// (After); draining the pool, final kill-all and timing summary (AfterAll).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { After, AfterAll, AfterStep, Before, BeforeAll, BeforeStep, Status } from '@cucumber/cucumber';
import { checkEnvironment } from '../../harness/host/environment';
import { ensureFreshBuild } from '../../harness/host/build';
import { checkNativeBuild } from '../../harness/host/native-build';
import { removeDeadHostLeftovers } from '../../harness/host/hygiene';
import { ScenarioRun } from '../../harness/host/scenario';
import { ScenarioSteps } from '../../harness/host/steps';
import { supervisor } from '../../harness/host/supervisor';
import { openWarmServos, type WarmServos } from '../../harness/host/warm-servos';
import { scenarioLogAttachment, stderrAttachment, stepLogAttachment } from '../../harness/host/servo-logs';
import { servosOfStep } from '../../harness/host/step-servos';
import { registry } from '../../harness/registry';
import { Router } from '../../harness/routing/router';
import { getHostLogger, verboseEnabled, type Logger } from '../../harness/logging';
import { mutantAddonPath, mutantAnnouncement, mutantFromEnv, selectMutantAddon } from '../../harness/model/mutants';
import { logsRoot, reportsDir } from '../../harness/paths';
import type { HarnessWorld } from './world';

let logger: Logger;
let ordinal = 0;
/** This host's (this worker's) warm servos; each parallel worker keeps its own. */
let warm: WarmServos | undefined;
interface Timing {
  scenario: string;
  runId: string;
  startMs: number;
  teardownMs: number;
  overheadMs: number;
  wallMs: number;
}
const timings: Timing[] = [];
const scenarioStart = new WeakMap<object, number>();

BeforeAll({ timeout: 200_000 }, function () {
  // before anything else of the run: a mutant run must never pass for a run of the real addon
  const mutant = mutantFromEnv();
  if (mutant !== undefined) process.stderr.write(`${mutantAnnouncement(mutant)}\n`);
  selectMutantAddon();
  logger = getHostLogger(logsRoot());
  if (mutant !== undefined) logger.warn({ mutant, addon: mutantAddonPath(mutant) }, 'MUTANT run: every process loads the mutant addon');
  const env = checkEnvironment();
  const build = ensureFreshBuild();
  if (build.rebuilt) {
    logger.info({ ms: build.ms, stale: build.stale.slice(0, 20) }, 'dist was stale: rebuilt with tsc -p tsconfig.json');
    if (build.warnings !== '') process.stderr.write(`zerobuffer harness: tsc reported type errors (JavaScript was emitted):\n${build.warnings}\n`);
  }
  if (build.bundled !== null) logger.info({ why: build.bundled }, 'servo bundle rebuilt');
  const native = checkNativeBuild();
  if (native !== null) {
    logger.warn({ rebuild: 'npm run build:native' }, native);
    // the host log reaches stderr only with -v
    if (!verboseEnabled()) process.stderr.write(`zerobuffer harness: WARNING: ${native}\n`);
  }
  const stale = removeDeadHostLeftovers();
  if (stale.objects.length > 0 || stale.logDirs.length > 0) logger.info(stale, 'removed leftovers of earlier runs whose host process is dead');
  // after the build: warm servos run the compiled JavaScript as it is now
  if (env.warmPool > 0) warm = openWarmServos(env.warmPool, logger);
  logger.info({ env, worker: process.env.CUCUMBER_WORKER_ID ?? '0' }, 'harness ready');
});

Before({ timeout: 30_000 }, async function (this: HarnessWorld, { pickle, gherkinDocument }) {
  const tags = pickle.tags.map((t) => t.name);
  if (tags.includes('@windows') && process.platform !== 'win32') return 'skipped';
  if (tags.includes('@linux') && process.platform !== 'linux') return 'skipped';
  scenarioStart.set(this, performance.now());
  ordinal += 1;
  const featureId = path.basename(pickle.uri).replace(/\.feature$/, '');
  const run = new ScenarioRun(ordinal, pickle.name, featureId, ScenarioSteps.fromPickle(pickle, gherkinDocument), logger, warm?.pool);
  this.run = run;
  this.router = new Router(run);
  run.logger.info({ uri: pickle.uri, roles: run.namedRoles }, 'scenario start');
  await run.start();
  return undefined;
});

BeforeStep(function (this: HarnessWorld, { pickle, pickleStep }) {
  if (this.run === undefined) return;
  this.currentStep = this.run.steps.begin(pickle.steps.findIndex((s) => s.id === pickleStep.id));
  this.aliveAtStep = this.run.liveServos();
});

// A failing step carries the log tails of the servos it involved as its own attachments
// (attachments made in AfterStep belong to the step). Also after cucumber's own timeout, when the
// step function never returned.
AfterStep(function (this: HarnessWorld, { pickleStep, result }) {
  const run = this.run;
  if (run === undefined || result.status !== Status.FAILED) return;
  const matches = registry.match(pickleStep.text);
  if (matches.length !== 1) return;
  for (const s of servosOfStep(run, matches[0]!.def, pickleStep.text, this.aliveAtStep)) {
    const tail = stepLogAttachment(s);
    this.attach(tail.text, { mediaType: 'text/plain', fileName: tail.fileName });
  }
});

After({ timeout: 60_000 }, async function (this: HarnessWorld) {
  const run = this.run;
  if (run === undefined) return;
  const report = await run.teardown();
  // Logs of every servo of the scenario (also replaced/killed ones) go into the reports: always
  // for HTML/JSON/message, and they appear in the terminal summary of failing scenarios.
  for (const s of run.servos) {
    const log = scenarioLogAttachment(s);
    this.attach(log.text, { mediaType: 'text/plain', fileName: log.fileName });
    const err = stderrAttachment(s);
    if (err !== undefined) this.attach(err.text, { mediaType: 'text/plain', fileName: err.fileName });
  }
  if (report.removed.length > 0) this.attach(`hygiene removed:\n${report.removed.join('\n')}`, { mediaType: 'text/plain', fileName: 'hygiene.txt' });
  const wall = performance.now() - (scenarioStart.get(this) ?? performance.now());
  timings.push({
    scenario: run.name,
    runId: run.runId,
    startMs: Math.round(run.startMs),
    teardownMs: Math.round(report.ms),
    overheadMs: Math.round(run.startMs + report.ms),
    wallMs: Math.round(wall),
  });
  const errors = [...report.unobserved.map((u) => `unobserved failure: ${u}`), ...report.problems];
  if (errors.length > 0) throw new Error(`scenario teardown of "${run.name}" (run id ${run.runId}):\n${errors.join('\n')}`);
});

AfterAll({ timeout: 10_000 }, async function () {
  await warm?.close(2000);
  const killed = supervisor.killAll();
  if (killed.length > 0) logger?.warn({ killed }, 'servos still alive at the end of the run were SIGKILLed');
  if (timings.length === 0) return;
  const sorted = timings.map((t) => t.overheadMs).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const summary = { scenarios: timings.length, medianOverheadMs: median, maxOverheadMs: sorted[sorted.length - 1], timings };
  const dir = path.join(reportsDir(), 'timings');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `harness-${process.pid}-w${process.env.CUCUMBER_WORKER_ID ?? '0'}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  logger?.info({ scenarios: timings.length, medianOverheadMs: median }, 'per-scenario overhead (spawn + handshake + teardown)');
});
