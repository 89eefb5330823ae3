// Unit tests of the host's warm pool (harness/host/warm-pool.ts) with stand-in servos: how many
// load at a time, which one a scenario gets, the priorities (low while the pool has slack, normal
// when it runs low, the host's when taken — or no servo at all), deaths before use, and draining.
// The cross-process behaviour of real warm servos is in harness-warm-servo.test.ts.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import pino from 'pino';
import { DEFAULT_POOL_SIZE, WarmPool, poolSizeFromEnv, type WarmServo } from '../harness/host/warm-pool';
import type { WarmPriority } from '../harness/host/priority';
import type { ExitInfo } from '../harness/host/servo-child';

const logger = pino({ level: 'silent' });
let nextPid = 1000;

class FakeServo implements WarmServo {
  readonly pid = nextPid++;
  isLoaded = false;
  exit: ExitInfo | null = null;
  readonly requests: string[] = [];
  inputEnded = false;
  killed = false;
  disposed = false;
  readonly loaded: Promise<boolean>;
  readonly exited: Promise<ExitInfo>;
  private resolveLoaded!: (ok: boolean) => void;
  private resolveExited!: (x: ExitInfo) => void;
  /** When the servo answers a request. */
  answered: Promise<void> = Promise.resolve();
  readonly conn = {
    sendRequest: async (method: string) => {
      this.requests.push(method);
      await this.answered;
    },
  } as unknown as WarmServo['conn'];
  readonly stderr = { tail: () => ['boom'] } as unknown as WarmServo['stderr'];

  constructor(private readonly exitsOnEof = true) {
    this.loaded = new Promise((r) => (this.resolveLoaded = r));
    this.exited = new Promise((r) => (this.resolveExited = r));
  }
  get alive(): boolean {
    return this.exit === null;
  }
  load(): void {
    this.isLoaded = true;
    this.resolveLoaded(true);
  }
  die(signal: NodeJS.Signals | null = null): void {
    this.exit = { code: signal === null ? 1 : null, signal };
    this.resolveLoaded(false);
    this.resolveExited(this.exit);
  }
  endInput(): void {
    this.inputEnded = true;
    if (this.exitsOnEof) this.die();
  }
  sigkill(): void {
    this.killed = true;
    this.die('SIGKILL');
  }
  dispose(): void {
    this.disposed = true;
  }
}

class Priorities implements WarmPriority {
  readonly lowered: number[] = [];
  readonly restored: number[] = [];
  refuse = new Set<number>();
  lower(pid: number): void {
    this.lowered.push(pid);
  }
  restore(pid: number): void {
    this.restored.push(pid);
    if (this.refuse.has(pid)) throw new Error(`thread nice values 10 after restoring 0`);
  }
}

/** Lets the pool's deferred top-up and the promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

function pool(size: number, exitsOnEof = true): { p: WarmPool<FakeServo>; spawned: FakeServo[]; prio: Priorities } {
  const spawned: FakeServo[] = [];
  const prio = new Priorities();
  const p = new WarmPool<FakeServo>(size, () => {
    const s = new FakeServo(exitsOnEof);
    spawned.push(s);
    return s;
  }, prio, logger);
  return { p, spawned, prio };
}

async function loadAll(spawned: FakeServo[]): Promise<void> {
  for (;;) {
    const pending = spawned.filter((s) => !s.isLoaded && s.alive);
    if (pending.length === 0) return;
    for (const s of pending) s.load();
    await settle();
  }
}

describe('warm pool', () => {
  it('size: ZEROBUFFER_WARM_POOL per worker, 0 turns it off, anything else stops the run; the default is shared by the workers', () => {
    assert.equal(DEFAULT_POOL_SIZE, 12);
    assert.equal(poolSizeFromEnv({}), 12);
    assert.equal(poolSizeFromEnv({ CUCUMBER_TOTAL_WORKERS: '2' }), 6);
    assert.equal(poolSizeFromEnv({ CUCUMBER_TOTAL_WORKERS: '5' }), 3);
    assert.equal(poolSizeFromEnv({ CUCUMBER_TOTAL_WORKERS: '2', ZEROBUFFER_WARM_POOL: '8' }), 8);
    assert.equal(poolSizeFromEnv({ ZEROBUFFER_WARM_POOL: '0' }), 0);
    assert.equal(poolSizeFromEnv({ ZEROBUFFER_WARM_POOL: ' 3 ' }), 3);
    for (const bad of ['-1', '2.5', 'many', '17']) assert.throws(() => poolSizeFromEnv({ ZEROBUFFER_WARM_POOL: bad }), /ZEROBUFFER_WARM_POOL must be an integer from 0 to 16/);
  });

  it('tops up on a later turn of the event loop, two loading at a time, until `size` are idle', async () => {
    const { p, spawned } = pool(5);
    p.fill();
    assert.equal(spawned.length, 0, 'no spawn in the caller’s turn');
    await settle();
    assert.equal(spawned.length, 2);
    spawned[0]!.load();
    await settle();
    assert.equal(spawned.length, 3, 'a loaded servo lets the next one start');
    await loadAll(spawned);
    assert.equal(spawned.length, 5);
    assert.equal(p.count, 5);
    assert.deepEqual(spawned.map((s) => s.requests), [['health'], ['health'], ['health'], ['health'], ['health']], 'each loaded idle servo answered one request');
  });

  it('load at normal priority while the pool runs low, at low priority once two loaded ones are idle', async () => {
    const { p, spawned, prio } = pool(4);
    p.fill();
    await settle();
    assert.deepEqual(prio.lowered, [], 'the first two are needed soon');
    await loadAll(spawned);
    assert.deepEqual(prio.lowered, spawned.slice(2).map((s) => s.pid));
  });

  it('take: a loaded servo first, with the host’s priority back; it never returns to the pool', async () => {
    const { p, spawned, prio } = pool(2);
    p.fill();
    await settle();
    spawned[1]!.load();
    await settle();
    const first = p.take();
    assert.equal(first, spawned[1], 'the loaded one, not the older one still loading');
    assert.deepEqual(prio.restored.slice(0, 1), [spawned[1]!.pid]);
    assert.equal(p.take(), spawned[0], 'then one still loading: better than a fresh spawn');
    assert.equal(p.take(), undefined, 'none idle: the caller spawns');
    await settle();
    assert.ok(!spawned.slice(2).includes(first!), 'taken servos are not given out again');
  });

  it('taking leaves the pool low: the servos loading get normal priority', async () => {
    const { p, spawned, prio } = pool(4);
    p.fill();
    await settle();
    await loadAll(spawned.slice(0, 2));
    await settle();
    assert.equal(spawned.length, 4);
    assert.deepEqual(prio.lowered, [spawned[2]!.pid, spawned[3]!.pid]);
    p.take();
    // one loaded servo left idle (< 2): both loading ones are hurried
    assert.deepEqual(prio.restored, [spawned[0]!.pid, spawned[2]!.pid, spawned[3]!.pid]);
  });

  it('a servo whose priority cannot be given back is SIGKILLed, never handed out', async () => {
    const { p, spawned, prio } = pool(2);
    p.fill();
    await settle();
    await loadAll(spawned);
    prio.refuse.add(spawned[0]!.pid);
    assert.equal(p.take(), spawned[1]);
    assert.equal(spawned[0]!.killed, true);
    await settle();
    assert.equal(spawned[0]!.disposed, true);
  });

  it('an idle servo that dies is dropped and not respawned by itself (no loop of failing starts)', async () => {
    const { p, spawned } = pool(2);
    p.fill();
    await settle();
    spawned[0]!.die();
    spawned[1]!.die();
    await settle();
    assert.equal(p.count, 0);
    assert.equal(spawned.length, 2);
    assert.ok(spawned.every((s) => s.disposed));
    assert.equal(p.take(), undefined);
    p.fill();
    await settle();
    assert.equal(spawned.length, 4, 'the next fill (after a take) starts new ones');
  });

  it('drain ends no servo\'s input while its warm-up request is unanswered (it would be written after the end)', async () => {
    const { p, spawned } = pool(1);
    p.fill();
    await settle();
    let answer!: () => void;
    spawned[0]!.answered = new Promise((r) => (answer = r));
    spawned[0]!.load();
    await settle();
    assert.deepEqual(spawned[0]!.requests, ['health']);
    const drained = p.drain(2000);
    await settle();
    assert.equal(spawned[0]!.inputEnded, false, 'not while the request is in flight');
    answer();
    await drained;
    assert.equal(spawned[0]!.inputEnded, true);
    assert.equal(spawned[0]!.killed, false);
  });

  it('drain: idle servos get stdin EOF; one that does not exit within the grace is SIGKILLed; no more spawns', async () => {
    const { p, spawned } = pool(2, false);
    p.fill();
    await settle();
    await loadAll(spawned);
    spawned[0]!.endInput = function () {
      this.inputEnded = true;
      this.die();
    };
    await p.drain(20);
    assert.ok(spawned.every((s) => s.inputEnded && s.disposed));
    assert.deepEqual(spawned.map((s) => s.killed), [false, true]);
    p.fill();
    await settle();
    assert.equal(spawned.length, 2);
    assert.equal(p.count, 0);
  });
});
