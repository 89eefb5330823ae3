// From codes to error instances: the class of every code (derived from ERROR_TABLE), building an
// error from a code and its fields, and mapping what the native addon throws (only by `code`).
import * as errorModule from './errors';
import {
  ERROR_TABLE,
  ZeroBufferError,
  ResourceError,
  SequenceError,
  WriterDeadError,
  type ErrorCode,
  type ErrorClassName,
  type ResourceErrorCode,
  type ZeroBufferErrorOptions,
} from './errors';

type ErrorClass = abstract new (...args: never[]) => ZeroBufferError;

/** The classes {@link ERROR_TABLE} names, looked up in errors.ts by name (a missing one does not compile). */
const CLASS_BY_NAME: { readonly [N in ErrorClassName]: ErrorClass } = errorModule;

const TABLE_ENTRIES = Object.entries(ERROR_TABLE) as Array<[ErrorCode, ErrorClassName]>;

/** Maps every code to the class that carries it. */
export const ERROR_CLASS_BY_CODE: Readonly<Record<ErrorCode, ErrorClass>> = (() => {
  const byCode = {} as Record<ErrorCode, ErrorClass>;
  for (const [code, name] of TABLE_ENTRIES) byCode[code] = CLASS_BY_NAME[name];
  return byCode;
})();

/** How many codes each class carries. */
const CODE_COUNT = new Map<ErrorClassName, number>();
for (const [, name] of TABLE_ENTRIES) CODE_COUNT.set(name, (CODE_COUNT.get(name) ?? 0) + 1);

/** True when `code` is one of the codes of protocol.md §9. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_TABLE, code);
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  return -1n;
}

/**
 * Builds an error instance of the class that `code` belongs to. Extra fields are taken from
 * `fields` (`expected`/`got` for `ZB_SEQUENCE_ERROR`, `graceful` for `ZB_WRITER_DEAD`,
 * `errno`/`syscall`/`path` for resource errors).
 */
export function createError(
  code: ErrorCode,
  message: string,
  fields: Record<string, unknown> = {},
  options?: ZeroBufferErrorOptions,
): ZeroBufferError {
  const name = ERROR_TABLE[code];
  switch (name) {
    case 'SequenceError':
      return new SequenceError(toBigInt(fields.expected), toBigInt(fields.got), message, options);
    case 'WriterDeadError':
      return new WriterDeadError(message, { ...options, graceful: fields.graceful === true });
    case 'ResourceError':
      return new ResourceError(
        code as ResourceErrorCode,
        message,
        {
          errno: typeof fields.errno === 'string' ? fields.errno : String(fields.errno ?? 'UNKNOWN'),
          syscall: typeof fields.syscall === 'string' ? fields.syscall : String(fields.syscall ?? 'unknown'),
          path: typeof fields.path === 'string' ? fields.path : undefined,
        },
        options,
      );
  }
  // Every other class takes (message, options) when it carries one code, (code, message, options)
  // when it carries several.
  const cls: unknown = CLASS_BY_NAME[name];
  if (CODE_COUNT.get(name) === 1) {
    return new (cls as new (message: string, options?: ZeroBufferErrorOptions) => ZeroBufferError)(message, options);
  }
  return new (cls as new (code: ErrorCode, message: string, options?: ZeroBufferErrorOptions) => ZeroBufferError)(
    code,
    message,
    options,
  );
}

/**
 * Maps an error thrown or rejected by the native addon to its ZeroBufferError class, using only
 * the error's `code` (never its message). Errors that already are ZeroBufferErrors, and errors
 * without a known code (e.g. a TypeError), are returned unchanged; non-Error values are wrapped.
 */
export function fromNative(err: unknown): Error {
  if (err instanceof ZeroBufferError) return err;
  if (err !== null && typeof err === 'object') {
    const e = err as Record<string, unknown>;
    const code = e.code;
    if (isErrorCode(code)) {
      const message = typeof e.message === 'string' ? e.message : String(code);
      if (!(err instanceof Error)) return createError(code, message, e, { cause: err });
      const mapped = withoutStackFrames(() => createError(code, message, e, { cause: err }));
      keepNativeStack(mapped, err, message);
      return mapped;
    }
    if (err instanceof Error) return err;
  }
  return new Error(String(err));
}

/**
 * Runs `make` with no stack frames captured for the errors it constructs. A mapped error's stack is
 * the native error's (keepNativeStack), so capturing its own would be wasted — and capturing and
 * formatting stacks is most of a thrown error's cost (a failing `acquireSync(size, 0)` cost 40–60 µs
 * here, half of it in stack traces). Synchronous: no other code runs before the limit is restored.
 */
function withoutStackFrames<T>(make: () => T): T {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
  } catch {
    return make(); // a frozen Error: capture as usual
  }
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Gives `mapped` the stack of the `native` error it was mapped from (the throw site in the addon's
 * caller) with its own class name in the first line, made when `stack` is first read: most errors
 * of a hot path, such as a full ring, are caught without being printed. A `stack` that is not a
 * string (a custom `Error.prepareStackTrace`) is the native error's as it is.
 */
function keepNativeStack(mapped: Error, native: Error, message: string): void {
  const settle = (value: unknown): void => {
    Object.defineProperty(mapped, 'stack', { value, writable: true, configurable: true, enumerable: false });
  };
  Object.defineProperty(mapped, 'stack', {
    configurable: true,
    enumerable: false,
    get(): unknown {
      const stack: unknown = native.stack;
      const value = typeof stack === 'string' ? `${mapped.name}: ${message}\n${stack.split('\n').slice(1).join('\n')}` : stack;
      settle(value);
      return value;
    },
    set: settle,
  });
}

/** Runs a synchronous native call and maps whatever it throws with {@link fromNative}. */
export function callNative<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw fromNative(err);
  }
}

/** A native Promise with its rejection mapped by {@link fromNative} (one reaction, no extra turns). */
export function awaitNative<T>(p: Promise<T>): Promise<T> {
  return p.then(undefined, (err: unknown) => {
    throw fromNative(err);
  });
}
