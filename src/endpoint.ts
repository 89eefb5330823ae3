// What Reader and Writer have in common: a native handle, the FIFO queue of async calls, the
// diagnostics, peer-liveness polling and close/dispose. Each subclass adds its side's protocol.
import './dispose';
import type { NativeReader, OiebSnapshot, SemaphoreValues } from './native';
import { callNative } from './error-factory';
import { validateTimeout } from './config';
import { OpQueue } from './op-queue';
import { closeOnExit } from './exit-close';
import { pollUntil } from './poll';

/** The part of the native Reader/Writer handle shared by both sides. */
export type NativeEndpoint = Pick<
  NativeReader,
  'name' | 'metadataSize' | 'payloadSize' | 'closed' | 'oiebSnapshot' | 'semaphoreValues' | 'close'
>;

export abstract class BufferEndpoint<N extends NativeEndpoint> implements Disposable {
  protected readonly handle: N;
  protected readonly queue: OpQueue;
  readonly #untrack: () => void;
  /**
   * Set by close(). The per-call checks read it rather than `handle.closed` (a call into the
   * addon, as costly as a small read); a handle closed otherwise — by the exit hook, at
   * environment teardown — is still refused by the addon itself, with ClosedError.
   */
  #closeCalled = false;

  protected constructor(handle: N, kind: 'Reader' | 'Writer') {
    this.handle = handle;
    this.queue = new OpQueue(
      () => `${kind} ${JSON.stringify(handle.name)}`,
      () => handle.closed,
    );
    this.#untrack = closeOnExit(handle);
  }

  /** Buffer name. */
  get name(): string {
    return this.handle.name;
  }
  /** Aligned metadata size `M`. */
  get metadataSize(): number {
    return this.handle.metadataSize;
  }
  /** Aligned payload ring size `P`. */
  get payloadSize(): number {
    return this.handle.payloadSize;
  }
  /** True after close(). */
  get closed(): boolean {
    return this.#closeCalled || this.handle.closed;
  }

  /** close() was called (see #closeCalled). */
  protected get closeCalled(): boolean {
    return this.#closeCalled;
  }

  /** Diagnostics: every OIEB field (§15.7). */
  oiebSnapshot(): OiebSnapshot {
    return callNative(() => this.handle.oiebSnapshot());
  }

  /** Diagnostics: `{ data: sem-w, space: sem-r }` values (§15.7). */
  semaphoreValues(): SemaphoreValues {
    return callNative(() => this.handle.semaphoreValues());
  }

  /**
   * Idempotent. Ends an in-flight async operation with ClosedError. A Reader detaches every
   * outstanding frame view and unlinks the shared memory, semaphores and lock file (§2.8); a
   * Writer aborts a pending acquisition, clears `writer_pid` and unlinks nothing (§7.2).
   */
  close(): void {
    callNative(() => this.handle.close());
    this.#closeCalled = true;
    this.#untrack();
  }

  /** Same as close(). */
  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * Peer query of §6.6 / §7.3: without a timeout a single check; with one, polls every 100 ms
   * with timers (never blocking the JS thread) until true or the deadline.
   */
  protected peerConnected(probe: () => boolean, timeoutMs: number | undefined, what: string): boolean | Promise<boolean> {
    if (timeoutMs === undefined) return callNative(probe);
    let t: number;
    try {
      t = validateTimeout(timeoutMs, { sync: false });
    } catch (err) {
      return Promise.reject(err);
    }
    return pollUntil(probe, t, () => this.handle.closed, `${what} on ${JSON.stringify(this.name)}`);
  }
}
