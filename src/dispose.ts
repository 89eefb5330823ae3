// Symbol.dispose polyfill for Node 20 (protocol.md §10.2, §15).
//
// TypeScript's ESNext.Disposable lib types `Symbol.dispose`, but Node 20 may not define it at
// runtime. Use the registered symbol Node itself uses (`Symbol.for('nodejs.dispose')`) so that our
// `[Symbol.dispose]()` methods interoperate with later runtimes and `using` declarations.
// Imported for its side effect by every module that declares a `[Symbol.dispose]` method,
// before the class definitions evaluate the computed key.
/* eslint-disable @typescript-eslint/no-explicit-any */
(Symbol as any).dispose ??= Symbol.for('nodejs.dispose');
(Symbol as any).asyncDispose ??= Symbol.for('nodejs.asyncDispose');

export const disposeSymbol: typeof Symbol.dispose = (Symbol as any).dispose;
