// Feature 02 — reader replacement and writer exclusivity: L11–L17.
import { ReaderAlreadyConnectedError, WriterAlreadyConnectedError } from '../../src/index';
import { defineStep } from '../../harness/registry';
import { describeError, expectEqual, expectErrorClassCode, expectTrue, fail } from '../../harness/assert';
import { checkFresh, preSnapshot, readShm, snapFromShm, type PreSnapshot } from '../../harness/diagnostics/snap';
import { isPidAlive } from '../../harness/diagnostics/pids';
import { fileInode, flockProbe } from '../../harness/diagnostics/support';
import { osObjectPaths } from '../../harness/model/naming';
import { BUFFER_CONFIGS } from '../../harness/model/config';
import type { ServoContext } from '../../harness/servo/context';

defineStep({
  id: 'L11',
  keyword: 'When',
  pattern: "a new '{role}' process attempts to create buffer '{name}' with metadata size '{uint}' and payload size '{uint}'",
  runsIn: 'process',
  summary: 'In the fresh process: PRE-SNAPSHOT(resolved), then attempt reader creation with these sizes; record lastCreate. Passes whatever the outcome.',
  servo: async (ctx, _role: string, name: string, meta: number, payload: number) => {
    const resolved = ctx.resolve(name);
    const pre = preSnapshot(resolved, ctx.lockGuard);
    ctx.lockGuard = null;
    ctx.logger.info({ pre }, 'PRE-SNAPSHOT');
    await ctx.outcomes.attempt('lastCreate', null, () => ctx.objects.createReader(name, meta, payload), { name: resolved, meta, payload, pre });
  },
});

/** The PRE-SNAPSHOT taken by L11 before its creation attempt. */
function requirePre(ctx: ServoContext): PreSnapshot {
  const p = ctx.outcomes.get('lastCreate').details.pre as PreSnapshot | undefined;
  if (p === undefined) fail(`the last creation attempt in process '${ctx.role}' took no PRE-SNAPSHOT`);
  return p;
}

defineStep({
  id: 'L12',
  keyword: 'Then',
  pattern: 'the new reader should detect stale resources',
  runsIn: 'process',
  summary:
    "PRE-SNAPSHOT showed a lock file whose flock probe succeeded (owner dead), a shm segment with a non-zero dead reader_pid, and both semaphore files; lastCreate succeeded (no ReaderAlreadyConnectedError).",
  servo: (ctx) => {
    const p = requirePre(ctx);
    expectTrue(`PRE-SNAPSHOT: lock file ${osObjectPaths(p.name).lock} present`, p.lock.present);
    expectEqual(`PRE-SNAPSHOT: non-blocking flock probe of the stale lock file (owner dead)`, 'free', p.lock.probe);
    expectTrue(`PRE-SNAPSHOT: shared memory /dev/shm/${p.name} present`, p.shm.present);
    expectTrue(`PRE-SNAPSHOT: OIEB reader_pid non-zero`, p.shm.readerPid !== null && p.shm.readerPid !== 0n, p.shm.readerPid);
    expectTrue(`PRE-SNAPSHOT: OIEB reader_pid ${p.shm.readerPid} not alive`, !p.shm.readerAlive);
    expectTrue(`PRE-SNAPSHOT: data semaphore file present`, p.semData.present);
    expectTrue(`PRE-SNAPSHOT: space semaphore file present`, p.semSpace.present);
    const o = ctx.outcomes.get('lastCreate');
    if (!o.ok) {
      if (o.error instanceof ReaderAlreadyConnectedError) fail(`lastCreate: expected success over stale resources, observed ${describeError(o.error)}`);
      fail(`lastCreate: expected success, observed ${describeError(o.error)}`);
    }
  },
});

defineStep({
  id: 'L13',
  keyword: 'Then',
  pattern: 'the new reader should clean up stale resources',
  runsIn: 'process',
  summary: 'The shm inode and both semaphore inodes differ from the PRE-SNAPSHOT ones; the lock file exists and is held by this process (probe fails with EWOULDBLOCK).',
  servo: (ctx) => {
    const p = requirePre(ctx);
    const paths = osObjectPaths(p.name);
    const shm = fileInode(paths.shm);
    const d = fileInode(paths.semData);
    const s = fileInode(paths.semSpace);
    expectTrue(`shared memory ${paths.shm} exists after creation`, shm !== null);
    expectTrue(`shm inode changed (stale segment replaced): before ${p.shm.inode}, now ${shm}`, shm !== p.shm.inode);
    expectTrue(`data semaphore exists after creation`, d !== null);
    expectTrue(`data semaphore inode changed: before ${p.semData.inode}, now ${d}`, d !== p.semData.inode);
    expectTrue(`space semaphore exists after creation`, s !== null);
    expectTrue(`space semaphore inode changed: before ${p.semSpace.inode}, now ${s}`, s !== p.semSpace.inode);
    expectEqual(`lock file ${paths.lock} exists and is held by this process (non-blocking flock probe)`, 'held', flockProbe(paths.lock));
  },
});

defineStep({
  id: 'L14',
  keyword: 'Then',
  pattern: 'the new reader should create fresh buffer successfully',
  runsIn: 'process',
  summary: 'FRESH(meta, payload) with the sizes of the creation attempt and reader_pid = own PID.',
  servo: (ctx) => {
    const o = ctx.outcomes.get('lastCreate');
    if (!o.ok) fail(`lastCreate: expected success, observed ${describeError(o.error)}`);
    checkFresh(ctx.snapReader(), Number(o.details.meta), Number(o.details.payload), ctx.pid);
  },
});

defineStep({
  id: 'L15',
  keyword: 'When',
  pattern: "the '{role}' process detects reader death and reconnects to buffer '{name}'",
  runsIn: 'process',
  summary:
    'The current writer sees isReaderConnected() false (dead reader PID in its segment); close it, connect a new writer: writer_pid = own PID, reader_pid alive and ≠ the dead PID, sequence counter 1.',
  servo: async (ctx, _role: string, name: string) => {
    const old = ctx.objects.requireWriter();
    const connected = old.writer.isReaderConnected();
    const deadPid = old.writer.oiebSnapshot().readerPid;
    expectEqual(`current writer ${old.name}: isReaderConnected() (reader died)`, false, connected);
    expectTrue(`current writer's segment records a dead reader PID (observed ${deadPid})`, deadPid !== 0n && !isPidAlive(deadPid), deadPid);
    old.writer.close();
    const w = await ctx.objects.connectWriter(name);
    const s = ctx.snapWriter(w);
    expectEqual('after reconnect: OIEB writer_pid = own PID', BigInt(ctx.pid), s.oieb.writerPid);
    expectTrue(`after reconnect: OIEB reader_pid ${s.oieb.readerPid} alive`, isPidAlive(s.oieb.readerPid));
    expectTrue(`after reconnect: OIEB reader_pid differs from the dead reader PID ${deadPid}`, s.oieb.readerPid !== deadPid, s.oieb.readerPid);
    expectEqual('after reconnect: writer sequence counter', 1n, w.nextSeq);
    expectEqual('after reconnect: library nextSequence', 1n, w.writer.nextSequence);
  },
});

defineStep({
  id: 'L16',
  keyword: 'When',
  pattern: "a second '{role}' process attempts to connect to buffer '{name}'",
  runsIn: 'process',
  summary:
    'In the additional process: writer → attempt a writer connect; reader → attempt a reader creation with default config; record lastConnect. Passes whatever the outcome.',
  servo: async (ctx, role: string, name: string) => {
    const resolved = ctx.resolve(name);
    const before = readShm(resolved).exists ? snapFromShm(resolved) : null;
    if (role === 'reader') {
      await ctx.outcomes.attempt('lastConnect', before, () => ctx.objects.createReader(name, BUFFER_CONFIGS.default.metadataSize, BUFFER_CONFIGS.default.payloadSize), { name: resolved, as: 'reader' });
    } else {
      await ctx.outcomes.attempt('lastConnect', before, () => ctx.objects.connectWriter(name), { name: resolved, as: 'writer' });
    }
  },
});

defineStep({
  id: 'L17',
  keyword: 'Then',
  pattern: 'the connection should fail with writer exists error',
  runsIn: 'process',
  summary: "lastConnect failed with WriterAlreadyConnectedError (ZB_WRITER_EXISTS); OIEB writer_pid still equals the first writer's PID (≠ own PID).",
  servo: (ctx) => {
    const o = ctx.outcomes.get('lastConnect');
    expectErrorClassCode('lastConnect', o.ok ? undefined : o.error, WriterAlreadyConnectedError, 'ZB_WRITER_EXISTS');
    const name = String(o.details.name);
    const first = ctx.host.roles.writer?.[0];
    if (first === undefined) fail("the host's routing table names no 'writer' process");
    const s = snapFromShm(name);
    expectEqual(`OIEB writer_pid of ${name} = the first writer's PID`, BigInt(first), s.oieb.writerPid);
    expectTrue(`OIEB writer_pid differs from this process's PID ${ctx.pid}`, s.oieb.writerPid !== BigInt(ctx.pid), s.oieb.writerPid);
  },
});
