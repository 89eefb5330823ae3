// The servo launcher: a small helper process that spawns the warm pool's servos for the host.
// A spawn from the host itself holds the host's thread until the child has exec'd: fork copies the
// page tables of the host's 200 MB, and exec tears that copy down again — some 20 ms each in a
// cucumber run on the 2-core VM, 2.5 s of the host's thread per run, at whatever moment a warm servo
// finished loading (a teardown waiting for its servos' exits, a handshake). The launcher is
// small (a fork of it is cheap) and has its own thread; the host sends it a ServoCommand and gets
// the servo's pid, stdin, stdout and stderr back over the IPC channel (libuv passes the pipes
// themselves), then its exit once the launcher has reaped it. The servo is the launcher's child,
// not the host's: nothing in a servo depends on its parent but that it exits when the parent goes.
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { Socket } from 'node:net';
import { repoRoot } from '../paths';
import type { ServoCommand } from './spawn';
import type { ExitInfo } from './servo-child';

/** Host → launcher. */
export interface LaunchRequest {
  id: number;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Launcher → host: the pid with stdin, then stdout and stderr (each with its pipe); the exit; or why it could not spawn. */
export type LauncherMessage =
  | { id: number; pid: number; stdio: 0 }
  | { id: number; stdio: 1 | 2 }
  | { id: number; exit: ExitInfo }
  | { id: number; error: string };

/** A servo the launcher started: its pipes are the host's own from here on. */
export interface LaunchedProcess {
  pid: number;
  stdin: Socket;
  stdout: Socket;
  stderr: Socket;
  exited: Promise<ExitInfo>;
}

interface Launch {
  resolve(p: LaunchedProcess): void;
  reject(e: Error): void;
  pid?: number;
  pipes: Socket[];
  exit(x: ExitInfo): void;
  exited: Promise<ExitInfo>;
}

export class ServoLauncher {
  private nextId = 1;
  private readonly launches = new Map<number, Launch>();
  /** Why the launcher cannot be used (it died or could not start); null while it works. */
  broken: string | null = null;

  private constructor(private readonly proc: ChildProcess) {
    proc.on('message', (m: LauncherMessage, handle?: Socket) => this.received(m, handle));
    proc.once('exit', (code, signal) => this.died(`the servo launcher exited (code ${code}, signal ${signal})`));
    proc.once('error', (e) => this.died(`the servo launcher failed: ${e.message}`));
  }

  /** The launcher process's pid (the parent of the servos it starts). */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Starts the launcher process (compiled JavaScript, like the servos). */
  static start(): ServoLauncher {
    const program = path.join(repoRoot(), 'dist', 'harness', 'host', 'launcher-process.js');
    // no TypeScript loader and no inherited flags; stderr is the host's (a crash of it should be seen)
    return new ServoLauncher(fork(program, [], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' }));
  }

  /** Spawns the servo `cmd` describes (no uid/gid or launcher prefix: those are spawned by the host). */
  launch(cmd: ServoCommand): Promise<LaunchedProcess> {
    if (this.broken !== null) return Promise.reject(new Error(this.broken));
    if (cmd.options.uid !== undefined || cmd.options.gid !== undefined) return Promise.reject(new Error('the servo launcher does not start servos as another user'));
    const id = this.nextId++;
    return new Promise<LaunchedProcess>((resolve, reject) => {
      let exit!: (x: ExitInfo) => void;
      const exited = new Promise<ExitInfo>((r) => (exit = r));
      this.launches.set(id, { resolve, reject, pipes: [], exit, exited });
      const request: LaunchRequest = { id, command: cmd.command, args: cmd.args, env: cmd.options.env ?? process.env, cwd: String(cmd.options.cwd ?? process.cwd()) };
      this.proc.send(request, (e) => {
        if (e) this.failed(id, new Error(`sending to the servo launcher failed: ${e.message}`));
      });
    });
  }

  /** The host is done: the launcher exits (the servos it started stay until the host stops them). */
  close(): void {
    this.broken ??= 'the servo launcher was closed';
    if (this.proc.connected) this.proc.disconnect();
  }

  private received(m: LauncherMessage, handle: Socket | undefined): void {
    const l = this.launches.get(m.id);
    if (l === undefined) return;
    if ('error' in m) this.failed(m.id, new Error(`spawning a servo failed: ${m.error}`));
    else if ('exit' in m) {
      this.launches.delete(m.id);
      l.exit(m.exit);
    } else {
      if (handle === undefined) return this.failed(m.id, new Error(`the servo launcher sent stdio ${m.stdio} without its pipe`));
      if ('pid' in m) l.pid = m.pid;
      l.pipes[m.stdio] = handle;
      if (m.stdio === 2) l.resolve({ pid: l.pid!, stdin: l.pipes[0]!, stdout: l.pipes[1]!, stderr: l.pipes[2]!, exited: l.exited });
    }
  }

  private failed(id: number, e: Error): void {
    const l = this.launches.get(id);
    if (l === undefined) return;
    this.launches.delete(id);
    for (const p of l.pipes) p?.destroy();
    l.reject(e);
  }

  /**
   * The launcher is gone: its servos' exits can no longer be learnt — they are SIGKILLed (they
   * would exit on their own within half a second, having lost their parent) and reported so.
   */
  private died(why: string): void {
    this.broken ??= why;
    for (const [id, l] of [...this.launches]) {
      if (l.pid !== undefined) {
        try {
          process.kill(l.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      // not handed over yet: the launch fails; handed over: the servo's exit is this SIGKILL
      if (l.pipes[2] === undefined) this.failed(id, new Error(why));
      else {
        this.launches.delete(id);
        l.exit({ code: null, signal: 'SIGKILL' });
      }
    }
  }
}
