// `npm run bench` (not a test): cross-process throughput and latency of ZeroBuffer next to its own
// native-only pair (native/bench: the same protocol code without JavaScript), a Unix-domain socket
// and C anchors (memcpy per frame size, a copy → memcmp pipeline between two processes at 1 MiB,
// a named-semaphore ping-pong), every case run several times,
// alternating, so that the ratios come from one run on a machine others share. Every byte is
// verified by the reader; the first quarter of each run's frames is a warm-up and not measured.
// Figures are medians of the runs; the table shows each against the native pair or the anchor.
//
//   npm run bench [-- --repeat N] [--scale X] [--quick] [--out FILE] [--compare FILE]
//                    [--latency-interval-us N] [--groups 64,1024,65536,1048576,latency]
//
// --quick is --repeat 1 --scale 0.1 (a smoke run). The figures are written as JSON (machine, Node,
// commit) to --out (default reports/bench/bench-<time>.json); --compare prints the change of every
// figure and ratio against such a file. --groups runs only the named groups (frame sizes and/or
// `latency`), for working on one figure; the targets of groups not run are reported as not measured.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { caseKey, NATIVE_PROGRAM, runCase, type Case, type Path, type RunResult, type Side } from './cases';
import { compare, figuresOf, table, targets, type Saved } from './report';

const SIZES = [64, 1024, 65536, 1048576];
/**
 * Frames per run at scale 1: about a second of a TypeScript pair, so that three quarters of it are
 * measured after the warm-up (bench/result.ts). A zero-copy view per small frame and the socket are
 * several times slower: they get fewer frames.
 */
const FRAMES: Record<number, number> = { 64: 2_000_000, 1024: 1_500_000, 65536: 60_000, 1048576: 6_000 };
const SLOW_SMALL_FRAMES = 8; // zero-copy ≤ 1 KiB: a view per frame
const SLOW_SOCKET = 4;

function framesOf(size: number, kind: Path | 'socket', scale: number): number {
  const divisor = kind === 'socket' ? SLOW_SOCKET : kind === 'zerocopy' && size <= 1024 ? SLOW_SMALL_FRAMES : 1;
  return Math.max(100, Math.round((FRAMES[size]! * scale) / divisor));
}
const LATENCY_SIZE = 64;
const LATENCY_SAMPLES = 2000;
const PAIRS: [Side, Side][] = [
  ['native', 'native'],
  ['ts', 'ts'],
  ['native', 'ts'],
  ['ts', 'native'],
];
const PATHS: Path[] = ['copy', 'zerocopy']; // the throughput paths

function option(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const GROUPS = [...SIZES.map(String), 'latency'];

function options(): { repeat: number; scale: number; out: string; compareWith?: string; intervalUs: number; groups: string[] } {
  const quick = process.argv.includes('--quick');
  const repeat = Number(option('--repeat') ?? (quick ? 1 : 5));
  const scale = Number(option('--scale') ?? (quick ? 0.1 : 1));
  const intervalUs = Number(option('--latency-interval-us') ?? 1000);
  if (!(Number.isInteger(repeat) && repeat >= 1 && scale > 0 && intervalUs >= 0)) throw new Error('bad --repeat/--scale/--latency-interval-us');
  const groups = option('--groups')?.split(',') ?? GROUPS;
  const unknown = groups.filter((g) => !GROUPS.includes(g));
  if (unknown.length > 0 || groups.length === 0) throw new Error(`bad --groups ${unknown.join(',')}: choose from ${GROUPS.join(',')}`);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const out = option('--out') ?? path.join('reports', 'bench', `bench-${stamp}.json`);
  return { repeat, scale, out, compareWith: option('--compare'), intervalUs, groups };
}

/** Cases run together, alternating: one group per frame size, then the latency group. */
function plan(scale: number, intervalUs: number, only: readonly string[]): Case[][] {
  const groups: Case[][] = SIZES.filter((size) => only.includes(String(size))).map((size) => {
    const g: Case[] = [];
    for (const p of PATHS) for (const [writer, reader] of PAIRS) g.push({ kind: 'pair', writer, reader, path: p, size, frames: framesOf(size, p, scale) });
    // What frames() costs over readMany, where it can show: small frames.
    if (size <= 1024) g.push({ kind: 'pair', writer: 'ts', reader: 'ts', path: 'iterator', size, frames: framesOf(size, 'iterator', scale) });
    // The targets' pairs in JavaScript that calls the addon directly: what is left without the library.
    if (size === 1024) g.push({ kind: 'pair', writer: 'addon', reader: 'addon', path: 'copy', size, frames: framesOf(size, 'copy', scale) });
    if (size === 1048576) {
      g.push({ kind: 'pair', writer: 'addon', reader: 'addon', path: 'zerocopy', size, frames: framesOf(size, 'zerocopy', scale) });
      // The addon pair calls synchronously: the library the same way, to tell the two apart.
      g.push({ kind: 'pair', writer: 'ts', reader: 'ts', path: 'zc-sync', size, frames: framesOf(size, 'zerocopy', scale) });
      // The zero-copy target's floor on these CPUs: the same fill and check with no protocol at all.
      g.push({ kind: 'pipeline', size, frames: framesOf(size, 'zerocopy', scale) });
    }
    g.push({ kind: 'socket', size, frames: framesOf(size, 'socket', scale) }, { kind: 'memcpy', size, seconds: Math.max(0.05, 0.3 * scale) });
    return g;
  });
  const samples = Math.max(100, Math.round(LATENCY_SAMPLES * Math.min(1, scale * 4)));
  const latency: Case[] = [{ kind: 'pingpong', samples, intervalUs }];
  const pair = (writer: Side, reader: Side, path: Path): Case => ({ kind: 'pair', writer, reader, path, size: LATENCY_SIZE, frames: samples, latency: { intervalUs } });
  for (const [writer, reader] of PAIRS) latency.push(pair(writer, reader, 'copy'));
  // A TypeScript reader blocking its thread in the wait (a worker thread's way to lowest latency).
  latency.push(pair('ts', 'ts', 'blocking'), pair('native', 'ts', 'blocking'));
  // The same pair with JavaScript calling the addon directly: what is left without the library.
  latency.push(pair('addon', 'addon', 'blocking'));
  // What a view per frame costs a small frame's latency (acquire → commit; read → release).
  latency.push(pair('native', 'native', 'zerocopy'), pair('ts', 'ts', 'zerocopy'));
  return only.includes('latency') ? [...groups, latency] : groups;
}

function describe(c: Case, r: RunResult): string {
  if (r.latency) return `p50 ${(r.latency.p50 / 1000).toFixed(1)} µs`;
  const fps = r.frames / r.seconds;
  return `${Math.round(fps).toLocaleString('en-US')} frames/s, ${((fps * ('size' in c ? c.size : 0)) / 1e6).toFixed(1)} MB/s`;
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const o = options();
  if (!fs.existsSync(NATIVE_PROGRAM)) throw new Error(`${NATIVE_PROGRAM} is missing: run \`npm run bench\` (it builds it)`);
  const groups = plan(o.scale, o.intervalUs, o.groups);
  const total = groups.reduce((n, g) => n + g.length, 0) * o.repeat;
  const loadBefore = os.loadavg();
  const runs = new Map<string, RunResult[]>();
  let done = 0;
  for (const group of groups) {
    for (let rep = 0; rep < o.repeat; rep++) {
      // Rotate the order each repetition, so no case always follows the same neighbour.
      const order = group.map((_, i) => group[(i + rep) % group.length]!);
      for (const c of order) {
        const r = await runCase(c);
        const key = caseKey(c);
        runs.set(key, [...(runs.get(key) ?? []), r]);
        process.stderr.write(`[${++done}/${total}] ${key}: ${describe(c, r)}\n`);
      }
    }
  }
  const cases = groups.flat();
  const figures = figuresOf(cases, runs);
  const { lines, ratios } = table(figures, SIZES, LATENCY_SIZE);
  const commit = `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain']) ? ' (uncommitted changes)' : ''}`;
  const machine = {
    cpu: os.cpus()[0]?.model,
    cpus: os.cpus().length,
    kernel: os.release(),
    loadBefore: loadBefore.map((x) => Number(x.toFixed(2))),
    loadAfter: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
  const saved: Saved = { version: 1, date: new Date().toISOString(), commit, node: process.version, machine, options: o, figures, ratios };
  console.log(`\nzerobuffer benchmark: node ${process.version}, ${machine.cpu} ×${machine.cpus}, linux ${machine.kernel}, commit ${commit}`);
  console.log(`load average ${machine.loadBefore.join(' ')} before, ${machine.loadAfter.join(' ')} after; every case ${o.repeat}× alternating, medians`);
  console.log(`latency: one frame every ${o.intervalUs} µs, writer's commit → reader holding the frame (CLOCK_MONOTONIC stamp in the frame)`);
  console.log('spread: (max − min) / median of the runs; cpu: CPU time per frame of the reader and the writer process (all threads, polling included)\n');
  for (const l of lines) console.log(l);
  console.log('\ntargets (issue 10), ratios from this run');
  for (const l of targets(figures, ratios, LATENCY_SIZE)) console.log(`  ${l}`);
  fs.mkdirSync(path.dirname(o.out), { recursive: true });
  fs.writeFileSync(o.out, `${JSON.stringify(saved, null, 2)}\n`);
  console.log(`\nfigures written to ${o.out}`);
  if (o.compareWith) for (const l of compare(saved, o.compareWith)) console.log(l);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
