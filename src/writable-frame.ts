// WritableFrame: a zero-copy frame reserved by a Writer, filled in place, then committed or
// aborted (protocol.md §10.1, §10.3).
import type { NativePendingFrame } from './native';
import { ClosedError, InvalidArgumentError, InvalidStateError } from './errors';
import { validateData } from './config';
import type { Writer } from './writer';

/**
 * A zero-copy frame reserved by `Writer.acquire`. Fill `data` (or copy into it with set()), then
 * commit() to publish it or abort() to drop it (no sequence number is consumed by an abort).
 * `data` becomes length 0 after commit, abort or close.
 */
export class WritableFrame {
  /** The sequence number the frame will carry when committed. */
  readonly sequence: bigint;
  /** Payload size in bytes. */
  readonly size: number;
  /** False only in the copying fallback (§10.3). */
  readonly isZeroCopy: boolean;
  /** The Writer this frame belongs to. */
  readonly writer: Writer;
  #settled = false;
  #data: Uint8Array | undefined;

  /** @internal Created by Writer.acquire/acquireSync only. */
  constructor(writer: Writer, nf: NativePendingFrame) {
    this.writer = writer;
    this.sequence = nf.sequence;
    this.size = nf.size;
    this.isZeroCopy = nf.isZeroCopy;
  }

  /**
   * Writable view into the ring, exactly `size` bytes; length 0 once the frame is committed,
   * aborted or its Writer closed. Made when first read: a frame filled with set() alone never
   * needs one, and a view costs the runtime an external buffer (an allocation, a weak handle, and
   * a free deferred to the next event loop turn — which a synchronous loop never reaches).
   */
  get data(): Uint8Array {
    if (this.#data === undefined) this.#data = this.pending ? this.writer._frameData() : new Uint8Array(0);
    return this.#data;
  }

  /**
   * Copies `source` into `data` at `offset`, as `data.set(source, offset)` does, with the copy
   * `write()` makes: from 64 KiB on (x86-64 with ERMS), `rep movsb`, which writes whole lines without
   * first fetching them from the Reader's CPU — a 1 MiB frame filled up to twice as fast as with
   * `data.set` (docs/performance.md, "The 1 MiB cliff"). No view is made for it. InvalidArgumentError
   * when it does not fit; InvalidStateError or ClosedError when the frame is not pending.
   */
  set(source: Uint8Array, offset = 0): void {
    if (this.#settled || this.writer.closed) this.#checkPending('set');
    validateData(source, 'source');
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.size - source.length) {
      throw new InvalidArgumentError('ZB_INVALID_ARGUMENT', `Invalid argument source: ${source.length} bytes at offset ${String(offset)} do not fit in a frame of ${this.size}`);
    }
    this.writer._fill(offset, source);
  }

  /** True until commit(), abort() or the Writer's close(). */
  get pending(): boolean {
    return !this.#settled && !this.writer.closed;
  }

  /** Publishes the frame (§10.1) and returns its sequence. InvalidStateError when not pending. */
  commit(): bigint {
    // Between the caller's last write and the Reader's wake-up: no crossing into the addon but the
    // commit itself, which reports a closed Writer too (then as any call on it does).
    if (this.#settled) this.#checkPending('commit');
    this.#settled = true;
    try {
      return this.writer._commit();
    } catch (err) {
      if (this.writer.closed) this.#checkPending('commit');
      throw err;
    }
  }

  /** Drops the frame without publishing anything. InvalidStateError when not pending. */
  abort(): void {
    this.#checkPending('abort');
    this.#settled = true;
    this.writer._abort();
  }

  #checkPending(op: string): void {
    if (this.writer.closed) throw new ClosedError(`${op}: Writer ${JSON.stringify(this.writer.name)} is closed`);
    if (this.#settled) throw new InvalidStateError(`${op}: frame ${this.sequence} is not pending (already committed or aborted)`);
  }
}
