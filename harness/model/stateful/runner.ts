// The model-based runner: fast-check generates programs of rules (rules.ts), each program runs
// against real reader and writer processes (program-host.ts) and the model (model.ts), a failing
// program is shrunk to the shortest one that still fails, and that one is written as a feature
// file (gherkin.ts). Total time is bounded: exploration and shrinking each have a budget.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { describeError } from '../../assert';
import { getHostLogger, type Logger } from '../../logging';
import { logsRoot, reportsDir } from '../../paths';
import { checkEnvironment } from '../../host/environment';
import { ensureFreshBuild } from '../../host/build';
import { openWarmServos, type WarmServos } from '../../host/warm-servos';
import { removeDeadHostLeftovers } from '../../host/hygiene';
import { supervisor } from '../../host/supervisor';
import { BufferModel, type ModelConfig } from './model';
import { ProgramHost, type ProgramFailure, type TranscriptEntry } from './program-host';
import { ruleArbitraries } from './rules';
import { featureText } from './gherkin';
import '../../../steps/index';
import type { PhraseStep } from './phrases';

export interface ModelRunOptions {
  runs: number;
  maxCommands: number;
  seed?: number;
  /** fast-check replay path of a counterexample (with its seed). */
  path?: string;
  mutant: string | null;
  config: ModelConfig;
  /** Bound on exploring (new programs) and, separately, on shrinking a failure. */
  exploreMs: number;
  shrinkMs: number;
  /** Where counterexamples go. */
  outDir?: string;
  /** Progress lines (stderr). */
  progress: (line: string) => void;
}

export interface ModelRunResult {
  ok: boolean;
  seed: number;
  programs: number;
  path?: string;
  featureFile?: string;
  /** The failing program's steps (without Background), when one failed. */
  steps?: number;
  message?: string;
}

interface Execution {
  background: readonly PhraseStep[];
  transcript: TranscriptEntry[];
  failure: ProgramFailure | null;
  endProblems: string[];
}

/** Everything BeforeAll does for cucumber: environment, fresh build, stale clean-up, warm pool. */
function openHarness(logger: Logger): WarmServos | undefined {
  const env = checkEnvironment();
  ensureFreshBuild();
  removeDeadHostLeftovers();
  return env.warmPool === 0 ? undefined : openWarmServos(env.warmPool, logger);
}

export const BUFFER_BASE = 'model';

export async function runModel(o: ModelRunOptions): Promise<ModelRunResult> {
  const logger = getHostLogger(logsRoot());
  const warm = openHarness(logger);
  let ordinal = 0;
  let explored = 0;
  let firstFailureAt: number | null = null;
  let shrinkCandidates = 0;
  let lastFailing: Execution | null = null;
  let shrinkingStopped = false;
  let exploringStopped = false;
  const t0 = performance.now();

  const property = fc.asyncProperty(fc.commands(ruleArbitraries(BUFFER_BASE, o.config.metadataSize, o.config.payloadSize), { maxCommands: o.maxCommands, size: 'max' }), async (cmds) => {
    if (firstFailureAt !== null) {
      // A shrinking candidate. Past the budget the search stops: candidates are no longer run, and
      // the last program that did fail stays the counterexample.
      if (performance.now() - firstFailureAt > o.shrinkMs) {
        shrinkingStopped = true;
        return;
      }
      shrinkCandidates += 1;
    } else {
      // past the exploring budget no new program is run (the remaining runs pass at once)
      if (performance.now() - t0 > o.exploreMs) {
        exploringStopped = true;
        return;
      }
      explored += 1;
    }
    ordinal += 1;
    const host = await ProgramHost.open(ordinal, BUFFER_BASE, o.config, logger, warm?.pool);
    let error: unknown = null;
    try {
      await fc.asyncModelRun(() => ({ model: new BufferModel(o.config), real: host }), cmds);
    } catch (e) {
      error = e;
    }
    const endProblems = await host.close();
    const rules = host.transcript.filter((e) => e.model !== undefined).length;
    if (error === null && endProblems.length === 0) {
      if (firstFailureAt === null) o.progress(`program ${explored}/${o.runs}: ${rules} rules held (${host.runId})`);
      logger.info({ runId: host.runId, program: String(cmds) }, "model program held");
      return;
    }
    lastFailing = { background: host.background, transcript: host.transcript, failure: host.failure, endProblems: error === null ? endProblems : [] };
    const why = host.failure !== null ? host.failure.message.split('\n')[0]! : error !== null ? describeError(error) : endProblems.join('; ');
    if (firstFailureAt === null) {
      firstFailureAt = performance.now();
      o.progress(`program ${explored} FAILED after ${host.transcript.length} steps: ${why}`);
      o.progress(`shrinking (budget ${Math.round(o.shrinkMs / 1000)} s) …`);
    } else {
      o.progress(`shrink candidate ${shrinkCandidates}: still fails with ${host.transcript.length} steps`);
    }
    throw error ?? new Error(endProblems.join('\n'));
  });

  try {
    const details = await fc.check(property, {
      numRuns: o.runs,
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.path !== undefined ? { path: o.path } : {}),
      // a safety net only: the budgets above end exploring and shrinking themselves
      interruptAfterTimeLimit: o.exploreMs + o.shrinkMs + 60_000,
      markInterruptAsFailure: false,
    });
    const programs = ordinal;
    if (!details.failed) {
      if (exploringStopped) o.progress(`exploring stopped at its budget of ${Math.round(o.exploreMs / 1000)} s`);
      o.progress(`${programs} programs held in ${Math.round((performance.now() - t0) / 1000)} s (seed ${details.seed})`);
      return { ok: true, seed: details.seed, programs };
    }
    const ex: Execution | null = lastFailing;
    const replayPath = details.counterexamplePath ?? '';
    if (shrinkingStopped) o.progress(`shrinking stopped at its budget after ${shrinkCandidates} candidates`);
    if (ex === null) return { ok: false, seed: details.seed, programs, path: replayPath, message: describeError(details.errorInstance) };
    const e = ex as Execution;
    const replay = `npm run model -- --seed ${details.seed} --path "${replayPath}"${o.mutant !== null ? ` --mutant ${o.mutant}` : ''}`;
    const dir = o.outDir ?? path.join(reportsDir(), 'model');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `counterexample-${o.mutant ?? 'real'}-${details.seed}.feature`);
    const title = `Model counterexample (seed ${details.seed}${o.mutant !== null ? `, mutant ${o.mutant}` : ''})`;
    fs.writeFileSync(file, featureText({ ...e, seed: details.seed, path: replayPath, mutant: o.mutant, replay }, title));
    return {
      ok: false,
      seed: details.seed,
      programs,
      path: replayPath,
      featureFile: file,
      steps: e.transcript.length,
      message: e.failure?.message ?? e.endProblems.join('; '),
    };
  } finally {
    await warm?.close(2000);
    supervisor.killAll();
  }
}
