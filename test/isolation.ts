// Runs a fixture in a private mount namespace with its own empty /tmp and /dev/shm (not a test
// file). Tests that plant hostile files (FIFOs, symlinks) or remove lock files use it, so nothing
// they do can touch another process's buffers or stale scans on this host, and nothing of theirs
// survives them: both tmpfs mounts vanish with the namespace.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const FIXTURES = path.join(__dirname, 'fixtures');

/** The checkout (dist/test/.. /..): it may itself live under /tmp, as a CI clone can. */
const REPO = path.resolve(__dirname, '..', '..');

// The checkout is bind-mounted aside before /tmp is replaced and moved back to its own path
// afterwards, so the fixtures stay reachable wherever the checkout lives.
const SETUP =
  'mount --bind "$0" /mnt && mount -t tmpfs tmpfs /tmp && mkdir -p "$0" && mount --move /mnt "$0" && ' +
  'mount -t tmpfs tmpfs /dev/shm && exec "$@"';

function namespaceArgs(command: string[]): string[] {
  return ['-m', '--propagation', 'private', 'sh', '-c', SETUP, REPO, ...command];
}

/**
 * Why a private namespace cannot be had here (`unshare -m` and `mount` need root, i.e.
 * CAP_SYS_ADMIN), or null when it can. Tests that need one skip with this reason.
 */
export const noPrivateNamespace: string | null = (() => {
  const r = spawnSync('unshare', namespaceArgs(['true']), { encoding: 'utf8' });
  if (r.error) return `unshare is not available: ${r.error.message}`;
  if (r.status !== 0) return `unshare -m with private tmpfs mounts failed (needs root): ${r.stderr.trim()}`;
  return null;
})();

/**
 * Runs `node dist/test/fixtures/<fixture> <args>` in a private namespace and returns the JSON
 * object of its last stdout line. A fixture that hangs is killed after `timeoutMs`, which fails
 * the calling test with its output.
 */
export function runIsolated(fixture: string, args: string[], timeoutMs = 30000): Record<string, unknown> {
  const r = spawnSync('unshare', namespaceArgs([process.execPath, path.join(FIXTURES, fixture), ...args]), {
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  const lines = (r.stdout ?? '').trim().split('\n').filter((l) => l.length > 0);
  const last = lines.at(-1);
  if (r.status !== 0 || last === undefined) {
    const how = r.signal !== null ? `killed by ${r.signal}${r.signal === 'SIGKILL' ? ` (hung for ${timeoutMs} ms?)` : ''}` : `exit ${r.status}`;
    throw new Error(`${fixture} ${args.join(' ')}: ${how}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return JSON.parse(last) as Record<string, unknown>;
}
