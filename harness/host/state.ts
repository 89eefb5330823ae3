// Per-scenario host state: what one host step leaves for a later host step of the same scenario
// (a baseline measured before a loop, a handle created by a setup step …). Keys are typed, so a
// reader of a value gets the type its writer stored; the store lives in the ScenarioRun and is
// cleared at teardown, so nothing leaks into the next scenario.
import { fail } from '../assert';

/** A typed key; `T` exists only for the type checker. Equal names address the same value. */
export interface StateKey<T> {
  readonly name: string;
  /** Never set: carries T. */
  readonly type?: T;
}

export function stateKey<T>(name: string): StateKey<T> {
  return { name };
}

export class ScenarioState {
  private readonly values = new Map<string, unknown>();

  get<T>(key: StateKey<T>): T | undefined {
    return this.values.get(key.name) as T | undefined;
  }

  set<T>(key: StateKey<T>, value: T): void {
    this.values.set(key.name, value);
  }

  has(key: StateKey<unknown>): boolean {
    return this.values.has(key.name);
  }

  /** The value, or a step failure naming the key (`why`: which earlier step should have set it). */
  require<T>(key: StateKey<T>, why?: string): T {
    if (!this.values.has(key.name)) fail(`host state '${key.name}' is not set${why !== undefined ? ` (${why})` : ''}`);
    return this.values.get(key.name) as T;
  }

  delete(key: StateKey<unknown>): boolean {
    return this.values.delete(key.name);
  }

  clear(): void {
    this.values.clear();
  }
}
