// Per-process state of a servo (steps.md §4), composed from small state modules: library objects
// by role, held frames with the release model, pending writes, recorded outcomes and background
// work. Steps reach the state through these modules and share operations through ../actions.
import type { Logger } from '../logging';
import { BufferNamingService } from '../model/naming';
import { snapFromObject, snapFromShm, type Snap } from '../diagnostics/snap';
import type { StaleLockGuard } from '../diagnostics/lock-guard';
import { LibraryObjects, type ReaderEntry, type WriterEntry } from './state/objects';
import { HeldFrames } from './state/held-frames';
import { PendingWrites } from './state/pending-writes';
import { Outcomes } from './state/outcomes';
import { Background } from './state/background';

export interface HostContextInfo {
  /** role → PIDs of its processes in start order (current first for the role's "the" process). */
  roles: Record<string, number[]>;
  scenarioBuffer?: string;
}

export class ServoContext {
  readonly pid = process.pid;
  readonly naming: BufferNamingService;
  /** What the host last told this servo about the scenario (routing table, scenario buffer). */
  host: HostContextInfo = { roles: {} };
  readonly objects: LibraryObjects;
  readonly frames: HeldFrames;
  readonly outcomes: Outcomes;
  readonly background: Background;
  readonly writes: PendingWrites;
  /** Held for a later PRE-SNAPSHOT when this process replaces a killed reader (lock-guard.ts). */
  lockGuard: StaleLockGuard | null = null;

  constructor(
    readonly role: string,
    readonly runId: string,
    readonly scenario: string,
    readonly logger: Logger,
  ) {
    this.naming = new BufferNamingService(runId);
    this.objects = new LibraryObjects(role, this.naming, logger);
    this.frames = new HeldFrames(role, logger);
    this.outcomes = new Outcomes(role, logger);
    this.background = new Background(logger);
    this.writes = new PendingWrites(this.background);
  }

  resolve(base: string): string {
    return this.naming.resolve(base);
  }

  snapReader(e: ReaderEntry = this.objects.requireReader()): Snap {
    return snapFromObject(e.name, 'reader', e.reader);
  }

  snapWriter(w: WriterEntry = this.objects.requireWriter()): Snap {
    return snapFromObject(w.name, 'writer', w.writer);
  }

  /** SNAP of a resolved name: through this process's open reader/writer of it, else the diagnostic interface. */
  snap(resolved: string): Snap {
    const { reader, writer } = this.objects;
    if (reader !== null && reader.name === resolved && !reader.reader.closed) return this.snapReader(reader);
    if (writer !== null && writer.name === resolved && !writer.writer.closed) return this.snapWriter(writer);
    return snapFromShm(resolved);
  }

  /** Stops background work; returns every failure no step examined (steps.md §1.1). */
  quiesce(): Promise<string[]> {
    return this.background.quiesce();
  }

  /** Teardown: stop background work, release held frames, dispose owned objects newest first. */
  async disposeAll(): Promise<string[]> {
    await this.background.quiesce();
    this.lockGuard?.release();
    this.lockGuard = null;
    return [...this.frames.releaseAll(), ...(await this.objects.disposeAll())];
  }

  /** B01: back to a clean state. */
  async reset(): Promise<string[]> {
    const errors = await this.disposeAll();
    this.frames.clear();
    this.outcomes.clear();
    this.background.clear();
    return errors;
  }
}
