// Runs one generated program the way cucumber runs a scenario, without cucumber: a ScenarioRun
// (fresh servos from the warm pool, a fresh run id and so a fresh buffer name) and the Router
// deliver each step to the real processes. Steps are appended as the program runs; after every
// rule the model's state is checked with MB01. The transcript (steps, the model's state after
// each, the failing step and what was observed there) is what the Gherkin writer turns into a
// feature file.
import { describeError } from '../../assert';
import type { Logger } from '../../logging';
import { registry } from '../../registry';
import { Router } from '../../routing/router';
import { ScenarioRun } from '../../host/scenario';
import { ScenarioSteps } from '../../host/steps';
import type { WarmPool } from '../../host/warm-pool';
import { snapFromShm } from '../../diagnostics/snap';
import { STATE_FIELDS, type BufferModel, type ModelConfig } from './model';
import { phrases, type PhraseStep } from './phrases';
import type { Program } from './rules';

export interface TranscriptEntry {
  step: PhraseStep;
  /** The model's state after the rule this step ends (set on a rule's last step). */
  model?: string;
}

export interface ProgramFailure {
  step: PhraseStep;
  message: string;
  /** The model's prediction at the failing step and what the buffer held then. */
  expected: string;
  observed: string;
}

/** Marks the failure of a program step (the property fails with it; the transcript has the details). */
export class ProgramStepFailed extends Error {}

export class ProgramHost implements Program {
  readonly transcript: TranscriptEntry[] = [];
  failure: ProgramFailure | null = null;

  private constructor(
    private readonly run: ScenarioRun,
    private readonly router: Router,
    readonly background: readonly PhraseStep[],
  ) {}

  /** Starts the servos and runs the Background: buffer created by 'reader', connected by 'writer'. */
  static async open(ordinal: number, buffer: string, config: ModelConfig, logger: Logger, pool?: WarmPool): Promise<ProgramHost> {
    const background = [phrases.initialized(), phrases.ready(), phrases.create(buffer, config.metadataSize, config.payloadSize), phrases.connect(buffer)];
    const steps = new ScenarioSteps([]);
    for (const s of background) steps.append(s.keyword, s.text, s.table);
    const run = new ScenarioRun(ordinal, `model program ${ordinal}`, 'model', steps, logger, pool);
    const host = new ProgramHost(run, new Router(run), background);
    await run.start();
    for (const s of run.steps.list) await host.execute(s.index);
    return host;
  }

  get runId(): string {
    return this.run.runId;
  }

  private async execute(index: number): Promise<void> {
    const step = this.run.steps.begin(index);
    const m = registry.matchOne(step.text);
    await this.router.execute({ step, def: m.def, args: m.args, attach: () => undefined });
  }

  private async runStep(step: PhraseStep, model: BufferModel): Promise<void> {
    const s = this.run.steps.append(step.keyword, step.text, step.table);
    try {
      await this.execute(s.index);
    } catch (e) {
      this.failure = { step, message: describeError(e), expected: model.describe(), observed: this.observe() };
      throw new ProgramStepFailed(`step "${step.text}" failed: ${this.failure.message}`);
    }
  }

  async apply(steps: readonly PhraseStep[], model: BufferModel): Promise<void> {
    for (const step of steps) {
      this.transcript.push({ step });
      await this.runStep(step, model);
    }
    this.transcript[this.transcript.length - 1]!.model = model.describe();
    await this.runStep(phrases.state(model.expectedState()), model);
  }

  /** The buffer's state through the diagnostic interface, in the model's terms. */
  private observe(): string {
    const base = this.run.scenarioBuffer;
    if (base === undefined) return 'no buffer';
    try {
      const s = snapFromShm(this.run.naming.resolve(base));
      const v: Record<string, unknown> = {
        payload_free_bytes: s.oieb.payloadFreeBytes,
        payload_write_pos: s.oieb.payloadWritePos,
        payload_read_pos: s.oieb.payloadReadPos,
        payload_written_count: s.oieb.payloadWrittenCount,
        payload_read_count: s.oieb.payloadReadCount,
        metadata_written_bytes: s.oieb.metadataWrittenBytes,
        sem_w: s.sem.data,
        sem_r: s.sem.space,
      };
      return STATE_FIELDS.map((f) => `${f}=${String(v[f])}`).join(' ');
    } catch (e) {
      return `not observable: ${describeError(e)}`;
    }
  }

  /**
   * Teardown (always). Returns what broke the end-of-program invariants: failures no step
   * examined, teardown problems, and any OS object of the run that teardown had to remove.
   */
  async close(): Promise<string[]> {
    const r = await this.run.teardown();
    return [
      ...r.unobserved.map((u) => `unobserved failure: ${u}`),
      ...r.problems,
      ...r.removed.map((p) => `left behind after teardown (removed by hygiene): ${p}`),
    ];
  }
}
