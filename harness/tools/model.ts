// npm run model -- [--runs N] [--max-commands K] [--seed S] [--path P] [--mutant NAME]
//
// Model-based stateful testing (harness/model/stateful/): random programs of step phrases run
// against real reader and writer processes and a model of the buffer; a failing program is shrunk
// and written as a feature file under reports/model/. Exit 0 when every program held; 1 with the
// feature file's path otherwise; 2 on a usage error. Progress goes to stderr.
import { Command, InvalidArgumentError } from 'commander';
import { MUTANT_ENV, mutantAnnouncement, selectMutantAddon } from '../model/mutants';

/** Defaults: a few seconds for `npm test`'s short run is `--runs 4`; these find every mutant. */
export const DEFAULTS = { runs: 100, maxCommands: 80, metadataSize: 64, payloadSize: 2048, exploreS: 150, shrinkS: 180 } as const;

function int(what: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${what} must be an integer ≥ ${min}`);
    return n;
  };
}

async function main(): Promise<number> {
  const cmd = new Command('model')
    .description('model-based stateful testing of the ring buffer across real processes; counterexamples become feature files')
    .option('--runs <n>', 'programs to generate', int('--runs', 1), DEFAULTS.runs)
    .option('--max-commands <k>', 'rules per program at most', int('--max-commands', 1), DEFAULTS.maxCommands)
    .option('--seed <s>', 'fast-check seed (replays with --path)', int('--seed', -2147483648))
    .option('--path <p>', "fast-check path of a counterexample (printed with its seed)")
    .option('--mutant <name>', `run every process on this test-only mutant addon (sets ${MUTANT_ENV}; docs/model-testing.md "Mutants")`)
    .option('--payload-size <bytes>', 'ring size of the programs\' buffer', int('--payload-size', 64), DEFAULTS.payloadSize)
    .option('--explore-seconds <s>', 'no new program is started after this long (without a failure)', int('--explore-seconds', 1), DEFAULTS.exploreS)
    .option('--shrink-seconds <s>', 'time budget for shrinking a failure', int('--shrink-seconds', 0), DEFAULTS.shrinkS)
    .option('--out <dir>', 'where counterexample feature files go (default reports/model)')
    .exitOverride();
  try {
    cmd.parse(process.argv);
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  const opts = cmd.opts<{ runs: number; maxCommands: number; seed?: number; path?: string; mutant?: string; payloadSize: number; exploreSeconds: number; shrinkSeconds: number; out?: string }>();
  const mutant = opts.mutant ?? null;
  // before anything loads the addon: every process of the run (this host and its servos) loads
  // the mutant; --mutant overrides ZEROBUFFER_MUTANT, an unknown name stops with the valid ones
  if (mutant !== null) process.env[MUTANT_ENV] = mutant;
  else delete process.env[MUTANT_ENV];
  try {
    if (mutant !== null) process.stderr.write(`${mutantAnnouncement(mutant)}\n`);
    selectMutantAddon();
  } catch (e) {
    process.stderr.write(`[model] ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const progress = (line: string) => process.stderr.write(`[model] ${line}\n`);
  progress(`addon: ${mutant !== null ? `mutant '${mutant}'` : 'real'}; ${opts.runs} programs of ≤ ${opts.maxCommands} rules; ring ${opts.payloadSize} bytes`);
  const { runModel } = await import('../model/stateful/runner');
  const r = await runModel({
    runs: opts.runs,
    maxCommands: opts.maxCommands,
    seed: opts.seed,
    path: opts.path,
    mutant,
    config: { metadataSize: DEFAULTS.metadataSize, payloadSize: opts.payloadSize },
    exploreMs: opts.exploreSeconds * 1000,
    shrinkMs: opts.shrinkSeconds * 1000,
    outDir: opts.out,
    progress,
  });
  if (r.ok) return 0;
  progress(`FAILED: ${r.message ?? 'a program failed'}`);
  if (r.featureFile !== undefined) {
    progress(`counterexample (${r.steps} steps): ${r.featureFile}`);
    progress(`replay: npm run model -- --seed ${r.seed} --path "${r.path}"${mutant !== null ? ` --mutant ${mutant}` : ''}`);
    progress(`rerun:  ${mutant !== null ? `ZEROBUFFER_MUTANT=${mutant} ` : ''}npm run cucumber -- ${r.featureFile}`);
    process.stdout.write(`${r.featureFile}\n`);
  }
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`[model] error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(2);
  },
);
