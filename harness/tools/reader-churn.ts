// Reader churn: creates and closes Readers of its own unique names nonstop, for a given time.
// Every Reader creation runs the stale scan of protocol.md §13 over /tmp/zerobuffer, so this is the
// background load that proves the harness immune to other processes' scans (scenarios 2.3, 8.4,
// 12.3): run it while the scenarios run.
//
//   node -r ts-node/register/transpile-only harness/tools/reader-churn.ts --seconds 120
//
// Names have the harness's run-id format with this process as the "host" (reader-churn_<pid>-0-<i>-<hex>),
// so objects left by a killed churn process are removed by the next harness run's start-up hygiene.
// Prints a JSON summary (creations, failures, rate) at the end or on SIGINT/SIGTERM.
import { Reader } from '../../src/index';
import { describeError } from '../assert';
import { makeRunId } from '../model/naming';

const BASE = 'reader-churn';
const CONFIG = { metadataSize: 0, payloadSize: 4096 };

function parseSeconds(argv: readonly string[]): number {
  const i = argv.indexOf('--seconds');
  const s = i >= 0 ? Number(argv[i + 1]) : NaN;
  if (!Number.isFinite(s) || s <= 0) {
    process.stderr.write('usage: reader-churn.ts --seconds N   (N > 0)\n');
    process.exit(2);
  }
  return s;
}

async function main(): Promise<void> {
  const seconds = parseSeconds(process.argv.slice(2));
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  let created = 0;
  let failures = 0;
  const firstFailures: string[] = [];
  let stop = false;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => (stop = true));
  while (!stop && performance.now() < deadline) {
    const name = `${BASE}_${makeRunId(process.pid, 0, created + failures)}`;
    try {
      Reader.createSync(name, CONFIG).close();
      created++;
    } catch (e) {
      failures++;
      if (firstFailures.length < 5) firstFailures.push(`${name}: ${describeError(e)}`);
    }
    // let signals through now and then
    if ((created + failures) % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  const elapsed = (performance.now() - t0) / 1000;
  const summary = { pid: process.pid, seconds: Number(elapsed.toFixed(1)), created, failures, perSecond: Math.round(created / elapsed), firstFailures };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exitCode = failures > 0 ? 1 : 0;
}

void main();
