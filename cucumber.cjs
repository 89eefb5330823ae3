// cucumber-js 12 profiles. One transpiler (ts-node, transpile-only) registered through
// `requireModule` together with `require:` (never `import:`). Type-checking is `npm run typecheck`.
// ts-node transpiles with SWC (tsconfig.json, "ts-node"): TypeScript's own transpiler cost 2 of
// the ~3.5 s a run spent before its first scenario (a CPU profile of `./test.sh 1.1`).
// Feature paths are left to cucumber's default (features/**/*.feature) so that a path given on the
// command line (`npm run cucumber -- features/01-basic-communication.feature`) is not merged with
// a configured one.
const common = {
  requireModule: ['ts-node/register/transpile-only'],
  require: ['steps/**/*.ts'],
  strict: true,
  // the snippet of an undefined step: closest defined phrases, where a new one goes, and a
  // defineStep({...}) block in this project's style (harness/tools/snippet.ts)
  formatOptions: { snippetSyntax: './harness/tools/snippet-syntax.cjs' },
  // step timeouts are set per step definition; this is the default for hooks and plain steps
};

// ZEROBUFFER_REPORTS_DIR moves the reports (and the harness's logs and timings, harness/paths.ts).
const out = process.env.ZEROBUFFER_REPORTS_DIR || 'reports';
const reports = [
  `html:${out}/cucumber-report.html`,
  // cucumber's JUnit formatter, plus a failed step's log tails after its stack (the built-in one
  // writes no attachments)
  ['./harness/tools/junit-formatter.cjs', `${out}/cucumber-junit.xml`],
  `message:${out}/cucumber-messages.ndjson`,
  `json:${out}/cucumber-report.json`,
];

module.exports = {
  // Everything; progress output + HTML + JUnit + messages/json. @windows (8.2) and @linux scenarios
  // are selected too: the Before hook reports them skipped on another OS (steps.md §3.7), so 8.2
  // appears as skipped on Linux — never passed, never silently left out.
  default: {
    ...common,
    format: ['progress', ...reports],
  },
  // CI: same selection, summary output (no progress bar), reports plus a usage report. Set
  // FORCE_COLOR=0 for plain text.
  ci: {
    ...common,
    format: ['summary', ...reports, `usage:${out}/cucumber-usage.txt`],
  },
  // Step-by-step output (pretty formatter) — useful with ./test.sh -v.
  verbose: {
    ...common,
    format: ['pretty', ...reports],
  },
  // Step hygiene (used by `npm run steps:check`, which fails on undefined/ambiguous steps found
  // in the message stream — a cucumber dry run itself always exits 0).
  check: {
    ...common,
    dryRun: true,
    format: ['usage', `usage-json:${out}/cucumber-usage.json`, `message:${out}/cucumber-check.ndjson`],
  },
};
