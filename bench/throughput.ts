// Cross-process throughput benchmark (not a test): ZeroBuffer vs a Unix-domain socket carrying the
// same bytes. The writer runs in a child process; this process reads.
//
//   npm run bench                       (after `npx tsc -p tsconfig.json`)
//   node dist/bench/throughput.js [--frames-1k N] [--frames-1m N] [--repeat R]
//
// ZeroBuffer reader: zero-copy frames, drained with readSync(0) while frames are ready and an
// async read() when the ring is empty; every frame is released. Socket reader: counts bytes.
// MB/s are 10^6 bytes per second of payload. The best of R runs is reported.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Reader } from '../src/reader';

const WRITER = path.join(__dirname, 'bench-writer.js');

interface Result {
  frames: number;
  seconds: number;
}

function argInt(flag: string, dflt: number): number {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

function startWriter(args: string[]): { done: Promise<void> } {
  const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const done = new Promise<void>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited with ${code}`)))),
  );
  return { done };
}

async function runZeroBuffer(count: number, size: number): Promise<Result> {
  const name = `zbbench-${process.pid}-${size}`;
  const reader = await Reader.create(name, { metadataSize: 0, payloadSize: Math.max(4 << 20, 16 * (size + 16)) });
  try {
    const writer = startWriter(['zb', name, String(count), String(size)]);
    let n = 0;
    let t0 = 0;
    while (n < count) {
      let f = reader.readSync(0);
      if (f === null) f = await reader.read(30000);
      if (f === null) throw new Error(`timeout after ${n} frames`);
      if (n === 0) t0 = performance.now();
      if (f.size !== size) throw new Error(`bad size ${f.size}`);
      f.release();
      n++;
    }
    const seconds = (performance.now() - t0) / 1000;
    await writer.done;
    // Frame 1 starts the clock, so count-1 frames were timed.
    return { frames: count - 1, seconds };
  } finally {
    reader.close();
  }
}

async function runSocket(count: number, size: number): Promise<Result> {
  const sockPath = path.join('/tmp', `zbbench-${process.pid}-${size}.sock`);
  fs.rmSync(sockPath, { force: true });
  const total = count * size;
  let t0 = 0;
  let firstChunk = 0;
  const finished = new Promise<number>((resolve, reject) => {
    const server = net.createServer((sock) => {
      let got = 0;
      sock.on('data', (chunk: Buffer) => {
        if (got === 0) {
          t0 = performance.now();
          firstChunk = chunk.length;
        }
        got += chunk.length;
        if (got >= total) {
          resolve(performance.now());
          sock.destroy();
          server.close();
        }
      });
      sock.on('error', reject);
    });
    server.listen(sockPath);
  });
  try {
    const writer = startWriter(['uds', sockPath, String(count), String(size)]);
    const t1 = await finished;
    await writer.done;
    // Exclude the first chunk from the timed bytes, like frame 1 above.
    return { frames: (total - firstChunk) / size, seconds: (t1 - t0) / 1000 };
  } finally {
    fs.rmSync(sockPath, { force: true });
  }
}

async function best(fn: () => Promise<Result>, repeat: number): Promise<Result> {
  let b: Result | null = null;
  for (let i = 0; i < repeat; i++) {
    const r = await fn();
    if (b === null || r.frames / r.seconds > b.frames / b.seconds) b = r;
  }
  return b!;
}

async function main(): Promise<void> {
  const repeat = argInt('--repeat', 3);
  const cases = [
    { label: '1 KiB', size: 1024, count: argInt('--frames-1k', 200_000) },
    { label: '1 MiB', size: 1 << 20, count: argInt('--frames-1m', 2_000) },
  ];
  console.log(`zerobuffer cross-process throughput (node ${process.version}, best of ${repeat})`);
  console.log('frame   frames    zerobuffer frames/s   MB/s      unix socket frames/s   MB/s      ratio');
  for (const c of cases) {
    const zb = await best(() => runZeroBuffer(c.count, c.size), repeat);
    const ux = await best(() => runSocket(c.count, c.size), repeat);
    const zf = zb.frames / zb.seconds;
    const uf = ux.frames / ux.seconds;
    console.log(
      `${c.label.padEnd(7)} ${String(c.count).padEnd(9)} ${zf.toFixed(0).padStart(12)}        ${((zf * c.size) / 1e6).toFixed(1).padStart(8)}  ` +
        `${uf.toFixed(0).padStart(12)}          ${((uf * c.size) / 1e6).toFixed(1).padStart(8)}  ${(zf / uf).toFixed(2).padStart(6)}x`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
