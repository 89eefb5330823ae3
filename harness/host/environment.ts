// Environment requirements checked once per host process (steps.md §3.7).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScale, SCALE_ENV } from '../model/scale';
import { repoRoot } from '../paths';
import { poolSizeFromEnv } from './warm-pool';

export const MIN_SHM_FREE = 256 * 1024 * 1024;
export const MIN_NOFILE = 1024;
export const LOCK_DIR = '/tmp/zerobuffer';

export interface EnvironmentReport {
  glibc: string;
  shmFreeBytes: number;
  nofile: number;
  lockDir: string;
  /** Idle warm servos the host keeps (ZEROBUFFER_WARM_POOL; 0: none). */
  warmPool: number;
}

function softNofile(): number {
  const limits = fs.readFileSync('/proc/self/limits', 'utf8');
  const m = /^Max open files\s+(\S+)/m.exec(limits);
  if (m === null) throw new Error('cannot read RLIMIT_NOFILE from /proc/self/limits');
  return m[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(m[1]);
}

/** Throws one error listing every unmet requirement. */
export function checkEnvironment(): EnvironmentReport {
  const problems: string[] = [];
  if (process.platform !== 'linux') problems.push(`Linux required (this is ${process.platform})`);
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  const glibc = header?.glibcVersionRuntime ?? '';
  if (glibc === '') problems.push('glibc required (servos and host must share the same C library); none detected');
  let shmFree = 0;
  try {
    const st = fs.statfsSync('/dev/shm');
    shmFree = st.bavail * st.bsize;
    if (shmFree < MIN_SHM_FREE) problems.push(`/dev/shm needs ≥ ${MIN_SHM_FREE} bytes free, has ${shmFree}`);
  } catch (e) {
    problems.push(`/dev/shm not usable: ${(e as Error).message}`);
  }
  try {
    if (!fs.existsSync(LOCK_DIR)) {
      fs.mkdirSync(LOCK_DIR, { mode: 0o777 });
      fs.chmodSync(LOCK_DIR, 0o1777);
    }
    const st = fs.lstatSync(LOCK_DIR);
    if (!st.isDirectory()) problems.push(`${LOCK_DIR} exists but is not a directory`);
    fs.accessSync(LOCK_DIR, fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    problems.push(`${LOCK_DIR} not creatable/writable: ${(e as Error).message}`);
  }
  let nofile = 0;
  try {
    nofile = softNofile();
    if (nofile < MIN_NOFILE) problems.push(`RLIMIT_NOFILE of the host must be ≥ ${MIN_NOFILE}, is ${nofile}`);
  } catch (e) {
    problems.push((e as Error).message);
  }
  const root = repoRoot();
  for (const addon of ['zerobuffer.node', 'zerobuffer_test_support.node']) {
    const p = path.join(root, 'build', 'Release', addon);
    if (!fs.existsSync(p)) problems.push(`native addon missing: ${p} (run \`npm ci\` or \`npm run build:native\`)`);
  }
  const scale = parseScale(process.env[SCALE_ENV]);
  if (scale instanceof Error) problems.push(scale.message);
  let warmPool = 0;
  try {
    warmPool = poolSizeFromEnv();
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length > 0) throw new Error(`zerobuffer harness: environment requirements not met:\n  - ${problems.join('\n  - ')}`);
  return { glibc, shmFreeBytes: shmFree, nofile, lockDir: LOCK_DIR, warmPool };
}
