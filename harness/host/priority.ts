// CPU priority of warm servos. Loading a servo costs some 300 ms of CPU; a warm servo does it at a
// low priority (nice 10) so that it uses the time the running scenario leaves idle instead of
// slowing the scenario down (timing steps, kills, teardown) on a 2-core machine. When it is taken
// for a scenario, every one of its threads gets the host's own priority back, so that an adopted
// servo runs exactly like a fresh one. Giving priority back needs CAP_SYS_NICE: without it warm
// servos load at normal priority.
import * as fs from 'node:fs';
import * as os from 'node:os';

/** The nice value a warm servo loads at. */
export const WARM_NICE = 10;
/** Bit of CAP_SYS_NICE in /proc/<pid>/status CapEff (linux/capability.h). */
const CAP_SYS_NICE = 23n;

export interface WarmPriority {
  /** Right after the spawn: the process (its main thread, which every later thread inherits from) loads at low priority. */
  lower(pid: number): void;
  /** When taken: every thread of the process back to the host's priority (throws if one is not). */
  restore(pid: number): void;
}

/** Does this process have CAP_SYS_NICE (may raise a priority)? */
export function canRaisePriority(status: string = fs.readFileSync('/proc/self/status', 'utf8')): boolean {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  return m !== null && ((BigInt(`0x${m[1]}`) >> CAP_SYS_NICE) & 1n) === 1n;
}

/** The thread ids of a process. */
export function threadsOf(pid: number): number[] {
  return fs.readdirSync(`/proc/${pid}/task`).map(Number);
}

/** The nice value of every (still running) thread of a process (field 19 of /proc/<pid>/task/<tid>/stat). */
export function threadNiceValues(pid: number): number[] {
  const values: number[] = [];
  for (const tid of threadsOf(pid)) {
    ignoreGone(() => {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // the command name (field 2) may contain spaces: fields are counted after its closing ')'
      values.push(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    });
  }
  return values;
}

function ignoreGone(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    // the process or thread ended meanwhile: its exit is reported elsewhere
    if (!['ESRCH', 'ENOENT'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  }
}

/** Low priority while warm, the host's when taken; no change at all without CAP_SYS_NICE. */
export function warmPriority(capable: boolean = canRaisePriority()): WarmPriority {
  if (!capable) return { lower: () => undefined, restore: () => undefined };
  const own = os.getPriority();
  return {
    lower: (pid) => ignoreGone(() => os.setPriority(pid, Math.max(own, WARM_NICE))),
    restore(pid) {
      // the main thread first: a thread it starts from now on inherits the restored value
      ignoreGone(() => os.setPriority(pid, own));
      ignoreGone(() => {
        for (const tid of threadsOf(pid)) ignoreGone(() => os.setPriority(tid, own));
        const values = threadNiceValues(pid);
        if (values.some((n) => n !== own)) throw new Error(`warm servo ${pid}: thread nice values ${values.join(' ')} after restoring ${own}`);
      });
    },
  };
}
