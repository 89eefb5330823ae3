// Feature 08 — buffer names (steps.md §3.1 name rule, protocol.md §2.2): names with special
// characters (P04), the run-id naming convention (P12), one platform-independent rule (P13) and
// the 245-byte limit (P14, P15).
import * as fs from 'node:fs';
import { InvalidArgumentError, Reader, diagnostics } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { osObjectsPresent, checkResidue } from '../../harness/diagnostics/residue';
import { runObjectsPresent } from '../../harness/host/hygiene';
import { BUFFER_CONFIGS } from '../../harness/model/config';
import { MAX_NAME_BYTES, osObjectPaths } from '../../harness/model/naming';
import type { ServoContext } from '../../harness/servo/context';

const DEFAULT = BUFFER_CONFIGS.default;

/** Outcome of one reader creation attempt; a reader that was created is closed by the caller. */
interface Attempt {
  reader: Reader | null;
  error: unknown;
}

async function attemptCreate(name: string): Promise<Attempt> {
  try {
    return { reader: await Reader.create(name, { metadataSize: DEFAULT.metadataSize, payloadSize: DEFAULT.payloadSize }), error: null };
  } catch (error) {
    return { reader: null, error };
  }
}

/** `<base><fill>_<runId>` of exactly `bytes` bytes (the base padded with `x`). */
function paddedName(ctx: ServoContext, base: string, bytes: number): string {
  const pad = bytes - Buffer.byteLength(`${base}_${ctx.runId}`, 'utf8');
  if (pad < 0) fail(`base '${base}' with run id ${ctx.runId} is already longer than ${bytes} bytes`);
  return `${base}${'x'.repeat(pad)}_${ctx.runId}`;
}

/**
 * An invalid name must be refused with InvalidArgumentError ZB_INVALID_NAME and create nothing:
 * no new entry of this run in /dev/shm or /tmp/zerobuffer, and no object under the name's prefix
 * before the offending character (where a C string would have been cut).
 */
async function expectRejected(ctx: ServoContext, name: string, what: string): Promise<void> {
  const cut = name.split(/[/\0]/)[0]!;
  const objects = () => [...runObjectsPresent(ctx.runId), ...(cut !== '' && cut !== name ? osObjectsPresent(cut) : [])];
  const before = new Set(objects());
  const a = await attemptCreate(name);
  a.reader?.close();
  expectErrorClassCode(`creating a buffer named ${what}`, a.error ?? undefined, InvalidArgumentError, 'ZB_INVALID_NAME');
  const appeared = objects().filter((p) => !before.has(p));
  expectEqual(`OS objects that appeared after the rejected name ${what}`, '[]', JSON.stringify(appeared));
}

defineStep({
  id: 'P04',
  keyword: 'Then',
  pattern: 'test with buffer names containing special characters',
  runsIn: 'process',
  summary:
    "Bases <base>-dash, <base>_under, <base>.dot, <base>-Mixed.Case_9: create (default config) → PRESENT → close → RESIDUE. <base>/slash and a base with NUL: InvalidArgumentError ZB_INVALID_NAME, nothing created.",
  boundMs: 30_000,
  servo: async (ctx) => {
    const base = ctx.objects.requireReader().base;
    for (const suffix of ['-dash', '_under', '.dot', '-Mixed.Case_9']) {
      const name = ctx.resolve(`${base}${suffix}`);
      const a = await attemptCreate(name);
      if (a.reader === null) fail(`creating buffer ${JSON.stringify(name)} with default config: expected success, observed ${describeError(a.error)}`);
      try {
        expectEqual(`PRESENT(${name}): OS objects present (shm, sem-w, sem-r, lock file)`, 4, osObjectsPresent(name).length);
      } finally {
        a.reader.close();
      }
      checkResidue(`after closing ${name}`, name);
    }
    await expectRejected(ctx, `${base}/slash_${ctx.runId}`, `'${base}/slash_…' (contains '/')`);
    await expectRejected(ctx, `${base}\0nul_${ctx.runId}`, `'${base}\\0nul_…' (contains NUL)`);
  },
});

defineStep({
  id: 'P12',
  keyword: 'Then',
  pattern: 'verify name contains only alphanumeric and dash',
  runsIn: 'process',
  summary: 'The current base matches ^[A-Za-z0-9-]+$, its resolved name ^[A-Za-z0-9_-]+$, and /dev/shm/<resolved> exists under exactly that name.',
  servo: (ctx) => {
    const e = ctx.objects.requireReader();
    expectTrue(`base name '${e.base}' matches ^[A-Za-z0-9-]+$`, /^[A-Za-z0-9-]+$/.test(e.base));
    expectTrue(`resolved name '${e.name}' matches ^[A-Za-z0-9_-]+$`, /^[A-Za-z0-9_-]+$/.test(e.name));
    expectTrue(`/dev/shm lists an entry named exactly '${e.name}'`, fs.readdirSync('/dev/shm').includes(e.name));
  },
});

/** The library's verdict on a name without any OS call: accepted, or the error's class and code. */
function verdict(name: string): string {
  try {
    diagnostics.resourcePaths(name);
    return 'accepted';
  } catch (e) {
    return `${(e as Error).constructor.name} ${String((e as { code?: unknown }).code)}`;
  }
}

/** Runs `fn` while process.platform reports `platform` (the library must not look at it for names). */
function asPlatform<T>(platform: NodeJS.Platform, fn: () => T): T {
  const original = Object.getOwnPropertyDescriptor(process, 'platform')!;
  Object.defineProperty(process, 'platform', { ...original, value: platform });
  try {
    return fn();
  } finally {
    Object.defineProperty(process, 'platform', original);
  }
}

defineStep({
  id: 'P13',
  keyword: 'Then',
  pattern: 'same name rules work on both platforms',
  runsIn: 'process',
  summary:
    "The resolved name has no '/', '\\' or NUL, is ≤ 245 bytes and is accepted; '', a name with '/', one with NUL and a 246-byte one are refused with InvalidArgumentError ZB_INVALID_NAME — with the same verdicts whatever OS the process reports.",
  servo: async (ctx) => {
    const name = ctx.objects.requireReader().name;
    expectTrue(`resolved name '${name}' contains no '/', '\\' or NUL`, !/[/\\\0]/.test(name));
    expectTrue(`resolved name '${name}' is at most ${MAX_NAME_BYTES} bytes`, Buffer.byteLength(name, 'utf8') <= MAX_NAME_BYTES, Buffer.byteLength(name, 'utf8'));
    expectEqual(`library verdict on the resolved name of the current buffer`, 'accepted', verdict(name));
    const invalid: [string, string][] = [
      ['', "'' (empty)"],
      [`${name}/x`, "'<resolved>/x' (contains '/')"],
      [`${name}\0x`, "'<resolved>\\0x' (contains NUL)"],
      [paddedName(ctx, ctx.objects.requireReader().base, MAX_NAME_BYTES + 1), `a ${MAX_NAME_BYTES + 1}-byte name`],
    ];
    for (const [bad, what] of invalid) await expectRejected(ctx, bad, what);
    const names = [name, ...invalid.map(([bad]) => bad)];
    const native = names.map(verdict);
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const seen = asPlatform(platform, () => names.map(verdict));
      expectEqual(`library verdicts on the five names with process.platform = '${platform}' (one rule, no platform switch)`, JSON.stringify(native), JSON.stringify(seen));
    }
  },
});

/** What P14 observed, for P15. */
interface LongNames {
  at245: { name: string; error: unknown; present: string[]; residueAfterClose: string[] };
  at246: { name: string; error: unknown; residue: string[] };
}
const longNames = new WeakMap<ServoContext, LongNames>();

defineStep({
  id: 'P14',
  keyword: 'When',
  pattern: 'test maximum name length',
  runsIn: 'process',
  summary: 'Pad the current base with x to resolved names of exactly 245 and 246 bytes; attempt both (default config) and record; while the 245-byte buffer exists record PRESENT, then dispose it.',
  servo: async (ctx) => {
    const base = ctx.objects.requireReader().base;
    const n245 = paddedName(ctx, base, MAX_NAME_BYTES);
    const n246 = paddedName(ctx, base, MAX_NAME_BYTES + 1);
    const a = await attemptCreate(n245);
    const present = osObjectsPresent(n245);
    a.reader?.close();
    const at245 = { name: n245, error: a.error, present, residueAfterClose: osObjectsPresent(n245) };
    const b = await attemptCreate(n246);
    const residue = osObjectsPresent(n246);
    b.reader?.close();
    longNames.set(ctx, { at245, at246: { name: n246, error: b.error, residue } });
    ctx.logger.info({ at245: { ok: a.error === null, present }, at246: { ok: b.error === null, error: b.error === null ? null : describeError(b.error), residue } }, 'maximum name length attempts');
  },
});

defineStep({
  id: 'P15',
  keyword: 'Then',
  pattern: 'both platforms should handle it correctly',
  runsIn: 'process',
  summary: 'The 245-byte name was created (PRESENT observed) and left RESIDUE after closing; the 246-byte name failed with InvalidArgumentError ZB_INVALID_NAME and left RESIDUE.',
  servo: (ctx) => {
    const r = longNames.get(ctx);
    if (r === undefined) fail(`process '${ctx.role}' has not tested the maximum name length`);
    const { at245, at246 } = r;
    if (at245.error !== null) fail(`creating the ${MAX_NAME_BYTES}-byte name: expected success, observed ${describeError(at245.error)}`);
    expectEqual(`PRESENT(${MAX_NAME_BYTES}-byte name) while it existed: all four OS objects`, JSON.stringify(Object.values(osObjectPaths(at245.name))), JSON.stringify(at245.present));
    expectEqual(`RESIDUE(${MAX_NAME_BYTES}-byte name) after closing`, '[]', JSON.stringify(at245.residueAfterClose));
    expectErrorClassCode(`creating the ${MAX_NAME_BYTES + 1}-byte name`, at246.error ?? undefined, InvalidArgumentError, 'ZB_INVALID_NAME');
    expectEqual(`RESIDUE(${MAX_NAME_BYTES + 1}-byte name) after the rejected creation`, '[]', JSON.stringify(at246.residue));
  },
});
