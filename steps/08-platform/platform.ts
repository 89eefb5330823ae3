// Feature 08 — the host platform (P01) and the Windows-only phrases of scenario 8.2 (P07–P11).
//
// 8.2 is tagged @windows: on any other OS the Before hook reports it skipped and none of P07–P11
// runs. They are defined so that a feature file containing 8.2 has no undefined step. Their
// meaning belongs to a Windows backend (named file mappings, Local\ and Global\ namespaces, Win32
// semaphores); this library's native addon is POSIX-only, so on a Windows host each of them fails
// with "no Windows backend" (steps.md §6.8) — never a pass — and elsewhere it fails as misplaced.
import { defineStep } from '../../harness/registry';
import { expectEqual, fail } from '../../harness/assert';

/** P01's platform names and the Node.js platform each one denotes. */
const PLATFORMS: Readonly<Record<string, NodeJS.Platform>> = { Linux: 'linux', Windows: 'win32', macOS: 'darwin' };

defineStep({
  id: 'P01',
  keyword: 'Given',
  pattern: "the platform is '{text}'",
  runsIn: 'host',
  summary: 'The host OS is the named one (Linux → linux, Windows → win32, macOS → darwin); an unknown name or a mismatch fails.',
  host: (ctx, platform: string) => {
    const expected = PLATFORMS[platform];
    if (expected === undefined) fail(`unknown platform ${JSON.stringify(platform)} (known: ${Object.keys(PLATFORMS).join(', ')})`);
    expectEqual(`host OS for platform '${platform}' (process.platform)`, expected, process.platform);
    ctx.logger.info({ platform, node: process.platform }, 'platform confirmed');
  },
});

/** What a Windows-only phrase needs before it can do anything: a Windows host with a Windows backend. */
function requireWindowsBackend(id: string, meaning: string): never {
  if (process.platform !== 'win32') {
    fail(`${id} is a Windows-only step (scenario 8.2 is @windows and skipped elsewhere); this host is ${process.platform}`);
  }
  fail(`no Windows backend: ${id} needs ${meaning}, and this library's native addon implements the POSIX objects of protocol.md §2 only`);
}

const WINDOWS_STEPS = [
  {
    id: 'P07',
    keyword: 'Then',
    pattern: 'verify CreateFileMapping with proper naming',
    summary: 'Windows only: a named file mapping called <resolved> opens with OpenFileMappingW and has size 128 + metadata + payload.',
    meaning: 'OpenFileMappingW on the named file mapping of the current buffer',
  },
  {
    id: 'P08',
    keyword: 'Then',
    pattern: 'test Global vs Local namespace for different contexts',
    summary: 'Windows only: creating in Local\\ succeeds; in Global\\ it succeeds (privileged) or fails with ResourceError ZB_PERMISSION_DENIED.',
    meaning: 'buffer creation in the Local\\ and Global\\ kernel object namespaces',
  },
  {
    id: 'P09',
    keyword: 'Then',
    pattern: 'verify semaphore limits and max count',
    summary: 'Windows only: semaphores sem-w-<resolved> and sem-r-<resolved> exist with current count 0 and maximum count 2^31 − 1.',
    meaning: 'NtQuerySemaphore on the Win32 semaphores of the current buffer',
  },
  {
    id: 'P10',
    keyword: 'When',
    pattern: 'test across different user sessions',
    summary: 'Windows only: a process in another logon session tries to open the Local\\ and Global\\ objects; outcomes recorded.',
    meaning: 'an auxiliary process in another Windows logon session',
  },
  {
    id: 'P11',
    keyword: 'Then',
    pattern: 'verify proper isolation or sharing as expected',
    summary: 'Windows only: the Local\\ object was not visible from the other session and the Global\\ one was.',
    meaning: "the outcomes P10 recorded in another Windows logon session",
  },
] as const;

for (const s of WINDOWS_STEPS) {
  defineStep({
    id: s.id,
    keyword: s.keyword,
    pattern: s.pattern,
    runsIn: 'process',
    summary: s.summary,
    servo: () => requireWindowsBackend(s.id, s.meaning),
  });
}
