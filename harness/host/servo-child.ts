// One servo OS process as spawned — before and after it is bound to a scenario: the child, its
// JSON-RPC connection, its exit and its stderr. The supervisor tracks it from spawn to exit, so
// that a warm servo waiting in the pool dies with the others when the host is interrupted.
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createStreamConnection, type MessageConnection } from '../rpc/connection';
import { supervisor } from './supervisor';
import { ServoStderr } from './servo-output';
import type { ServoCommand } from './spawn';
import type { ServoLauncher } from './launcher';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A servo process's pipes and its exit, however it was spawned. */
interface ServoIo {
  pid: number;
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  exited: Promise<ExitInfo>;
}

export class ServoChild {
  readonly pid: number;
  readonly conn: MessageConnection;
  readonly stderr: ServoStderr;
  readonly spawnedAt = performance.now();
  exit: ExitInfo | null = null;
  readonly exited: Promise<ExitInfo>;
  /**
   * A warm servo's notice that it has loaded its bound part (`zb/loaded`): true then, false if it
   * exited first. A servo spawned for a scenario sends none (it loads for its handshake).
   */
  readonly loaded: Promise<boolean>;
  isLoaded = false;

  private constructor(private readonly io: ServoIo) {
    this.pid = io.pid;
    this.exited = io.exited.then((x) => {
      this.exit = x;
      supervisor.forget(this);
      return x;
    });
    this.stderr = new ServoStderr(io.stderr, `[warm:${this.pid}]`);
    io.stdin.on('error', () => undefined); // EPIPE after death is reported through `exited`
    this.conn = createStreamConnection(io.stdout, io.stdin);
    this.conn.onError(() => undefined);
    this.loaded = new Promise<boolean>((resolve) => {
      this.conn.onNotification('zb/loaded', () => {
        this.isLoaded = true;
        resolve(true);
      });
      void this.exited.then(() => resolve(false));
    });
    this.conn.listen();
    supervisor.track(this);
  }

  /** A servo spawned by the host itself (any ServoCommand: also a launcher prefix, another uid/gid). */
  static spawn(cmd: ServoCommand): ServoChild {
    const child = spawn(cmd.command, cmd.args, cmd.options);
    if (child.pid === undefined) throw new Error(`spawning a servo failed (no pid): ${child.spawnfile}`);
    const exited = new Promise<ExitInfo>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    return new ServoChild({ pid: child.pid, stdin: child.stdin!, stdout: child.stdout!, stderr: child.stderr!, exited });
  }

  /** A servo spawned by the launcher process (launcher.ts), off the host's thread. */
  static async launch(launcher: ServoLauncher, cmd: ServoCommand): Promise<ServoChild> {
    return new ServoChild(await launcher.launch(cmd));
  }

  get alive(): boolean {
    return this.exit === null;
  }

  /** Closes the servo's stdin: a servo exits on EOF. */
  endInput(): void {
    try {
      this.io.stdin.end();
    } catch {
      // already closed
    }
  }

  /** SIGKILL, unless it is gone already (the caller awaits `exited`). */
  sigkill(): void {
    if (this.exit !== null) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }

  /** The host is done with it: stop listening and close the stderr copy. */
  dispose(): void {
    this.conn.dispose();
    this.stderr.end();
  }
}
