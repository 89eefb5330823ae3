// Parse once: the host has matched a step with cucumber, so executeStep.Parameters carries what it
// found — {StepId, Role, Args} — and the servo looks the definition up by id instead of matching
// the text again with the same expressions. Other hosts (the orchestrator of the other ZeroBuffer
// implementations) send the text only; for them the servo matches the text as before.
import { registry, type StepDefinition, type StepMatch } from '../registry';
import { decodeArgs, encodeArgs, type WireValue } from './args';
import { normalizeParams } from './protocol';

export type StepCallParameters = {
  /** Id of the definition the host matched (steps.md ids: B06, L11 …). */
  StepId: string;
  /** Role the host routed the step to; null for a fan-out delivered to every servo. */
  Role: string | null;
  /** The typed expression arguments (role included), encoded by rpc/args.ts. */
  Args: WireValue[];
};

export function stepCallParameters(def: StepDefinition, role: string | null, args: readonly unknown[]): StepCallParameters {
  return { StepId: def.id, Role: role, Args: encodeArgs(args) };
}

/**
 * The definition and arguments of an executeStep request received by the servo of `servoRole`:
 * from Parameters when the host sent a StepId, otherwise by matching `text`.
 */
export function resolveStepCall(text: string, parameters: unknown, servoRole: string): StepMatch {
  const p = normalizeParams(parameters ?? {});
  if (p.stepid === undefined || p.stepid === null) return registry.matchOne(text);
  const id = String(p.stepid);
  const def = registry.byId(id);
  if (def === undefined) throw new Error(`unknown step id ${JSON.stringify(id)} for step ${JSON.stringify(text)} (host and servo run different step registries)`);
  if (typeof p.role === 'string' && p.role !== servoRole) {
    throw new Error(`step ${id} was routed to role '${p.role}' but reached the servo of role '${servoRole}': ${JSON.stringify(text)}`);
  }
  const args = decodeArgs(p.args ?? []);
  if (args.length !== def.parameterCount) {
    throw new Error(`step ${id} takes ${def.parameterCount} argument(s), the host sent ${args.length}: ${JSON.stringify(text)}`);
  }
  return { def, args };
}
