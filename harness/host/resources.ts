// Library objects the host creates itself (a Reader in a scenario that names no role, a Writer
// used to corrupt a buffer, a mapping …): registered on the scenario and disposed at teardown in
// reverse creation order — after the servos have been quiesced (no background loop of theirs is
// still using the buffer) and before they are shut down. A disposal error never stops the other
// disposals; every one is reported and fails the scenario like any other teardown problem.
import '../../src/dispose';
import { describeError } from '../assert';

/** Anything the host can close; disposal prefers Symbol.asyncDispose, then Symbol.dispose, then close(). */
export type HostResource = { close(): unknown } | { [Symbol.dispose](): void } | { [Symbol.asyncDispose](): PromiseLike<void> };

async function dispose(r: HostResource): Promise<void> {
  if (Symbol.asyncDispose in r) await r[Symbol.asyncDispose]();
  else if (Symbol.dispose in r) r[Symbol.dispose]();
  else await r.close();
}

export class HostResources {
  private readonly owned: { resource: HostResource; label: string }[] = [];

  /** Registers `resource` for disposal at teardown and returns it. */
  own<T extends HostResource>(resource: T, label: string): T {
    if (!(Symbol.asyncDispose in resource || Symbol.dispose in resource || typeof (resource as { close?: unknown }).close === 'function')) {
      throw new TypeError(`host resource ${label} has neither close() nor [Symbol.dispose]/[Symbol.asyncDispose]`);
    }
    this.owned.push({ resource, label });
    return resource;
  }

  get size(): number {
    return this.owned.length;
  }

  /** Disposes every registered resource, newest first; returns one message per failure. */
  async disposeAll(): Promise<string[]> {
    const errors: string[] = [];
    for (const { resource, label } of this.owned.splice(0).reverse()) {
      try {
        await dispose(resource);
      } catch (e) {
        errors.push(`disposing host resource ${label} failed: ${describeError(e)}`);
      }
    }
    return errors;
  }
}
