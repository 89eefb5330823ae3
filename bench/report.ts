// The figures of a benchmark run: medians of the alternating runs, the table with the ratios to
// the native pair and the anchors, the issue's targets, the JSON file and the comparison with a
// saved one.
import * as fs from 'node:fs';
import { caseKey, type Case, type RunResult } from './cases';

export interface Figure {
  unit: 'frames/s' | 'MB/s' | 'ns' | 'µs/frame';
  median: number;
  runs: number[];
}
export type Figures = Record<string, Figure>;

export interface Saved {
  version: 1;
  date: string;
  commit: string;
  node: string;
  machine: Record<string, unknown>;
  options: Record<string, unknown>;
  figures: Figures;
  ratios: Record<string, number>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function figure(unit: Figure['unit'], runs: number[]): Figure {
  return { unit, median: median(runs), runs };
}

/** Every figure of the runs of each case. */
export function figuresOf(cases: Case[], runs: Map<string, RunResult[]>): Figures {
  const f: Figures = {};
  for (const c of cases) {
    const key = caseKey(c);
    const rs = runs.get(key) ?? [];
    if (rs.length === 0) continue;
    if (c.kind === 'pingpong' || (c.kind === 'pair' && c.latency)) {
      for (const p of ['p50', 'p90', 'p99'] as const) f[`${key}/${p}`] = figure('ns', rs.map((r) => r.latency![p]));
      continue;
    }
    const fps = rs.map((r) => r.frames / r.seconds);
    f[`${key}/frames`] = figure('frames/s', fps);
    f[`${key}/MBps`] = figure('MB/s', fps.map((x) => (x * c.size) / 1e6));
    if (c.kind !== 'pair') continue;
    // CPU time per frame of each process (all its threads, polling included): less sensitive to
    // the machine's other load than the rates.
    f[`${key}/readerCpu`] = figure('µs/frame', rs.map((r) => (1e6 * r.cpuSeconds) / r.frames));
    f[`${key}/writerCpu`] = figure('µs/frame', rs.map((r) => (1e6 * (r.writer?.cpuSeconds ?? NaN)) / (r.writer?.frames ?? NaN)));
  }
  return f;
}

const SIZE_LABEL: Record<number, string> = { 64: '64 B', 1024: '1 KiB', 65536: '64 KiB', 1048576: '1 MiB' };
const sizeLabel = (n: number): string => SIZE_LABEL[n] ?? `${n} B`;
const PAIR_LABEL = (k: string): string => k.replace('-', ' → ');
const num = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const spread = (fg: Figure): string => `${num((100 * (Math.max(...fg.runs) - Math.min(...fg.runs))) / fg.median)}%`;
const us = (ns: number): string => `${num(ns / 1000, 1)} µs`;

/** The table (lines) and the ratios it shows, keyed like the figures. */
export function table(figures: Figures, sizes: number[], latencySize: number): { lines: string[]; ratios: Record<string, number> } {
  const lines: string[] = [];
  const ratios: Record<string, number> = {};
  const get = (k: string): Figure | undefined => figures[k];
  lines.push(`${'throughput'.padEnd(34)}${'frames/s'.padStart(12)}${'MB/s'.padStart(10)}${'spread'.padStart(8)}${'cpu µs/frame r, w'.padStart(20)}   × native pair`);
  for (const size of sizes) {
    const nativeBest = Math.max(
      ...(['copy', 'zerocopy'] as const).map((p) => get(`throughput/${size}/${p}/native-native/frames`)?.median ?? 0),
    );
    for (const p of ['copy', 'iterator', 'zerocopy', 'zc-sync', 'socket']) {
      for (const pair of ['native-native', 'ts-ts', 'native-ts', 'ts-native', 'addon-addon']) {
        const fg = get(`throughput/${size}/${p}/${pair}/frames`);
        if (!fg) continue;
        // The socket has no native pair of its own: it is compared with the faster native path;
        // the iterator (a TypeScript way to read the copy path) with the copy path's.
        // zc-sync (synchronous calls, TypeScript only) with the zero-copy path's.
        const own = p === 'iterator' ? 'copy' : p === 'zc-sync' ? 'zerocopy' : p;
        const base = p === 'socket' ? nativeBest : get(`throughput/${size}/${own}/native-native/frames`)?.median;
        const ratio = base ? fg.median / base : NaN;
        ratios[`throughput/${size}/${p}/${pair}`] = ratio;
        const cpu = (side: string): string => {
          const c = get(`throughput/${size}/${p}/${pair}/${side}Cpu`);
          return c ? num(c.median, c.median < 10 ? 2 : 0) : '';
        };
        lines.push(
          `${sizeLabel(size).padEnd(7)}${p.padEnd(10)}${PAIR_LABEL(pair).padEnd(17)}${num(fg.median).padStart(12)}` +
            `${num((fg.median * size) / 1e6, 1).padStart(10)}${spread(fg).padStart(8)}${`${cpu('reader')}  ${cpu('writer')}`.padStart(20)}` +
            `   ${num(ratio, 2).padStart(6)}`,
        );
      }
    }
    const anchor = (label: string, fg: Figure | undefined, frames = ''): void => {
      if (fg) lines.push(`${sizeLabel(size).padEnd(7)}${label.padEnd(27)}${frames.padStart(12)}${num(fg.median, 1).padStart(10)}${spread(fg).padStart(8)}`);
    };
    const pipeline = get(`pipeline/${size}/frames`);
    if (pipeline) anchor('pipeline  copy → memcmp', get(`pipeline/${size}/MBps`), num(pipeline.median));
    anchor('memcpy', get(`memcpy/${size}/MBps`));
  }
  lines.push('');
  lines.push(`${`latency (${sizeLabel(latencySize)}, one way)`.padEnd(34)}${'p50'.padStart(12)}${'p90'.padStart(10)}${'p99'.padStart(10)}   × ping-pong p50`);
  const floor = get('latency/semaphore-ping-pong/p50')?.median;
  const rows: [string, string][] = [['semaphore ping-pong', 'latency/semaphore-ping-pong']];
  for (const p of ['copy', 'blocking', 'zerocopy']) {
    for (const pair of ['native-native', 'ts-ts', 'native-ts', 'ts-native', 'addon-addon']) rows.push([`${p.padEnd(10)}${PAIR_LABEL(pair)}`, `latency/${latencySize}/${p}/${pair}`]);
  }
  for (const [label, key] of rows) {
    const p50 = get(`${key}/p50`);
    if (!p50) continue;
    const ratio = floor ? p50.median / floor : NaN;
    if (key !== 'latency/semaphore-ping-pong') ratios[key] = ratio;
    lines.push(
      `${label.padEnd(34)}${us(p50.median).padStart(12)}${us(get(`${key}/p90`)!.median).padStart(10)}` +
        `${us(get(`${key}/p99`)!.median).padStart(10)}   ${num(ratio, 2).padStart(6)}`,
    );
  }
  return { lines, ratios };
}

/** The issue's targets, each with the ratio measured in this run. */
export function targets(figures: Figures, ratios: Record<string, number>, latencySize: number): string[] {
  const best = (size: number): number => Math.max(...(['copy', 'zerocopy'] as const).map((p) => figures[`throughput/${size}/${p}/native-native/frames`]?.median ?? NaN));
  const tsOverBest = (size: number): number => (figures[`throughput/${size}/copy/ts-ts/frames`]?.median ?? NaN) / best(size);
  const zc = figures['throughput/1048576/zerocopy/ts-ts/MBps']?.median ?? NaN;
  const mc = figures['memcpy/1048576/MBps']?.median ?? NaN;
  const rows: [string, number, number, boolean][] = [
    ['1 KiB, TS → TS (copy path) ÷ native pair (faster path)', tsOverBest(1024), 0.8, true],
    ['64 B, TS → TS (copy path) ÷ native pair (faster path)', tsOverBest(64), 0.5, true],
    [`latency p50 ${sizeLabel(latencySize)}, TS → TS (async readMany) ÷ ping-pong`, ratios[`latency/${latencySize}/copy/ts-ts`] ?? NaN, 1.5, false],
    [`latency p50 ${sizeLabel(latencySize)}, TS → TS (blocking read) ÷ ping-pong`, ratios[`latency/${latencySize}/blocking/ts-ts`] ?? NaN, 1.5, false],
    ['1 MiB zero-copy TS → TS MB/s ÷ memcpy MB/s', zc / mc, 0.9, true],
  ];
  const lines = rows.map(([what, r, goal, atLeast]) => {
    const met = atLeast ? r >= goal : r <= goal;
    return `${what.padEnd(58)}${num(r, 2).padStart(6)}   target ${atLeast ? '≥' : '≤'} ${goal}   ${Number.isNaN(r) ? 'not measured' : met ? 'met' : 'NOT met'}`;
  });
  // Not targets: the same pairs in JavaScript without the library (bench/addon-endpoint.ts), how
  // close any JavaScript pair came on this machine; for 1 MiB also the pipeline with no protocol.
  const floor = (ratio: number, at: number, what = 'addon → addon (JavaScript without the library)', why = 'JavaScript itself'): void => {
    if (!Number.isNaN(ratio)) lines.splice(at, 0, `${`  the same, ${what}`.padEnd(58)}${num(ratio, 2).padStart(6)}   not a target: ${why}, this run`);
  };
  floor((figures['pipeline/1048576/MBps']?.median ?? NaN) / mc, 5, 'copy → memcmp pipeline, no protocol', "these CPUs' own");
  floor((figures['throughput/1048576/zerocopy/addon-addon/MBps']?.median ?? NaN) / mc, 5);
  floor((figures['throughput/1048576/zc-sync/ts-ts/MBps']?.median ?? NaN) / mc, 5, 'synchronous calls (acquireSync, readManySync)', 'the library, called as the addon pair calls');
  floor(ratios[`latency/${latencySize}/blocking/addon-addon`] ?? NaN, 4);
  floor((figures['throughput/1024/copy/addon-addon/frames']?.median ?? NaN) / best(1024), 1);
  return lines;
}

/** Per figure and ratio present in both runs: old → new and the change. */
export function compare(current: Saved, file: string): string[] {
  const old = JSON.parse(fs.readFileSync(file, 'utf8')) as Saved;
  const lines = [`compared with ${file} (${old.date}, commit ${old.commit}, node ${old.node})`];
  const row = (key: string, a: number, b: number, unit: string): string =>
    `${key.padEnd(52)}${num(a, unit === 'ratio' ? 2 : 0).padStart(14)} → ${num(b, unit === 'ratio' ? 2 : 0).padStart(14)} ${unit.padEnd(9)}${`${b >= a ? '+' : ''}${num((100 * (b - a)) / a, 1)}%`.padStart(9)}`;
  for (const [key, fg] of Object.entries(current.figures)) {
    const o = old.figures[key];
    if (o) lines.push(row(key, o.median, fg.median, fg.unit));
  }
  for (const [key, r] of Object.entries(current.ratios)) {
    const o = old.ratios[key];
    if (o !== undefined) lines.push(row(`ratio ${key}`, o, r, 'ratio'));
  }
  return lines;
}
