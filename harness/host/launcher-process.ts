// The servo launcher's program (host/launcher.ts): spawns each servo the host asks for, hands the
// servo's stdin, stdout and stderr to the host over the IPC channel and tells it when the servo
// exited (after reaping it). Runs as compiled JavaScript; exits when the host goes (IPC disconnect),
// and the servos it started then see their parent change and exit too (servo/main.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { LaunchRequest, LauncherMessage } from './launcher';

function send(m: LauncherMessage, handle?: Socket): void {
  // the host is gone when this fails: 'disconnect' ends this process
  process.send?.(m, handle, undefined, () => undefined);
}

function launch(m: LaunchRequest): void {
  let child: ChildProcess;
  try {
    child = spawn(m.command, m.args, { env: m.env, cwd: m.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    send({ id: m.id, error: e instanceof Error ? e.message : String(e) });
    return;
  }
  if (child.pid === undefined) {
    child.once('error', (e) => send({ id: m.id, error: e.message }));
    return;
  }
  // Each pipe goes to the host and is closed here once sent: the host's end is the only one, so
  // that closing it is the servo's EOF. Messages (and their handles) arrive in order.
  send({ id: m.id, pid: child.pid, stdio: 0 }, child.stdin as unknown as Socket);
  send({ id: m.id, stdio: 1 }, child.stdout as unknown as Socket);
  send({ id: m.id, stdio: 2 }, child.stderr as unknown as Socket);
  child.once('exit', (code, signal) => send({ id: m.id, exit: { code, signal } }));
}

process.on('message', (m: LaunchRequest) => launch(m));
process.on('disconnect', () => process.exit(0));
