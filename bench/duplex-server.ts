// Child process of bench/duplex.ts (not run directly): an echo ImmutableDuplexServer.
//   node duplex-server.js <channel> <requestPayload>
// Prints "ready" once the request buffer exists; exits when the client has closed. Ignores SIGINT
// (a Ctrl-C reaches the whole process group): it ends, unlinking its buffer, once the client is gone.
import { ImmutableDuplexServer } from '../src/index';

async function main(channel: string, payload: number): Promise<void> {
  let done!: (e: Error) => void;
  const ended = new Promise<Error>((r) => (done = r));
  const server = new ImmutableDuplexServer(channel, { requestBuffer: { metadataSize: 0, payloadSize: payload }, onError: done });
  // Echo: the request view itself; the server copies it into the response ring (the one copy).
  await server.start((request) => request.data);
  process.stdout.write('ready\n');
  const e = await ended;
  if (!('graceful' in e && e.graceful === true)) throw e; // anything but the client closing
}

process.on('SIGINT', () => undefined);
const [channel, payload] = process.argv.slice(2);
main(channel!, Number(payload)).catch((err: unknown) => {
  process.stderr.write(`duplex-server: ${String(err)}\n`);
  process.exit(1);
});
