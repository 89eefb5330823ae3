#!/usr/bin/env node
// `zerobuffer` command line: read / write / serve / request / inspect / clean (docs/cli.md).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { packageRoot } from '../native';
import { PATTERNS } from './patterns';
import { parseChoice, parseNonNegativeInt, parsePositiveInt } from './common';
import { runRead } from './read';
import { runWrite } from './write';
import { runClean, runInspect } from './inspect';
import { runServe, SERVE_HANDLERS, SERVE_PAYLOAD_SIZE, type ServeOptions } from './serve';
import { RESPONSE_CHECKS, runRequest, type RequestOptions } from './request';

/** This package's version (package.json). */
function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

function finish(code: number): void {
  // stdout/stderr writes are synchronous for files, pipes and TTYs on Linux, so exiting right
  // away loses nothing; it also ends the process even if a stray handle would keep it alive.
  process.exit(code);
}

/** A subcommand whose usage errors name its own --help. */
function subcommand(program: Command, name: string): Command {
  return program.command(name).showHelpAfterError(`(run 'zerobuffer ${name} --help' for usage)`);
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('zerobuffer')
    .description('ZeroBuffer protocol v1.0.0 shared-memory ring buffer: test reader/writer, duplex server/client and diagnostics')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError("(run 'zerobuffer --help' for usage)");

  subcommand(program, 'read')
    .description('create the buffer as its Reader, read frames from a writer, verify them and print a summary')
    .argument('<name>', 'buffer name')
    .option('--frames <N>', 'frames to read; 0 = until the writer is gone and the ring is drained', parseNonNegativeInt, 0)
    .option('--size <BYTES>', 'expected payload size of every frame', parsePositiveInt)
    .option('--metadata-size <B>', 'metadata block size (default 1024)', parseNonNegativeInt)
    .option('--payload-size <B>', 'payload ring size (default 1 MiB, or 4 frames of --size if larger)', parsePositiveInt)
    .addOption(new Option('--verify <pattern>', 'content check').choices([...PATTERNS, 'none']).default('sequential'))
    .option('--timeout-ms <MS>', 'longest wait for each frame (including the first)', parseNonNegativeInt, 30000)
    .option('--json', 'print one JSON summary object', false)
    .action(async (name: string, opts) => {
      finish(
        await runRead(name, {
          frames: opts.frames,
          size: opts.size,
          metadataSize: opts.metadataSize,
          payloadSize: opts.payloadSize,
          verify: opts.verify,
          timeoutMs: opts.timeoutMs,
          json: opts.json,
        }),
      );
    });

  subcommand(program, 'write')
    .description('connect to an existing buffer as its Writer and write pattern frames')
    .argument('<name>', 'buffer name')
    .option('--frames <N>', 'frames to write; 0 = until interrupted', parseNonNegativeInt, 1000)
    .option('--size <BYTES>', 'payload size of every frame', parsePositiveInt, 1024)
    .option('--pattern <pattern>', `frame content: ${PATTERNS.join(', ')}`, parseChoice(PATTERNS), 'sequential')
    .option('--metadata <TEXT>', 'write this UTF-8 text as metadata before the first frame')
    .option('--delay-ms <MS>', 'pause after every frame, including the last', parseNonNegativeInt, 0)
    .option('--timeout-ms <MS>', 'longest wait for the buffer to appear and for space per frame', parseNonNegativeInt, 30000)
    .option('--json', 'print one JSON summary object', false)
    .action(async (name: string, opts) => {
      finish(
        await runWrite(name, {
          frames: opts.frames,
          size: opts.size,
          pattern: opts.pattern,
          metadata: opts.metadata,
          delayMs: opts.delayMs,
          timeoutMs: opts.timeoutMs,
          json: opts.json,
        }),
      );
    });

  subcommand(program, 'serve')
    .description('run an immutable duplex server on <channel>: answer each request (echo, or every byte XOR 0xFF)')
    .argument('<channel>', 'channel name (buffers <channel>_request and <channel>_response)')
    .option('--handler <handler>', `response: ${SERVE_HANDLERS.join(', ')}`, parseChoice(SERVE_HANDLERS), 'echo')
    .option('--requests <N>', 'requests to answer; 0 = until the client goes away or a signal', parseNonNegativeInt, 0)
    .option('--metadata-size <B>', 'request buffer metadata size (default 4096)', parseNonNegativeInt)
    .option('--payload-size <B>', `request ring size (default ${SERVE_PAYLOAD_SIZE / (1 << 20)} MiB)`, parsePositiveInt)
    .option('--json', 'print one JSON summary object', false)
    // The option names are ServeOptions' fields.
    .action(async (channel: string, opts: ServeOptions) => finish(await runServe(channel, opts)));

  subcommand(program, 'request')
    .description('duplex client: send pattern requests one at a time, verify each response, report round-trip times')
    .argument('<channel>', 'channel name of a running server')
    .option('--count <N>', 'requests to send', parsePositiveInt, 1000)
    .option('--size <BYTES>', 'payload size of every request', parsePositiveInt, 1024)
    .option('--verify <check>', `expected response: ${RESPONSE_CHECKS.join(', ')}`, parseChoice(RESPONSE_CHECKS), 'echo')
    .option('--payload-size <B>', 'response ring size (default 1 MiB, or 4 responses of --size if larger)', parsePositiveInt)
    .option('--timeout-ms <MS>', 'longest wait for the server to appear and for each response', parseNonNegativeInt, 30000)
    .option('--json', 'print one JSON summary object', false)
    // The option names are RequestOptions' fields.
    .action(async (channel: string, opts: RequestOptions) => finish(await runRequest(channel, opts)));

  subcommand(program, 'inspect')
    .description('show OIEB fields, utilisation, reader/writer PIDs and liveness, semaphores and lock state')
    .argument('<name>', 'buffer name')
    .option('--json', 'print one JSON object', false)
    .action((name: string, opts) => finish(runInspect(name, { json: opts.json })));

  subcommand(program, 'clean')
    .description('remove stale resources (only when no live owner); all stale locks without a name')
    .argument('[name]', 'buffer name')
    .option('--json', 'print one JSON object', false)
    .action((name: string | undefined, opts) => finish(runClean(name, { json: opts.json })));

  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`zerobuffer: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
