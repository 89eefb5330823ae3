// Library objects of a servo by role: the current reader, writer, duplex server and duplex client
// (steps.md §4.1), plus one generic disposal list for everything the process owns (library
// objects, held descriptors, scratch buffers). Disposal runs in reverse creation order.
import { DuplexClient, ImmutableDuplexServer, Reader, Writer, type WritableFrame } from '../../../src/index';
import { describeError, fail } from '../../assert';
import type { Logger } from '../../logging';
import type { BufferNamingService } from '../../model/naming';
import type { BufferConfig } from '../../model/config';
import type { Snap } from '../../diagnostics/snap';
import { now } from '../../model/timing';
import type { ReleaseEntry } from './held-frames';
import type { ClientEntry, ServerEntry } from './duplex';
import type { PendingWrite } from './pending-writes';

export interface ReaderEntry {
  kind: 'reader';
  reader: Reader;
  base: string;
  name: string;
  metadataSize: number;
  payloadSize: number;
  /** Next sequence this reader expects (1 after creation, previous + 1 after each frame). */
  expectedNext: bigint;
  /** Model of the library's release queue (protocol.md §6.7). */
  queue: ReleaseEntry[];
}

export interface AcquiredFrame {
  frame: WritableFrame;
  size: number;
  sequence: bigint;
  snapBefore: Snap;
}

export interface WriterEntry {
  kind: 'writer';
  writer: Writer;
  base: string;
  name: string;
  /** The harness's sequence counter: 1 after connecting, +1 per successful write/commit (steps.md §4.1). */
  nextSeq: bigint;
  /** Frames this connection published (successful writes and commits). */
  published: number;
  /** Payload size of the last frame this connection published, null before the first. */
  lastFrameSize: number | null;
  pending: PendingWrite | null;
  acquired: AcquiredFrame | null;
}

/** A frame of `size` bytes was published with sequence `seq`: advances the counter (steps.md §4.1). */
export function notePublished(w: WriterEntry, seq: bigint, size: number): void {
  w.nextSeq = seq + 1n;
  w.published++;
  w.lastFrameSize = size;
}

/** Something the process owns and must give back at teardown. */
interface Owned {
  what: string;
  live(): boolean;
  dispose(): void | Promise<void>;
}

export class LibraryObjects {
  reader: ReaderEntry | null = null;
  writer: WriterEntry | null = null;
  server: ServerEntry | null = null;
  client: ClientEntry | null = null;
  private owned: Owned[] = [];

  constructor(
    private readonly role: string,
    private readonly naming: BufferNamingService,
    private readonly logger: Logger,
  ) {}

  requireReader(): ReaderEntry {
    if (this.reader === null) fail(`process '${this.role}' (pid ${process.pid}) has no current reader`);
    return this.reader;
  }

  requireWriter(): WriterEntry {
    if (this.writer === null) fail(`process '${this.role}' (pid ${process.pid}) has no current writer`);
    return this.writer;
  }

  requireServer(): ServerEntry {
    if (this.server === null) fail(`process '${this.role}' (pid ${process.pid}) has no current duplex server`);
    return this.server;
  }

  requireClient(): ClientEntry {
    if (this.client === null) fail(`process '${this.role}' (pid ${process.pid}) has no current duplex client`);
    return this.client;
  }

  /** Registers anything to dispose at teardown (reverse order); returns it. */
  own<T>(what: string, obj: T, dispose: (o: T) => void | Promise<void>, live: (o: T) => boolean = () => true): T {
    this.owned.push({ what, live: () => live(obj), dispose: () => dispose(obj) });
    return obj;
  }

  liveCount(): number {
    return this.owned.filter((o) => o.live()).length;
  }

  /** Creates a Reader on the resolved name; it becomes the current reader (not on failure). */
  async createReader(base: string, metadataSize: number, payloadSize: number, permissions?: number): Promise<ReaderEntry> {
    const name = this.naming.resolve(base);
    const reader = await Reader.create(name, permissions === undefined ? { metadataSize, payloadSize } : { metadataSize, payloadSize, permissions });
    const e: ReaderEntry = { kind: 'reader', reader, base, name, metadataSize, payloadSize: reader.payloadSize, expectedNext: 1n, queue: [] };
    this.own(`reader ${name}`, reader, (r) => r.close(), (r) => !r.closed);
    this.reader = e;
    this.logger.info({ name, metadataSize, payloadSize }, 'reader created');
    return e;
  }

  /** Connects a Writer to the resolved name; it becomes the current writer (not on failure). */
  async connectWriter(base: string): Promise<WriterEntry> {
    const name = this.naming.resolve(base);
    const writer = await Writer.connect(name);
    const e: WriterEntry = { kind: 'writer', writer, base, name, nextSeq: 1n, published: 0, lastFrameSize: null, pending: null, acquired: null };
    this.own(
      `writer ${name}`,
      e,
      (w) => {
        if (w.acquired !== null && !w.writer.closed) {
          try {
            w.acquired.frame.abort();
          } catch {
            // close() aborts a pending acquisition anyway
          }
        }
        w.writer.close();
      },
      (w) => !w.writer.closed,
    );
    this.writer = e;
    this.logger.info({ name }, 'writer connected');
    return e;
  }

  /**
   * Constructs (does not start) a duplex server for the resolved channel; with `current` it becomes
   * the current server. Its errors are collected in the entry; disposal stops it.
   */
  createServer(base: string, config: BufferConfig, processingMode: string, current: boolean): ServerEntry {
    const channel = this.naming.resolveChannel(base);
    const errors: ServerEntry['errors'] = [];
    const server = new ImmutableDuplexServer(channel, {
      requestBuffer: { metadataSize: config.metadataSize, payloadSize: config.payloadSize },
      // deliberately unchecked: any other mode must reach the library, which rejects it
      processingMode: processingMode as 'SingleThread',
      onError: (error) => {
        errors.push({ error, at: now() });
        this.logger.warn({ channel, err: describeError(error) }, 'duplex server reported an error');
      },
    });
    const e: ServerEntry = {
      kind: 'server',
      server,
      base,
      channel,
      request: `${channel}_request`,
      response: `${channel}_response`,
      config,
      handler: null,
      handled: [],
      errors,
      examined: 0,
      responseWriter: null,
    };
    this.own(`duplex server ${channel}`, server, (s) => s.stop(), (s) => s.isRunning);
    if (current) this.server = e;
    this.logger.info({ channel, config, processingMode, current }, 'duplex server constructed');
    return e;
  }

  /** Connects a duplex client with this response-buffer configuration; with `current` it becomes the current client. */
  async connectClient(base: string, responseConfig: BufferConfig, current: boolean): Promise<ClientEntry> {
    const channel = this.naming.resolveChannel(base);
    const client = await DuplexClient.connect(channel, { responseBuffer: { metadataSize: responseConfig.metadataSize, payloadSize: responseConfig.payloadSize } });
    const e: ClientEntry = {
      kind: 'client',
      client,
      base,
      channel,
      request: `${channel}_request`,
      response: `${channel}_response`,
      nextSeq: 1n,
      requests: [],
      responses: [],
      batchStartedAt: null,
      receiving: 0,
      consuming: true,
      acquired: null,
      committed: null,
      measured: null,
      drained: null,
    };
    this.own(`duplex client ${channel}`, client, (c) => c.close(), (c) => !c.closed);
    if (current) this.client = e;
    this.logger.info({ channel, responseConfig, current }, 'duplex client connected');
    return e;
  }

  /** Disposes everything owned, newest first; returns the problems. */
  async disposeAll(): Promise<string[]> {
    const errors: string[] = [];
    for (const o of this.owned.reverse()) {
      try {
        await o.dispose();
      } catch (e) {
        errors.push(`disposing ${o.what}: ${describeError(e)}`);
      }
    }
    this.owned = [];
    this.reader = null;
    this.writer = null;
    this.server = null;
    this.client = null;
    return errors;
  }
}
