// The cucumber World of the host: the scenario run (servos, router) and the current step text.
import { World, setWorldConstructor, type IWorldOptions } from '@cucumber/cucumber';
import type { ScenarioRun } from '../../harness/host/scenario';
import type { Router, RoutedStep } from '../../harness/routing/router';

export class HarnessWorld extends World {
  run: ScenarioRun | undefined;
  router: Router | undefined;
  /** Set by the BeforeStep hook: cucumber does not pass the step text to step functions. */
  currentStep: RoutedStep | undefined;
  /** Keyword type of the previous step, for `And`/`But` (pickle type Unknown). */
  lastStepType = 0;

  constructor(options: IWorldOptions) {
    super(options);
  }
}

setWorldConstructor(HarnessWorld);
