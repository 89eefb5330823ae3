// The warm pool of one host process (one per cucumber worker): servo processes started ahead of
// the scenarios that will use them, so that Node's start-up and the loading of the step registry,
// pino, the library and its addon (some 300 ms of CPU per servo) happen while earlier scenarios
// run instead of between scenarios. A warm servo knows no scenario; the handshake binds it to one
// (servo/binding.ts) and it leaves the pool for good: it serves that scenario execution and exits
// with it, exactly like a servo spawned for the scenario. Every servo the pool hands out is a
// process that never served a scenario before.
//
// Warm servos load at low priority (priority.ts) — in the time the running scenario leaves idle —
// unless the pool runs low, and get the host's priority back when taken. Idle ones exit on their
// own when the host goes away (stdin EOF, parent PID check), are SIGKILLed by the supervisor when
// the host is interrupted, and are shut down by drain() at the end of the run.
import type { Logger } from '../logging';
import { within } from '../model/timing';
import type { ServoChild } from './servo-child';
import type { WarmPriority } from './priority';

/**
 * Servos kept warm when ZEROBUFFER_WARM_POOL is not set, shared among the parallel workers: enough
 * to cover a run of short scenarios with what was loaded during a long one (about 70 MB each).
 */
export const DEFAULT_POOL_SIZE = 12;
const MAX_POOL_SIZE = 16;
/** Warm servos loading at the same time: one per core of the machine this is made for. */
const MAX_LOADING = 2;
/** Loaded idle servos below which the loading ones get normal priority: a typical scenario's roles. */
const LOW_WATER = 2;
export const POOL_ENV = 'ZEROBUFFER_WARM_POOL';

/** Idle servos this host keeps: ZEROBUFFER_WARM_POOL (per worker; 0 turns the pool off) or its share of the default. */
export function poolSizeFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env[POOL_ENV];
  if (v === undefined || v.trim() === '') return Math.ceil(DEFAULT_POOL_SIZE / Math.max(1, Number(env.CUCUMBER_TOTAL_WORKERS ?? 1) || 1));
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > MAX_POOL_SIZE) throw new Error(`${POOL_ENV} must be an integer from 0 to ${MAX_POOL_SIZE} (0: no warm pool); got ${JSON.stringify(v)}`);
  return n;
}

/** What the pool uses of a spawned servo (ServoChild). */
export type WarmServo = Pick<ServoChild, 'pid' | 'alive' | 'isLoaded' | 'loaded' | 'exited' | 'conn' | 'stderr' | 'endInput' | 'sigkill' | 'dispose'>;

export class WarmPool<S extends WarmServo = ServoChild> {
  private readonly idle: S[] = [];
  /** Warm servos still loading (at most MAX_LOADING). */
  private readonly loading = new Set<S>();
  /** Loading servos at normal priority: the pool was running low when they started or since. */
  private readonly urgent = new Set<S>();
  private closed = false;
  private fillScheduled = false;
  /** Spawns under way (a servo launcher answers asynchronously); they count as loading. */
  private readonly spawning = new Set<Promise<void>>();
  /**
   * The warm-up request of each loaded idle servo until it is answered. drain() waits for it
   * before it ends the servo's input: a request still being written then fails inside
   * vscode-jsonrpc with a rejection nobody can observe, which cucumber blames on AfterAll.
   */
  private readonly warmUps = new Map<S, Promise<unknown>>();

  constructor(
    readonly size: number,
    private readonly spawnWarm: () => S | Promise<S>,
    private readonly priority: WarmPriority,
    private readonly logger: Logger,
  ) {}

  /** Idle warm servos (alive, not yet taken), loaded or still loading. */
  get count(): number {
    return this.idle.length;
  }

  /**
   * Tops the pool up to `size` idle servos, at most MAX_LOADING loading (or being spawned) at a
   * time — on a later turn of the event loop: a spawn by the host itself (no launcher) takes the
   * host's thread for some 10–20 ms, which must not hold up a handshake or the step being sent.
   */
  fill(): void {
    if (this.fillScheduled || this.closed) return;
    this.fillScheduled = true;
    setImmediate(() => {
      this.fillScheduled = false;
      this.topUp();
    });
  }

  private topUp(): void {
    while (!this.closed && this.loading.size + this.spawning.size < MAX_LOADING && this.idle.length + this.spawning.size < this.size) {
      const spawned = (async () => this.spawnWarm())().then(
        (c) => this.spawned(c),
        (e: unknown) => this.logger.warn({ err: String(e) }, 'warm pool: spawning a warm servo failed; servos are spawned per scenario'),
      );
      this.spawning.add(spawned);
      void spawned.then(() => this.spawning.delete(spawned));
    }
  }

  private spawned(c: S): void {
    if (this.closed) {
      // drained meanwhile: this one goes with the others (drain waits for the spawns under way)
      this.idle.push(c);
      return;
    }
    if (this.runningLow()) this.urgent.add(c);
    else this.priority.lower(c.pid);
    this.idle.push(c);
    this.loading.add(c);
    void c.exited.then((x) => this.died(c, x));
    void c.loaded.then((ok) => this.loadedOrDied(c, ok));
  }

  private loadedOrDied(c: S, ok: boolean): void {
    this.loading.delete(c);
    this.urgent.delete(c);
    // a servo that cannot start is not respawned in a loop: the next take refills
    if (!ok) return;
    // one request through the servo's JSON-RPC path now, so that V8 has compiled it before the
    // handshake that binds the servo — if it is still idle (not taken, not dead, not drained)
    if (this.idle.includes(c)) {
      const answered = c.conn.sendRequest('health', {}).catch(() => undefined);
      this.warmUps.set(c, answered);
      void answered.then(() => this.warmUps.delete(c));
    }
    this.fill();
  }

  /** Fewer loaded servos idle than a scenario typically takes. */
  private runningLow(): boolean {
    return this.idle.filter((c) => c.isLoaded && c.alive).length < LOW_WATER;
  }

  /** When the pool runs low, the next scenario would wait for the servos loading: normal priority for them. */
  private hurryIfLow(): void {
    if (!this.runningLow()) return;
    for (const c of this.loading) {
      if (this.urgent.has(c)) continue;
      this.urgent.add(c);
      try {
        this.priority.restore(c.pid);
      } catch {
        // checked again when it is taken: a servo is never handed out without its priority back
      }
    }
  }

  private died(c: S, x: { code: number | null; signal: string | null }): void {
    const i = this.idle.indexOf(c);
    if (i < 0) return; // taken: its ServoProcess reports the exit
    this.idle.splice(i, 1);
    c.dispose();
    if (!this.closed) this.logger.warn({ pid: c.pid, ...x, stderr: c.stderr.tail(20) }, 'warm pool: an idle warm servo died before it was used');
  }

  /**
   * An idle warm servo — a loaded one if any, else one still loading — with the host's priority
   * back; it leaves the pool for good. undefined when none is idle: the caller spawns a servo.
   */
  take(): S | undefined {
    for (;;) {
      const alive = this.idle.filter((c) => c.alive);
      const c = alive.find((x) => x.isLoaded) ?? alive[0];
      if (c === undefined) return undefined;
      this.idle.splice(this.idle.indexOf(c), 1);
      try {
        this.priority.restore(c.pid);
        this.hurryIfLow();
        return c;
      } catch (e) {
        // never hand out a servo that would run differently from a fresh one
        this.logger.warn({ pid: c.pid, err: String(e) }, 'warm pool: a warm servo did not get its priority back; SIGKILLed');
        c.sigkill();
        void c.exited.then(() => c.dispose());
      }
    }
  }

  /** End of the run: no more warm servos; the idle ones exit on stdin EOF (SIGKILL after graceMs). */
  async drain(graceMs: number): Promise<void> {
    this.closed = true;
    await within(Promise.all(this.spawning), graceMs, undefined);
    const idle = this.idle.splice(0);
    await within(Promise.all(idle.map((c) => this.warmUps.get(c))), graceMs, undefined);
    for (const c of idle) c.endInput();
    await Promise.all(
      idle.map(async (c) => {
        if ((await within(c.exited.then(() => true), graceMs, false)) === false) {
          c.sigkill();
          await c.exited;
        }
        c.dispose();
      }),
    );
  }
}
