// The servo protocol (harness.md "The servo protocol"): JSON-RPC 2.0 with Content-Length framing
// over stdin/stdout, compatible with the C++, C# and Python ZeroBuffer test servers.
//
//   health                         → true
//   initialize {Role, Platform, Scenario, HostPid, FeatureId, TestRunId} → true
//   executeStep {Process, StepType, Step, IsBroadcast, Table?, Parameters, Context} → StepResult
//   discover                       → {Steps: [{Type, Pattern}]}
//   cleanup                        → CleanupResult (extension fields are additive)
//   shutdown                       → true, then the servo exits
//   crash                          → terminates abruptly (no cleanup, no reply)
//
// Extensions used by our host (other servers simply do not implement them): `zb/status`, and
// `initialize.LogDir`, the log directory of the scenario execution — what a warm servo, started
// before its scenario existed, learns with its binding (servo/binding.ts).
import type { StepLog } from '../logging';

export const enum StepType {
  Given = 0,
  When = 1,
  Then = 2,
}

export interface InitializeParams {
  Role: string;
  Platform: string;
  Scenario: string;
  HostPid: number;
  FeatureId: string;
  TestRunId: string;
  /** Harness extension: where the servo writes its log for this scenario execution. */
  LogDir?: string;
}

export interface StepTable {
  Headers: string[];
  Rows: string[][];
}

export interface ExecuteStepParams {
  Process: string;
  StepType: number;
  Step: string;
  IsBroadcast: boolean;
  Table?: StepTable | null;
  Parameters: Record<string, unknown>;
  Context: Record<string, unknown>;
}

export interface StepResult {
  Success: boolean;
  Error: string | null;
  Context: Record<string, unknown>;
  Logs: StepLog[];
}

export interface DiscoverResult {
  Steps: { Type: string; Pattern: string }[];
}

export interface CleanupResult {
  Success: boolean;
  /** Errors of pending operations / background loops that no step examined (steps.md §1.1). */
  Unobserved: string[];
  /** Disposal problems. */
  Errors: string[];
  Logs: StepLog[];
}

export interface ServoStatus {
  role: string;
  pid: number;
  runId: string;
  scenario: string;
  liveObjects: number;
  uptimeMs: number;
}

/**
 * Params arrive as an object or as a one-element array; key casing is PascalCase in requests but
 * any casing is accepted. Returns a lookup that ignores case.
 */
export function normalizeParams(params: unknown): Record<string, unknown> {
  let p = params;
  if (Array.isArray(p)) p = p.length > 0 ? p[0] : {};
  if (p === null || p === undefined) return {};
  if (typeof p !== 'object') return { value: p };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p as Record<string, unknown>)) out[k.toLowerCase()] = v;
  return out;
}

/** Case-insensitive method lookup key. */
export function methodKey(method: string): string {
  return method.toLowerCase();
}

export function toTable(raw: unknown): StepTable | null {
  if (raw === null || raw === undefined || typeof raw !== 'object') return null;
  const t = normalizeParams(raw);
  const headers = t.headers;
  const rows = t.rows;
  if (!Array.isArray(headers) || !Array.isArray(rows)) return null;
  return { Headers: headers.map(String), Rows: rows.map((r) => (Array.isArray(r) ? r.map(String) : [])) };
}
