// Child process of bench/throughput.ts (not run directly).
//   node bench-writer.js zb <name> <count> <size>      write frames through ZeroBuffer
//   node bench-writer.js uds <socketPath> <count> <size>  write the same bytes to a Unix socket
import * as net from 'node:net';
import { Writer } from '../src/writer';
import { BufferFullError } from '../src/errors';

async function zb(name: string, count: number, size: number): Promise<void> {
  const writer = await Writer.connect(name);
  const data = Buffer.alloc(size, 0x5a);
  process.stdout.write('connected\n');
  for (let k = 0; k < count; k++) {
    try {
      writer.writeSync(data, 0); // space available: copy on this thread, no worker hop
    } catch (err) {
      if (!(err instanceof BufferFullError) || err.code !== 'ZB_BUFFER_FULL') throw err;
      await writer.write(data, 30000); // ring full: wait for space on a worker thread
    }
  }
  writer.close();
}

async function uds(socketPath: string, count: number, size: number): Promise<void> {
  const data = Buffer.alloc(size, 0x5a);
  const sock = net.createConnection(socketPath);
  await new Promise<void>((r, j) => sock.once('connect', r).once('error', j));
  process.stdout.write('connected\n');
  for (let k = 0; k < count; k++) {
    if (!sock.write(data)) await new Promise<void>((r) => sock.once('drain', r));
  }
  await new Promise<void>((r) => sock.end(r));
}

const [mode, target, count, size] = process.argv.slice(2);
(mode === 'zb' ? zb : uds)(target!, Number(count), Number(size)).catch((err: unknown) => {
  process.stderr.write(`bench-writer: ${String(err)}\n`);
  process.exit(1);
});
