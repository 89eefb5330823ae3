// Which servos a step involved — whose logs a failing step carries (its attachments, and the tail
// in its failure message, which is what the JUnit report shows). A process step involves the
// servo the routing rules pick for it; a host step (waits, kills, fan-outs, multi-process
// drivers, or a process-less step with nothing to inherit) involves every servo of the scenario
// that was alive when the step started or was started by it (a victim killed by the step included).
import type { StepSpec } from '../registry';
import { routeStep } from '../routing/rules';

/** What is read of a servo here (ServoProcess satisfies it). */
export interface StepServo {
  readonly role: string;
  readonly alive: boolean;
}

/** What is read of the scenario here (ScenarioRun satisfies it). */
export interface StepServoScenario<S extends StepServo> {
  readonly servos: readonly S[];
  readonly roles: ReadonlyMap<string, readonly S[]>;
  readonly inherited: S | null;
}

/**
 * The servos of a step, judged after it ran (or failed): `aliveAtStart` are the servos that were
 * alive when the step started. For a process step the rule's servo as the scenario now records it
 * — the role's current process (rules 2, 3, 5, 7), the newest process of the role (rule 4), the
 * inherited target (rule 8); when the step failed before that servo existed, the host-step set.
 */
export function servosOfStep<S extends StepServo>(run: StepServoScenario<S>, def: Pick<StepSpec, 'runsIn'>, text: string, aliveAtStart: readonly S[]): S[] {
  const route = routeStep(def, text);
  let target: S | null | undefined;
  switch (route.rule) {
    case 'the':
    case 'a':
    case 'new':
    case 'override':
      target = run.roles.get(route.role!)?.[0];
      break;
    case 'second': {
      const list = run.roles.get(route.role!) ?? [];
      target = list.length > 1 ? list[list.length - 1] : undefined;
      break;
    }
    case 'inherit':
      target = run.inherited;
      break;
    case 'host':
      target = undefined;
  }
  if (target !== undefined && target !== null) return [target];
  return run.servos.filter((s) => s.alive || aliveAtStart.includes(s));
}
