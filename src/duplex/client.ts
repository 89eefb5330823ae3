// DuplexClient (protocol.md §11.2): the client side of a request/response channel.
//
// Composed from a Writer on `<channel>_request` and a Reader that owns `<channel>_response` —
// the way iceoryx2 composes a client from a sender and a receiver. No ring logic lives here:
// framing, waiting, zero-copy views and their detaching, death detection and closing are the
// Writer's and the Reader's.
import '../dispose';
import { Reader, type Frame } from '../reader';
import { Writer } from '../writer';
import type { WritableFrame } from '../writable-frame';
import { ClosedError } from '../errors';
import type { ReaderOptions } from '../config';
import {
  channelBuffers,
  checkOptionsObject,
  resolveBufferOptions,
  resolveWriteTimeout,
  DUPLEX_METADATA_SIZE,
  DUPLEX_RESPONSE_PAYLOAD_SIZE,
  DUPLEX_RESPONSE_PERMISSIONS,
} from './config';

/** Options of {@link DuplexClient.connect}. */
export interface DuplexClientOptions {
  /**
   * The response buffer this client creates (`<channel>_response`). Defaults: metadataSize 4096,
   * payloadSize 256 MiB, permissions 0o666 (applied exactly, so a server of another user can
   * connect; pass e.g. 0o600 to restrict it).
   */
  responseBuffer?: ReaderOptions;
  /** Default timeout of sendRequest/acquireRequest in ms (default 5000). */
  writeTimeoutMs?: number;
}

/** The client of a duplex channel. Connect with `DuplexClient.connect(channel)`. */
export class DuplexClient implements Disposable {
  /** The channel name (without `_request`/`_response`). */
  readonly channel: string;
  readonly #requests: Writer;
  readonly #responses: Reader;
  #closed = false;

  /**
   * Connects to the server of `channel` (§11.2 step 1): the request Writer first, so a missing
   * server fails fast with BufferNotFoundError or ReaderDeadError `ZB_NO_READER` before anything
   * is created; then creates the response buffer. If that fails, the Writer is closed again.
   */
  static async connect(channel: string, options?: DuplexClientOptions): Promise<DuplexClient> {
    const names = channelBuffers(channel);
    checkOptionsObject(options, 'DuplexClient');
    const responseConfig = resolveBufferOptions(options?.responseBuffer, {
      metadataSize: DUPLEX_METADATA_SIZE,
      payloadSize: DUPLEX_RESPONSE_PAYLOAD_SIZE,
      permissions: DUPLEX_RESPONSE_PERMISSIONS,
    });
    const writeTimeoutMs = resolveWriteTimeout(options?.writeTimeoutMs);
    const requests = await Writer.connect(names.request, { writeTimeoutMs });
    try {
      return new DuplexClient(channel, requests, await Reader.create(names.response, responseConfig));
    } catch (err) {
      requests.close();
      throw err;
    }
  }

  private constructor(channel: string, requests: Writer, responses: Reader) {
    this.channel = channel;
    this.#requests = requests;
    this.#responses = responses;
  }

  /** True after close(). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The sequence the next request will carry (1n after connect); its response carries it too. */
  get nextSequence(): bigint {
    return this.#requests.nextSequence;
  }

  /**
   * Sends one request (a copy of `data`) and resolves to its sequence. Waits for ring space up to
   * `timeoutMs` (default: the `writeTimeoutMs` option). Rejects with ReaderDeadError once the
   * server has stopped or died, with BufferFullError when no space came in time.
   */
  async sendRequest(data: Uint8Array, timeoutMs?: number): Promise<bigint> {
    this.#assertOpen('sendRequest');
    return this.#requests.write(data, timeoutMs);
  }

  /**
   * Zero-copy form of sendRequest (§10.1): reserves `size` bytes in the request ring. Fill
   * `data` in place, then `commit()` (returns the sequence) or `abort()`.
   */
  async acquireRequest(size: number, timeoutMs?: number): Promise<WritableFrame> {
    this.#assertOpen('acquireRequest');
    return this.#requests.acquire(size, timeoutMs);
  }

  /**
   * Receives the next response (Reader semantics, §6): `null` after `timeoutMs` (default 5000,
   * `Infinity` allowed) without one. The Frame is a zero-copy view into the response ring: release
   * it when done. Response k answers request k (`frame.sequence`). Rejects with WriterDeadError
   * once the server is gone and every response it wrote was received.
   */
  async receiveResponse(timeoutMs?: number): Promise<Frame | null> {
    this.#assertOpen('receiveResponse');
    return this.#responses.read(timeoutMs);
  }

  /**
   * Writes the request buffer's metadata (write-once, §4.2); the server's `onInit` receives it
   * with the first request. MetadataAlreadyWrittenError on a second call.
   */
  setMetadata(data: Uint8Array): void {
    this.#assertOpen('setMetadata');
    this.#requests.setMetadata(data);
  }

  /** True while the server's request Reader is alive (`reader_pid` of `<channel>_request`). */
  isServerConnected(): boolean {
    return !this.#closed && this.#requests.isReaderConnected();
  }

  /**
   * Idempotent (§11.2 step 4): closes the request Writer (the server sees the client gone), then
   * the response Reader, which detaches every unreleased response view and unlinks
   * `<channel>_response`. In-flight calls end with ClosedError; later calls throw it.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#requests.close();
    } finally {
      this.#responses.close();
    }
  }

  /** Same as close(). */
  [Symbol.dispose](): void {
    this.close();
  }

  #assertOpen(op: string): void {
    if (this.#closed) throw new ClosedError(`${op}: DuplexClient ${JSON.stringify(this.channel)} is closed`);
  }
}
