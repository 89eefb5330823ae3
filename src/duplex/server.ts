// ImmutableDuplexServer (protocol.md §11.3): answers each request of one client with exactly one
// response, in order.
//
// Composed from a Reader that owns `<channel>_request` and a Writer on `<channel>_response`; the
// ring logic, waiting, zero-copy views and death detection are theirs. The loop is a chain of
// Promises: every wait (for a request, for ring space) happens on the addon's wait threads in
// 100 ms slices, so the JavaScript thread is never blocked and the handler runs on it.
//
// "Immutable": the handler sees the request as a read-only view into the request ring and returns
// new bytes; the one copy an echo needs is the Writer's copy of those bytes into the response ring.
import '../dispose';
import { Reader, type Frame } from '../reader';
import { Writer } from '../writer';
import { ClosedError, InvalidArgumentError, InvalidStateError } from '../errors';
import { DEFAULT_TIMEOUT_MS, type ReaderOptions, type ResolvedReaderOptions } from '../config';
import {
  channelBuffers,
  checkOptionsObject,
  resolveBufferOptions,
  validateCallback,
  validateProcessingMode,
  DUPLEX_METADATA_SIZE,
  DUPLEX_REQUEST_PAYLOAD_SIZE,
  RESPONSE_CONNECT_WINDOW_MS,
  type ProcessingMode,
} from './config';
import { isNotReadyError, retryWhileNotReady } from './retry';

/**
 * Answers one request. `request` is a zero-copy view into the request ring, valid until the
 * returned value (or Promise) settles; return new bytes (returning `request.data` itself echoes
 * it: the server copies it into the response ring before releasing the request).
 */
export type RequestHandler = (request: Frame) => Uint8Array | PromiseLike<Uint8Array>;

/** Options of the {@link ImmutableDuplexServer} constructor. */
export interface DuplexServerOptions {
  /** The request buffer the server creates. Defaults: metadataSize 4096, payloadSize 1 MiB. */
  requestBuffer?: ReaderOptions;
  /** Only `ProcessingMode.SingleThread` (the default); anything else → ZB_INVALID_ARGUMENT. */
  processingMode?: ProcessingMode;
  /** Called once with the request buffer's metadata, after the first request, before the handler. */
  onInit?: (metadata: Uint8Array) => void | PromiseLike<void>;
  /** Receives the one fatal error that stopped the server (without it: a process warning). */
  onError?: (error: Error) => void;
}

/** What the loop is doing: `waiting` = idle between requests. */
export type DuplexServerPhase = 'idle' | 'starting' | 'waiting' | 'connecting' | 'handling' | 'writing' | 'stopped';

/** State exposed to tests only (`diagnostics.duplexServerState`), never through the class. */
export interface DuplexServerState {
  phase: DuplexServerPhase;
  /** The response Writer once connected (after the first request), else null. */
  responseWriter: Writer | null;
}

/**
 * How long stop() lets the running handler's response wait for ring space before it closes the
 * response Writer (the write timeout default of §8.4): a client that stopped reading cannot make
 * stop() hang.
 */
export const STOP_GRACE_MS = DEFAULT_TIMEOUT_MS;

let stateOf!: (server: ImmutableDuplexServer) => DuplexServerState;

/** The server of a duplex channel: `new ImmutableDuplexServer(channel, options)`, then `start(handler)`. */
export class ImmutableDuplexServer implements AsyncDisposable {
  /** The channel name (without `_request`/`_response`). */
  readonly channel: string;
  readonly processingMode: ProcessingMode;
  readonly #names: { request: string; response: string };
  readonly #requestConfig: ResolvedReaderOptions;
  readonly #onInit: DuplexServerOptions['onInit'];
  readonly #onError: DuplexServerOptions['onError'];
  #phase: DuplexServerPhase = 'idle';
  #requests: Reader | null = null;
  #responses: Writer | null = null;
  #served = 0;
  #stopRequested = false;
  #starting: Promise<void> | null = null;
  #loop: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;

  static {
    stateOf = (s) => ({ phase: s.#phase, responseWriter: s.#responses });
  }

  /** Validates everything (name ≤ 236 bytes, sizes, mode, callbacks); creates nothing yet. */
  constructor(channel: string, options?: DuplexServerOptions) {
    this.#names = channelBuffers(channel);
    checkOptionsObject(options, 'ImmutableDuplexServer');
    this.channel = channel;
    this.processingMode = validateProcessingMode(options?.processingMode);
    this.#requestConfig = resolveBufferOptions(options?.requestBuffer, {
      metadataSize: DUPLEX_METADATA_SIZE,
      payloadSize: DUPLEX_REQUEST_PAYLOAD_SIZE,
    });
    this.#onInit = validateCallback(options?.onInit, 'onInit');
    this.#onError = validateCallback(options?.onError, 'onError');
  }

  /** True from a successful start() until stop() is requested or a fatal error stopped the loop. */
  get isRunning(): boolean {
    return !this.#stopRequested && this.#loop !== null && this.#phase !== 'stopped';
  }

  /** Responses published so far. */
  get requestsServed(): number {
    return this.#served;
  }

  /**
   * Creates `<channel>_request` (on a worker thread) and starts the loop; resolves once requests
   * can be sent. InvalidStateError when started before (a stopped server stays stopped: create a
   * new one), InvalidArgumentError without a handler; creation errors (ReaderAlreadyConnectedError,
   * ResourceError, …) reject and leave the server startable.
   */
  start(handler: RequestHandler): Promise<void> {
    if (this.#phase !== 'idle') {
      const why = this.#phase === 'stopped' ? 'stopped (a stopped server does not restart: create a new one)' : 'already started';
      return Promise.reject(new InvalidStateError(`start: the duplex server of channel ${JSON.stringify(this.channel)} is ${why}`));
    }
    if (typeof handler !== 'function') {
      return Promise.reject(new InvalidArgumentError('ZB_INVALID_ARGUMENT', `Invalid argument handler: must be a function, got ${typeof handler}`));
    }
    this.#phase = 'starting';
    this.#starting = this.#start(handler);
    return this.#starting;
  }

  /**
   * Stops the server (idempotent; the same Promise every time): ends a wait for the next request
   * at once, lets a running handler finish and its response be published (waiting at most
   * STOP_GRACE_MS for ring space), then closes the response Writer (`writer_pid` 0) and the
   * request Reader (unlinking `<channel>_request`). The client receives every response published
   * before, then WriterDeadError. May be called from the handler, but not awaited there.
   */
  stop(): Promise<void> {
    this.#stopRequested = true;
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  /** Same as stop(). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #start(handler: RequestHandler): Promise<void> {
    let requests: Reader;
    try {
      requests = await Reader.create(this.#names.request, this.#requestConfig);
    } catch (err) {
      this.#phase = this.#stopRequested ? 'stopped' : 'idle';
      throw err;
    }
    if (this.#stopRequested) {
      requests.close();
      this.#phase = 'stopped';
      throw new ClosedError(`start: the duplex server of channel ${JSON.stringify(this.channel)} was stopped while starting`);
    }
    this.#requests = requests;
    this.#loop = this.#serve(requests, handler);
  }

  async #stop(): Promise<void> {
    if (this.#phase === 'idle') {
      this.#phase = 'stopped';
      return;
    }
    await this.#starting?.catch(() => undefined); // start() closes what it created once it sees the stop
    // Between requests nothing is owed: closing ends the wait for the next one at once.
    if (this.#phase === 'waiting') this.#closeBuffers();
    // Closing only the Writer ends a response write that waits for space; the request view stays
    // valid until the handler has settled.
    const grace = setTimeout(() => this.#responses?.close(), STOP_GRACE_MS);
    grace.unref();
    try {
      await this.#loop;
    } finally {
      clearTimeout(grace);
    }
  }

  /** The loop (§11.3 steps 2–7). Never rejects: a fatal error is reported once, after stopping. */
  async #serve(requests: Reader, handler: RequestHandler): Promise<void> {
    let failure: { error: unknown } | null = null;
    try {
      while (!this.#stopRequested) {
        this.#phase = 'waiting';
        const request = await requests.read(Infinity);
        if (request !== null) await this.#answer(request, handler);
      }
    } catch (error) {
      if (!this.#causedByStop(error)) failure = { error };
    }
    this.#closeBuffers();
    this.#phase = 'stopped';
    // Reported after stopping, so the callback sees a stopped server and may start a new one on
    // the same channel right away.
    if (failure !== null) this.#report(failure.error);
  }

  /** One request → exactly one response; the request is released once its response is written. */
  async #answer(request: Frame, handler: RequestHandler): Promise<void> {
    try {
      if (this.#stopRequested) return; // taken after stop(): not the current request
      const responses = this.#responses ?? (await this.#connectResponses());
      this.#phase = 'handling';
      const response = checkResponse(await handler(request));
      this.#phase = 'writing';
      // A full ring is waited out (the spec's ZB_BUFFER_FULL retry, §11.3 step 4) until there is
      // space, the client dies (ReaderDeadError) or stop() closes the Writer (ClosedError).
      await responses.write(response, Infinity);
      this.#served++;
    } finally {
      request.release();
    }
  }

  /** Lazy response connection (§11.3 step 3), then onInit. */
  async #connectResponses(): Promise<Writer> {
    this.#phase = 'connecting';
    const writer = await retryWhileNotReady(
      () => Writer.connect(this.#names.response),
      RESPONSE_CONNECT_WINDOW_MS,
      () => this.#stopRequested,
    );
    this.#responses = writer;
    if (this.#onInit !== undefined) {
      this.#phase = 'handling';
      await this.#onInit(this.#requests!.getMetadata());
    }
    return writer;
  }

  /** §11.3 step 7 order: the response Writer first (`writer_pid` 0), then the request Reader. */
  #closeBuffers(): void {
    try {
      this.#responses?.close();
    } finally {
      this.#requests?.close();
    }
  }

  /** Errors that stop() itself causes: its closes, and a cancelled response connection. */
  #causedByStop(error: unknown): boolean {
    return this.#stopRequested && (error instanceof ClosedError || isNotReadyError(error));
  }

  #report(error: unknown): void {
    const err = error instanceof Error ? error : new Error(`duplex handler threw a non-Error value: ${String(error)}`);
    const where = `duplex server of channel ${JSON.stringify(this.channel)}`;
    if (this.#onError === undefined) {
      process.emitWarning(`${where} stopped: ${err.message}`, 'ZeroBufferWarning');
      return;
    }
    try {
      this.#onError(err);
    } catch (cbErr) {
      process.emitWarning(`the onError callback of the ${where} threw: ${String(cbErr)}`, 'ZeroBufferWarning');
    }
  }
}

/** Test hook behind `diagnostics.duplexServerState` (steps.md §5.1: D27 needs the response Writer). */
export function duplexServerState(server: ImmutableDuplexServer): DuplexServerState {
  return stateOf(server);
}

function checkResponse(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new InvalidArgumentError(
    'ZB_INVALID_ARGUMENT',
    `Invalid argument response: the handler must return a Uint8Array or a Promise of one, got ${value === null ? 'null' : typeof value}`,
  );
}
