// PID liveness as the protocol defines it (protocol.md §8.1): live iff 0 < v ≤ 2^31 − 1 and
// kill(v, 0) succeeds or fails with EPERM.
export function isPidAlive(pid: number | bigint): boolean {
  const v = typeof pid === 'bigint' ? pid : BigInt(pid);
  if (v <= 0n || v > 2147483647n) return false;
  try {
    process.kill(Number(v), 0);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    return true; // EPERM and anything else count as live
  }
}

/** A zombie still passes kill(0); this tells a reaped process from a zombie. */
export function processState(pid: number): 'gone' | 'zombie' | 'running' {
  try {
    const stat = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8') as string;
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X' ? 'zombie' : 'running';
  } catch {
    return 'gone';
  }
}
