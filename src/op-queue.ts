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
   * Runs `op` after every earlier operation has settled. `opName` is used in the ClosedError
   * raised when the owner was closed while the operation waited for its turn.
   */
  run<T>(opName: string, op: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(() => {
      if (this.isClosed()) throw new ClosedError(`${opName}: ${this.describe()} is closed`);
      return op();
    });
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
