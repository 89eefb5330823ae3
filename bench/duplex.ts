// Duplex round-trip benchmark (not a test): DuplexClient in this process against an echo
// ImmutableDuplexServer in a child process, next to the floor measured in the same run — the same
// exchange through the same native sessions without JavaScript (bench/duplex-floor.cpp).
//
//   npm run bench:duplex                         (after `npm ci`, which builds the floor binary)
//   node dist/bench/duplex.js [--rounds R] [--scale F]
//
// Per round trip, on both sides of the comparison: the client fills request k in place in the
// request ring (byte i = (k + i) mod 256) and commits it; the server copies the request view into
// the response ring and releases it; the client receives the response view and releases it. Rings
// are 1 MiB or four frames, whichever is larger. Each size runs R rounds, floor and ours
// interleaved (the machine is shared: timings wander), after a warm-up; the samples of all rounds
// are pooled into p50/p99/max.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuplexClient } from '../src/index';
import { packageRoot } from '../src/native';
import { fillPattern } from '../src/cli/patterns';
import { defaultPayloadSize } from '../src/cli/read';
import { summarizeLatency } from '../src/cli/latency';

const FLOOR = path.join(packageRoot(), 'build', 'Release', 'zerobuffer_duplex_floor');
const SERVER = path.join(__dirname, 'duplex-server.js');
const WARMUP = 100;
const CASES = [
  { label: '1 KiB', size: 1024, count: 5000 },
  { label: '64 KiB', size: 65536, count: 3000 },
  { label: '1 MiB', size: 1 << 20, count: 1000 },
  { label: '3,110,416 B', size: 3_110_416, count: 500 },
];

let client: DuplexClient | null = null;
let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
  client?.close(); // the server child sees the client gone and exits
});

function argNumber(flag: string, dflt: number): number {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

interface Peer {
  /** Resolves with the peer's stdout once it exited with 0. */
  exited: Promise<string>;
  /** Resolves once the peer printed its "ready" line. */
  ready: Promise<void>;
}

function startPeer(command: string, args: string[]): Peer {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let isReady!: () => void;
  const ready = new Promise<void>((r) => (isReady = r));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    if (out.startsWith('ready\n')) isReady();
  });
  const exited = new Promise<string>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(command)} ${args[0]} exited with ${code}`)))),
  );
  const readyOrGone = Promise.race([ready, exited.then(() => Promise.reject(new Error(`${args[0]} exited before it was ready`)))]);
  readyOrGone.catch(() => undefined); // awaited only for servers
  exited.catch(() => undefined); // awaited later; a failure must not be an unhandled rejection meanwhile
  return { exited, ready: readyOrGone };
}

/** The floor: a native server and a native client; returns the client's samples (µs). */
async function floorRound(channel: string, payload: number, size: number, count: number): Promise<number[]> {
  const server = startPeer(FLOOR, ['server', channel, String(payload)]);
  await server.ready;
  const client = startPeer(FLOOR, ['client', channel, String(payload), String(size), String(count), String(WARMUP)]);
  const [out] = await Promise.all([client.exited, server.exited]);
  return (JSON.parse(out.split('\n')[0]!) as { rtt_us: number[] }).rtt_us;
}

/** Ours: the TypeScript server in a child process, DuplexClient here. */
async function oursRound(channel: string, payload: number, size: number, count: number): Promise<number[]> {
  const server = startPeer(process.execPath, [SERVER, channel, String(payload)]);
  await server.ready;
  const samples: number[] = [];
  try {
    client = await DuplexClient.connect(channel, { responseBuffer: { metadataSize: 0, payloadSize: payload } });
    for (let k = 0; k < WARMUP + count; k++) {
      const t0 = performance.now();
      const slot = await client.acquireRequest(size);
      fillPattern(slot.data, 'sequential', k);
      slot.commit();
      const response = await client.receiveResponse(5000);
      if (response === null || response.size !== size) throw new Error(`bad response to request ${k}`);
      response.release();
      if (k >= WARMUP) samples.push((performance.now() - t0) * 1000);
    }
  } finally {
    client?.close();
    client = null;
  }
  await server.exited;
  return samples;
}

function fmt(us: number): string {
  return us.toFixed(1).padStart(9);
}

async function main(): Promise<void> {
  if (!fs.existsSync(FLOOR)) throw new Error(`${FLOOR} is missing: run \`npm run build:native\` first`);
  const rounds = argNumber('--rounds', 2);
  const scale = argNumber('--scale', 1);
  console.log(`zerobuffer duplex round trip, echo handler, client and server in two processes`);
  console.log(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`${rounds} round(s) per size, floor and ours interleaved, ${WARMUP} warm-up round trips each; µs, nearest-rank percentiles`);
  console.log('');
  console.log(`${'size'.padEnd(12)} ${'n'.padStart(6)}   ${'floor p50'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)}   ${'ours p50'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)}   ${'p50 − floor'.padStart(11)}`);
  for (const c of CASES) {
    const count = Math.max(10, Math.round(c.count * scale));
    const payload = defaultPayloadSize(c.size);
    const floor: number[] = [];
    const ours: number[] = [];
    for (let r = 0; r < rounds && !interrupted; r++) {
      const channel = `zbbench-duplex-${process.pid}-${c.size}-${r}`;
      floor.push(...(await floorRound(`${channel}-floor`, payload, c.size, count)));
      ours.push(...(await oursRound(`${channel}-ts`, payload, c.size, count)));
    }
    const f = summarizeLatency(floor);
    const o = summarizeLatency(ours);
    console.log(
      `${c.label.padEnd(12)} ${String(ours.length).padStart(6)}   ${fmt(f.p50)} ${fmt(f.p99)} ${fmt(f.max)}   ${fmt(o.p50)} ${fmt(o.p99)} ${fmt(o.max)}   ${fmt(o.p50 - f.p50).padStart(11)}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(interrupted ? 'interrupted' : err);
  process.exit(interrupted ? 130 : 1);
});
