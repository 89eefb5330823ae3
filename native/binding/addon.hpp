// Per-env addon data (context-aware: no process-global mutable state, protocol.md §15.5).
#pragma once
#include <napi.h>

#include <memory>

#include "posix/reader_session.hpp"
#include "posix/writer_session.hpp"

namespace zb::js {

struct AddonData {
  Napi::FunctionReference readerCtor;
  Napi::FunctionReference writerCtor;
  // Hand-off slot used while constructing a wrapper (JS thread only).
  std::shared_ptr<ReaderSession> pendingReader;
  std::shared_ptr<WriterSession> pendingWriter;
};

Napi::Function defineReaderClass(Napi::Env env);
Napi::Function defineWriterClass(Napi::Env env);
Napi::Object newReaderObject(Napi::Env env, std::shared_ptr<ReaderSession> s);
Napi::Object newWriterObject(Napi::Env env, std::shared_ptr<WriterSession> s);

}  // namespace zb::js
