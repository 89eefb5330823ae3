// Argument validation (protocol.md §2.2, §2.7, §15.2) and native error mapping (§9).
// Everything here is checked before any OS call, so it never creates resources.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  Reader,
  Writer,
  align64,
  BufferConfig,
  InvalidArgumentError,
  ZeroBufferError,
  SequenceError,
  ResourceError,
  BufferFullError,
  ReaderDeadError,
  ClosedError,
  fromNative,
  ERROR_CLASS_BY_CODE,
  type ErrorCode,
} from '../src/index';
import { validateTimeout } from '../src/config';
import { native } from '../src/native';
import * as diagnostics from '../src/diagnostics';
import { existing, expectError, expectErrorSync, removeLeftovers, runCli, uniqueName } from './helpers';

describe('name validation (§2.2) → ZB_INVALID_NAME with quoted name and rule', () => {
  const cases: Array<[unknown, string]> = [
    ['', 'empty'],
    ['a/b', "'/'"],
    ['/', "'/'"],
    ['a\0b', 'NUL'],
    ['.', "'.' or '..'"],
    ['..', "'.' or '..'"],
    ['x'.repeat(246), '245 bytes'],
    ['é'.repeat(123), '245 bytes'], // 246 UTF-8 bytes
    ['ab\uD800cd', 'lone surrogate'],
    ['ab\uDC00', 'lone surrogate'],
    [42, 'string'],
  ];
  for (const [name, rule] of cases) {
    const label = typeof name === 'string' ? JSON.stringify(name.length > 20 ? name.slice(0, 10) + '…' : name) : String(name);
    it(`rejects ${label} in Reader.create, createSync, Writer.connect and connectSync`, async () => {
      const quoted = typeof name === 'string' ? JSON.stringify(name) : String(name);
      await expectError(() => Reader.create(name as string), InvalidArgumentError, 'ZB_INVALID_NAME', [quoted, rule]);
      expectErrorSync(() => Reader.createSync(name as string), InvalidArgumentError, 'ZB_INVALID_NAME', [quoted, rule]);
      await expectError(() => Writer.connect(name as string), InvalidArgumentError, 'ZB_INVALID_NAME', [quoted, rule]);
      expectErrorSync(() => Writer.connectSync(name as string), InvalidArgumentError, 'ZB_INVALID_NAME', [quoted]);
    });
  }

  it('accepts 245 UTF-8 bytes (checked up to the config error, not the name)', async () => {
    // A valid name with an invalid config fails with ZB_INVALID_CONFIG, proving the name passed.
    await expectError(() => Reader.create('x'.repeat(245), { payloadSize: 0 }), InvalidArgumentError, 'ZB_INVALID_CONFIG');
    await expectError(() => Reader.create('é'.repeat(122) + 'x', { payloadSize: 0 }), InvalidArgumentError, 'ZB_INVALID_CONFIG');
    await expectError(() => Reader.create('a\uD83D\uDE00b', { payloadSize: 0 }), InvalidArgumentError, 'ZB_INVALID_CONFIG');
  });
});

describe("names starting with 'sem.' (§2.2.1): glibc's semaphore files, never buffer names", () => {
  const rule = "must not start with 'sem.'";
  it('are rejected by every API that takes a name, the raw binding and the CLI included', async () => {
    for (const name of ['sem.', 'sem.x', 'sem.sem-w-demo', 'sem.sem-r-demo']) {
      const q = JSON.stringify(name);
      await expectError(() => Reader.create(name), InvalidArgumentError, 'ZB_INVALID_NAME', [q, rule]);
      expectErrorSync(() => Reader.createSync(name), InvalidArgumentError, 'ZB_INVALID_NAME', [q, rule]);
      await expectError(() => Writer.connect(name), InvalidArgumentError, 'ZB_INVALID_NAME', [q, rule]);
      expectErrorSync(() => Writer.connectSync(name), InvalidArgumentError, 'ZB_INVALID_NAME', [q, rule]);
      expectErrorSync(() => diagnostics.inspectBuffer(name), InvalidArgumentError, 'ZB_INVALID_NAME', [q, rule]);
      expectErrorSync(() => diagnostics.cleanStaleResources(name), InvalidArgumentError, 'ZB_INVALID_NAME', [q, rule]);
      expectErrorSync(() => diagnostics.resourcePaths(name), InvalidArgumentError, 'ZB_INVALID_NAME', [q, rule]);
      for (const call of [
        () => native().createReaderSync(name, 0, 4096),
        () => native().connectWriterSync(name),
        () => native().inspectBuffer(name),
        () => native().cleanStaleResources(name),
      ]) {
        assert.throws(call, (e: { code?: string; message?: string }) => e.code === 'ZB_INVALID_NAME' && !!e.message?.includes(q) && e.message.includes(rule));
      }
      await assert.rejects(native().createReader(name, 0, 4096), { code: 'ZB_INVALID_NAME' });
      await assert.rejects(native().connectWriter(name), { code: 'ZB_INVALID_NAME' });
    }
    const cli = await runCli(['read', 'sem.sem-w-demo', '--frames', '1']);
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /ZB_INVALID_NAME.*must not start with 'sem\.'/);
  });

  it("cannot reach a live buffer's semaphores: creating a Reader named sem.sem-w-<x> fails and <x> keeps working", async () => {
    const x = uniqueName();
    const r = Reader.createSync(x, { metadataSize: 0, payloadSize: 4096 });
    try {
      for (const evil of [`sem.sem-w-${x}`, `sem.sem-r-${x}`]) {
        await expectError(() => Reader.create(evil, { metadataSize: 0, payloadSize: 4096 }), InvalidArgumentError, 'ZB_INVALID_NAME');
        diagnostics.cleanStaleResources();
      }
      assert.equal(existing(x).length, 4, 'shm, both semaphores and the lock file are intact');
      const w = Writer.connectSync(x);
      w.writeSync(Buffer.from('still here'), 1000);
      w.close();
      assert.equal(Buffer.from(r.readSync(1000)!.data).toString(), 'still here');
    } finally {
      r.close();
    }
    assert.deepEqual(removeLeftovers(), []);
  });

  it("other names merely containing or resembling 'sem.' stay valid", async () => {
    for (const name of ['sem', 'sema.x', 'Sem.x', 'x.sem.', 'sem-w-x', ' sem.x']) {
      await expectError(() => Reader.create(name, { payloadSize: 0 }), InvalidArgumentError, 'ZB_INVALID_CONFIG');
    }
  });
});

describe('size configuration (§2.7) → ZB_INVALID_CONFIG with field and value', () => {
  const bad: Array<[string, unknown]> = [
    ['payloadSize', 0],
    ['payloadSize', -1],
    ['payloadSize', 1.5],
    ['payloadSize', NaN],
    ['payloadSize', Infinity],
    ['payloadSize', 2 ** 35 + 1],
    ['payloadSize', '1024'],
    ['metadataSize', -64],
    ['metadataSize', 0.5],
    ['metadataSize', 2 ** 35 + 64],
  ];
  for (const [field, value] of bad) {
    it(`rejects ${field} = ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`, async () => {
      const e = await expectError(() => Reader.create('zbtest-config-never-created', { [field]: value } as object), InvalidArgumentError, 'ZB_INVALID_CONFIG', [field]);
      assert.ok(e.message.includes(typeof value === 'string' ? JSON.stringify(value) : String(value)), e.message);
      expectErrorSync(() => Reader.createSync('zbtest-config-never-created', { [field]: value } as object), InvalidArgumentError, 'ZB_INVALID_CONFIG', [field]);
    });
  }

  it('rejects a bad permissions value with ZB_INVALID_ARGUMENT', async () => {
    await expectError(() => Reader.create('zbtest-config-never-created', { permissions: -1 }), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['permissions']);
  });

  it('align64 and BufferConfig defaults', () => {
    assert.deepEqual([0, 1, 63, 64, 65, 100, 1000, 10240].map(align64), [0, 64, 64, 64, 128, 128, 1024, 10240]);
    assert.equal(align64(2 ** 35), 2 ** 35);
    assert.equal(align64(2 ** 35 - 1), 2 ** 35);
    const c = new BufferConfig();
    assert.equal(c.metadataSize, 1024);
    assert.equal(c.payloadSize, 1048576);
  });
});

describe('timeouts (§6.3, §15.2) → ZB_INVALID_ARGUMENT', () => {
  it('negative, NaN and non-numbers are rejected; Infinity only for async', () => {
    for (const v of [-1, -0.001, NaN, '10', null]) {
      expectErrorSync(() => validateTimeout(v, { sync: false }), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['timeoutMs']);
    }
    expectErrorSync(() => validateTimeout(Infinity, { sync: true }), InvalidArgumentError, 'ZB_INVALID_ARGUMENT', ['timeoutMs', 'finite']);
    assert.equal(validateTimeout(Infinity, { sync: false }), Infinity);
    assert.equal(validateTimeout(undefined, { sync: true }), 5000);
    assert.equal(validateTimeout(0, { sync: true }), 0);
  });
});

describe('fromNative maps codes to classes without parsing messages (§9)', () => {
  it('maps every code of the catalogue', () => {
    for (const code of Object.keys(ERROR_CLASS_BY_CODE) as ErrorCode[]) {
      const native = Object.assign(new Error('whatever text'), { code, errno: 'ENOSPC', syscall: 'posix_fallocate', expected: 3n, got: 7n });
      const e = fromNative(native);
      assert.ok(e instanceof ZeroBufferError, code);
      assert.ok(e instanceof ERROR_CLASS_BY_CODE[code], `${code} → ${e.name}`);
      assert.equal((e as ZeroBufferError).code, code);
      assert.equal(e.message, 'whatever text');
      assert.equal(e.cause, native);
    }
  });

  it('keeps the extra fields', () => {
    const s = fromNative(Object.assign(new Error('Sequence error: expected 4, got 5'), { code: 'ZB_SEQUENCE_ERROR', expected: 4n, got: 5n }));
    assert.ok(s instanceof SequenceError);
    assert.equal(s.expected, 4n);
    assert.equal(s.got, 5n);
    const r = fromNative(Object.assign(new Error('No space'), { code: 'ZB_NO_SPACE', errno: 'ENOSPC', syscall: 'posix_fallocate', path: '/dev/shm/x' }));
    assert.ok(r instanceof ResourceError);
    assert.equal(r.errno, 'ENOSPC');
    assert.equal(r.syscall, 'posix_fallocate');
    assert.equal(r.path, '/dev/shm/x');
    const f = fromNative(Object.assign(new Error('cannot be placed'), { code: 'ZB_FRAME_UNPLACEABLE' }));
    assert.ok(f instanceof BufferFullError);
    const d = fromNative(Object.assign(new Error('No active reader'), { code: 'ZB_NO_READER' }));
    assert.ok(d instanceof ReaderDeadError);
  });

  it('leaves unknown errors alone and never looks at the message', () => {
    const t = new TypeError('ZB_CLOSED closed');
    assert.equal(fromNative(t), t);
    const c = fromNative(Object.assign(new Error('Buffer is full'), { code: 'ZB_CLOSED' }));
    assert.ok(c instanceof ClosedError);
    assert.ok(fromNative('boom') instanceof Error);
  });

  it("keeps the native throw site as the stack, under the mapped class's name, and leaves stackTraceLimit alone", () => {
    const limit = Error.stackTraceLimit;
    const native = Object.assign(new Error('Buffer is full: required 8 bytes'), { code: 'ZB_BUFFER_FULL' });
    const e = fromNative(native);
    assert.equal(Error.stackTraceLimit, limit);
    const lines = String(e.stack).split('\n');
    assert.equal(lines[0], 'BufferFullError: Buffer is full: required 8 bytes');
    assert.deepEqual(lines.slice(1), native.stack!.split('\n').slice(1));
    assert.match(lines[1]!, /config\.test/, 'the first frame is where the native error was made');
    assert.ok(!Object.keys(e).includes('stack'), 'not enumerable');
    e.stack = 'replaced';
    assert.equal(e.stack, 'replaced');
    const plain = fromNative({ code: 'ZB_CLOSED', message: 'closed' });
    assert.match(String(plain.stack), /^ClosedError: closed\n\s+at /, 'a non-Error keeps a stack of its own');
  });

  it('SequenceError default message is exact', () => {
    assert.equal(new SequenceError(4n, 5n).message, 'Sequence error: expected 4, got 5');
  });
});
