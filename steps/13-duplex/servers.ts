// Feature 13 — constructing and starting duplex servers: D01, D06, D14, D54 (construction) and
// D02, D15, D19, D25, D36, D41 (start with a handler; every start is checked as D02).
import { defineStep } from '../../harness/registry';
import { expectEqual } from '../../harness/assert';
import { BUFFER_CONFIGS, type BufferConfig } from '../../harness/model/config';
import { constructServer, startServer } from '../../harness/servo/actions/duplex';
import { crashingHandler, doublingHandler, echoHandler, parseXorKey, xorHandler } from '../../harness/servo/actions/duplex-handlers';
import type { ServoContext } from '../../harness/servo/context';
import type { HandlerSpec } from '../../harness/servo/state/duplex';

const SINGLE_THREAD = 'SingleThread';

/** Construct (not start) the current server; isRunning must be false. */
function construct(ctx: ServoContext, base: string, config: BufferConfig, mode: string): void {
  const e = constructServer(ctx, base, config, mode);
  expectEqual(`server of ${e.channel} after construction (not started): isRunning`, false, e.server.isRunning);
}

/** Start the current server with `spec`; checks as D02. */
function start(ctx: ServoContext, spec: HandlerSpec): Promise<void> {
  return startServer(ctx, ctx.objects.requireServer(), spec);
}

const START_CHECKS = 'isRunning must become true and `<ch>_request` must satisfy FRESH with the configured sizes and this process as reader';

defineStep({
  id: 'D01',
  keyword: 'Given',
  pattern: "the '{role}' process creates immutable duplex channel '{name}' with metadata size '{uint}' and payload size '{uint}'",
  runsIn: 'process',
  summary: 'Construct (not start) an immutable duplex server for the resolved channel with request-buffer configuration (meta, payload), mode SingleThread; it becomes the current server; isRunning must be false.',
  servo: (ctx, _role: string, name: string, meta: number, payload: number) => construct(ctx, name, { metadataSize: meta, payloadSize: payload }, SINGLE_THREAD),
});

defineStep({
  id: 'D06',
  keyword: 'Given',
  pattern: "the '{role}' process creates immutable duplex channel '{name}' with default config",
  runsIn: 'process',
  summary: 'As D01 with metadata 4096 and payload 1048576 (the duplex default of steps.md §3.2).',
  servo: (ctx, _role: string, name: string) => construct(ctx, name, BUFFER_CONFIGS.duplexDefault, SINGLE_THREAD),
});

defineStep({
  id: 'D14',
  keyword: 'Given',
  pattern: "the '{role}' process creates immutable duplex channel '{name}' with processing mode '{text}'",
  runsIn: 'process',
  summary: 'As D06, passing the mode to the library: SingleThread must be accepted; any other mode is rejected by the library (InvalidArgumentError ZB_INVALID_ARGUMENT), which fails the step.',
  servo: (ctx, _role: string, name: string, mode: string) => construct(ctx, name, BUFFER_CONFIGS.duplexDefault, mode),
});

defineStep({
  id: 'D54',
  keyword: 'When',
  pattern: "a new '{role}' process creates immutable duplex channel '{name}'",
  runsIn: 'process',
  summary: 'In the fresh process construct (not start) a server for the resolved channel with metadata 4096, payload 1048576, mode SingleThread; must succeed (isRunning false).',
  servo: (ctx, _role: string, name: string) => construct(ctx, name, BUFFER_CONFIGS.duplexDefault, SINGLE_THREAD),
});

defineStep({
  id: 'D02',
  keyword: 'Given',
  pattern: "the '{role}' process starts echo handler",
  runsIn: 'process',
  summary: `Start the current server with a handler that returns the request bytes unchanged; ${START_CHECKS}.`,
  servo: (ctx) => start(ctx, echoHandler()),
});

defineStep({
  id: 'D15',
  keyword: 'Given',
  pattern: "the '{role}' process starts handler with '{uint}' ms processing time",
  runsIn: 'process',
  summary: `Start the current server with an echo handler that waits ms milliseconds (asynchronously) before returning, recording each request's start and end; ${START_CHECKS}.`,
  servo: (ctx, _role: string, ms: number) => start(ctx, echoHandler(ms)),
});

defineStep({
  id: 'D19',
  keyword: 'Given',
  pattern: "the '{role}' process starts handler that crashes after '{uint}' ms",
  runsIn: 'process',
  summary: `Start the current server (checks as D02) with a handler that, for the first request, waits ms milliseconds and then sends SIGKILL to its own process without producing a response (the host declares that death before delivering the step).`,
  armsOwnDeath: 'its duplex request handler sends SIGKILL to its own process (D19)',
  servo: (ctx, _role: string, ms: number) => start(ctx, crashingHandler(ms, ctx.logger)),
});

defineStep({
  id: 'D25',
  keyword: 'Given',
  pattern: "the '{role}' process starts handler that doubles request size",
  runsIn: 'process',
  summary: 'Start the current server (checks as D02) with a handler whose response is the request bytes twice in a row.',
  servo: (ctx) => start(ctx, doublingHandler()),
});

defineStep({
  id: 'D36',
  keyword: 'Given',
  pattern: "the '{role}' process starts handler that implements XOR with key '{text}'",
  runsIn: 'process',
  summary: 'Start the current server (checks as D02) with a handler whose response byte i = request byte i XOR key (0x-hex or decimal); a key outside 0–255 fails the step.',
  servo: (ctx, _role: string, key: string) => start(ctx, xorHandler(parseXorKey(key))),
});

defineStep({
  id: 'D41',
  keyword: 'Given',
  pattern: "the '{role}' process starts handler with '{uint}' second processing delay",
  runsIn: 'process',
  summary: 'Start the current server (checks as D02) with an echo handler that waits seconds seconds (asynchronously) before returning; each request\'s start and end are recorded, the outcome of its response write through the error callback.',
  servo: (ctx, _role: string, seconds: number) => start(ctx, echoHandler(seconds * 1000)),
});
