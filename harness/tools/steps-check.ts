// Step hygiene (`npm run steps:check`): cucumber dry run with the usage formatter (profile
// `check`). Fails on undefined or ambiguous steps (strict); reports step definitions that no
// feature uses. With --fail-unused (or ZEROBUFFER_FAIL_UNUSED=1) unused definitions fail too.
// Further arguments are passed to cucumber (e.g. a feature path or --tags).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, reportsDir } from '../paths';

interface UsageEntry {
  pattern: string;
  uri: string;
  line: number;
  matches: unknown[];
}

function main(): number {
  const root = repoRoot();
  const args = process.argv.slice(2);
  const failUnused = args.includes('--fail-unused') || process.env.ZEROBUFFER_FAIL_UNUSED === '1';
  const passThrough = args.filter((a) => a !== '--fail-unused');
  const usageFile = path.join(reportsDir(), 'cucumber-usage.json');
  const messagesFile = path.join(reportsDir(), 'cucumber-check.ndjson');
  fs.rmSync(usageFile, { force: true });
  fs.rmSync(messagesFile, { force: true });
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js'), '--profile', 'check', ...passThrough], {
    cwd: root,
    stdio: 'inherit',
  });
  const code = r.status ?? 1;
  // A dry run never fails by itself: find undefined / ambiguous steps in the message stream.
  const problems: string[] = [];
  try {
    const pickles = new Map<string, { uri: string; name: string; steps: Map<string, string> }>();
    const lines = fs.readFileSync(messagesFile, 'utf8').split('\n').filter((l) => l !== '');
    const envelopes = lines.map((l) => JSON.parse(l) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const e of envelopes) {
      if (e.pickle) pickles.set(e.pickle.id, { uri: e.pickle.uri, name: e.pickle.name, steps: new Map(e.pickle.steps.map((s: { id: string; text: string }) => [s.id, s.text])) });
    }
    for (const e of envelopes) {
      if (!e.testCase) continue;
      const p = pickles.get(e.testCase.pickleId);
      for (const ts of e.testCase.testSteps as { pickleStepId?: string; stepDefinitionIds?: string[] }[]) {
        if (ts.pickleStepId === undefined) continue;
        const n = ts.stepDefinitionIds?.length ?? 0;
        if (n === 1) continue;
        const text = p?.steps.get(ts.pickleStepId) ?? ts.pickleStepId;
        problems.push(`${n === 0 ? 'UNDEFINED' : `AMBIGUOUS (${n} definitions)`}  "${text}"  in "${p?.name}" (${p?.uri})`);
      }
    }
  } catch (e) {
    process.stderr.write(`steps:check: cannot read ${messagesFile}: ${(e as Error).message}\n`);
    return 1;
  }
  let unused: UsageEntry[] = [];
  try {
    const usage = JSON.parse(fs.readFileSync(usageFile, 'utf8')) as UsageEntry[];
    unused = usage.filter((u) => u.matches.length === 0);
  } catch (e) {
    process.stderr.write(`steps:check: cannot read ${usageFile}: ${(e as Error).message}\n`);
    return code === 0 ? 1 : code;
  }
  process.stdout.write(`\nsteps:check: ${unused.length} step definition(s) not used by any selected feature${unused.length ? ':' : '.'}\n`);
  for (const u of unused) process.stdout.write(`  UNUSED  ${u.pattern}  (${u.uri}:${u.line})\n`);
  for (const p of problems) process.stdout.write(`  ${p}\n`);
  if (code !== 0) {
    process.stdout.write(`steps:check: FAILED — cucumber dry run exit ${code}\n`);
    return code;
  }
  if (problems.length > 0) {
    process.stdout.write(`steps:check: FAILED — ${problems.length} undefined or ambiguous step(s)\n`);
    return 1;
  }
  if (failUnused && unused.length > 0) {
    process.stdout.write('steps:check: FAILED — unused step definitions (--fail-unused)\n');
    return 1;
  }
  process.stdout.write('steps:check: OK — no undefined or ambiguous steps\n');
  return 0;
}

process.exitCode = main();
