// Feature 05 — "the writer and reader processes never die from a signal" (issue 8), checked by the
// step that examines a corrupted read rather than assumed: the process running that step has
// answered, so it survived its own read; the other processes attached to the corrupted buffer are
// found through the PIDs its OIEB records and must still be running (neither gone nor a zombie).
// A process that died in the read itself fails that step earlier: the host reports the servo's
// death with its signal (harness/host/servo-process.ts).
import { expectEqual, expectTrue } from '../../harness/assert';
import { processState } from '../../harness/diagnostics/pids';
import type { OiebSnapshot } from '../../src/native';

/**
 * The reader recorded in `oieb` (reader_pid, never 0 while a reader owns the buffer) and the
 * writer (writer_pid, when one is attached) are running processes.
 */
export function checkAttachedProcessesRunning(what: string, oieb: OiebSnapshot): void {
  expectTrue(`${what}: OIEB reader_pid is set (a reader owns the buffer)`, oieb.readerPid !== 0n, oieb.readerPid);
  expectEqual(`${what}: the reader (OIEB reader_pid ${oieb.readerPid}) is still running`, 'running', processState(Number(oieb.readerPid)));
  if (oieb.writerPid !== 0n) {
    expectEqual(`${what}: the writer (OIEB writer_pid ${oieb.writerPid}) is still running`, 'running', processState(Number(oieb.writerPid)));
  }
}
