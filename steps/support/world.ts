// The cucumber World of the host: the scenario run (servos, router) and the step being executed.
import { World, setWorldConstructor, type IWorldOptions } from '@cucumber/cucumber';
import type { ScenarioRun } from '../../harness/host/scenario';
import type { ScenarioStep } from '../../harness/host/steps';
import type { ServoProcess } from '../../harness/host/servo-process';
import type { Router } from '../../harness/routing/router';

export class HarnessWorld extends World {
  run: ScenarioRun | undefined;
  router: Router | undefined;
  /** Set by the BeforeStep hook: cucumber does not pass the step (text, keyword) to step functions. */
  currentStep: ScenarioStep | undefined;
  /** Set by the BeforeStep hook: the servos alive when the step started (see host/step-servos.ts). */
  aliveAtStep: readonly ServoProcess[] = [];

  constructor(options: IWorldOptions) {
    super(options);
  }
}

setWorldConstructor(HarnessWorld);
