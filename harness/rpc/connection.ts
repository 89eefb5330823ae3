// Content-Length framed JSON-RPC 2.0 over a pair of streams (vscode-jsonrpc).
import type { Readable, Writable } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export type { MessageConnection };

export function createStreamConnection(input: Readable, output: Writable): MessageConnection {
  return createMessageConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
}
