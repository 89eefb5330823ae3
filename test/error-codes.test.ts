// One list of error codes (protocol.md §9): the addon's list (native/core/errors.hpp, exported as
// errorCodes()) and the table of src/errors.ts hold exactly the same codes, and everything the TS
// side derives from its table agrees with it.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  BufferFullError,
  createError,
  ERROR_CLASS_BY_CODE,
  InvalidArgumentError,
  isErrorCode,
  ReaderDeadError,
  ZeroBufferError,
  type ErrorCode,
  type ResourceErrorCode,
} from '../src/index';
import { native } from '../src/native';

const tsCodes = Object.keys(ERROR_CLASS_BY_CODE) as ErrorCode[];

describe('error codes: native list = TS table', () => {
  it('the addon exports each code once', () => {
    const codes = native().errorCodes();
    assert.ok(Array.isArray(codes));
    assert.ok(codes.length > 0);
    assert.equal(new Set(codes).size, codes.length, `duplicates in ${codes.join(', ')}`);
    for (const c of codes) assert.match(c, /^ZB_[A-Z_]+$/);
  });

  it('the native list and the TS table contain exactly the same codes', () => {
    assert.deepEqual([...native().errorCodes()].sort(), [...tsCodes].sort());
    for (const c of native().errorCodes()) assert.ok(isErrorCode(c), c);
  });

  it('every code of the table builds its class, carrying that code', () => {
    for (const code of tsCodes) {
      const e = createError(code, 'm', { errno: 'EIO', syscall: 'read', expected: 1n, got: 2n });
      assert.ok(e instanceof ZeroBufferError, code);
      assert.equal(e.constructor, ERROR_CLASS_BY_CODE[code], `${code} → ${e.name}`);
      assert.equal(e.name, ERROR_CLASS_BY_CODE[code].name);
      assert.equal(e.code, code);
      assert.equal(e.message, 'm');
    }
    assert.equal(isErrorCode('ZB_NOT_A_CODE'), false);
    assert.equal(isErrorCode('toString'), false);
  });
});

// Compile-time: the code types derived from the table are the ones docs/library-api.md lists.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const derivedTypes: [
  Equal<InvalidArgumentError['code'], 'ZB_INVALID_NAME' | 'ZB_INVALID_CONFIG' | 'ZB_INVALID_ARGUMENT'>,
  Equal<ReaderDeadError['code'], 'ZB_NO_READER' | 'ZB_READER_DEAD'>,
  Equal<BufferFullError['code'], 'ZB_BUFFER_FULL' | 'ZB_FRAME_UNPLACEABLE'>,
  Equal<ResourceErrorCode, 'ZB_NO_SPACE' | 'ZB_PERMISSION_DENIED' | 'ZB_RESOURCE_LIMIT' | 'ZB_OS_ERROR'>,
] = [true, true, true, true];

describe('error code types', () => {
  it('are derived from the table (checked by the compiler)', () => {
    assert.deepEqual(derivedTypes, [true, true, true, true]);
    // @ts-expect-error ZB_CLOSED is not a code of ReaderDeadError
    assert.ok(new ReaderDeadError('ZB_CLOSED', 'x') instanceof ReaderDeadError);
  });
});
