// Per-object FIFO queue for asynchronous native calls (protocol.md §15.3).
//
// At most one native operation runs per Reader/Writer at a time. Async calls are chained in call
// order; a synchronous blocking call while an async call is queued or in flight is misuse and
// throws InvalidStateError instead of racing the worker thread.
import { ClosedError, InvalidStateError } from './errors';

export class OpQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /**
   * @param describe  names the owner in error messages (e.g. `Reader "demo"`).
   * @param isClosed  checked before each queued operation starts; a closed owner rejects with ClosedError.
   */
  constructor(
    private readonly describe: () => string,
    private readonly isClosed: () => boolean,
  ) {}

  /** Number of async operations queued or in flight. */
  get size(): number {
    return this.pending;
  }

  /** True while an async operation is queued or in flight. */
  get busy(): boolean {
    return this.pending > 0;
  }

  /**
   * Runs `op` after every earlier operation has settled — at once when none is queued or in
   * flight, so an operation that finds its data ready costs no extra turn of the microtask queue.
   * `opName` is used in the ClosedError raised when the owner was closed before the operation
   * started.
   */
  run<T>(opName: string, op: () => Promise<T>): Promise<T> {
    const start = (): Promise<T> => {
      if (this.isClosed()) throw new ClosedError(`${opName}: ${this.describe()} is closed`);
      return op();
    };
    const idle = this.pending === 0;
    this.pending++;
    let result: Promise<T>;
    if (idle) {
      try {
        result = start();
      } catch (err) {
        result = Promise.reject(err);
      }
    } else {
      result = this.tail.then(start);
    }
    const done = (): void => {
      this.pending--;
    };
    // The chain continues whatever the outcome; the caller sees `result` itself.
    this.tail = result.then(done, done);
    return result;
  }

  /** Throws InvalidStateError when a synchronous call `opName` would overlap an async call. */
  assertIdle(opName: string): void {
    if (this.pending > 0) {
      throw new InvalidStateError(
        `${opName}: cannot run a synchronous operation while ${this.pending} asynchronous operation(s) of ${this.describe()} are in flight`,
      );
    }
  }
}
