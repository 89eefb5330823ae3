// Process supervisor: every live servo of this host, so that nothing outlives the run. SIGINT /
// SIGTERM on the cucumber process kill all servos (then the process exits with 128 + signal);
// on any exit of the host, remaining servos are SIGKILLed synchronously. Servos also exit on
// stdin EOF and when they are re-parented.
import { removeOwnHostObjects } from './hygiene';
interface Tracked {
  pid: number;
  readonly alive: boolean;
}

class Supervisor {
  private readonly live = new Set<Tracked>();
  private installed = false;

  track(s: Tracked): void {
    this.live.add(s);
    this.install();
  }

  forget(s: Tracked): void {
    this.live.delete(s);
  }

  count(): number {
    return this.live.size;
  }

  /** SIGKILL every servo still alive (synchronous). Returns the PIDs signalled. */
  killAll(): number[] {
    const pids: number[] = [];
    for (const s of this.live) {
      try {
        process.kill(s.pid, 'SIGKILL');
        pids.push(s.pid);
      } catch {
        // already gone
      }
    }
    this.live.clear();
    return pids;
  }

  private install(): void {
    if (this.installed) return;
    this.installed = true;
    const onSignal = (sig: NodeJS.Signals, code: number) => () => {
      const pids = this.killAll();
      const removed = removeOwnHostObjects();
      process.stderr.write(
        `\nzerobuffer harness: ${sig} — killed ${pids.length} servo process(es)${pids.length ? ` (${pids.join(', ')})` : ''}, removed ${removed.length} OS object(s) of this run\n`,
      );
      process.exit(code);
    };
    process.once('SIGINT', onSignal('SIGINT', 130));
    process.once('SIGTERM', onSignal('SIGTERM', 143));
    process.once('SIGHUP', onSignal('SIGHUP', 129));
    process.on('exit', () => {
      this.killAll();
    });
  }
}

export const supervisor = new Supervisor();
