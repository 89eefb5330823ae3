// Module entry: NativeBinding of src/native.ts.
#include "binding/addon.hpp"

#include <napi.h>

#include <cmath>
#include <iterator>

#include "binding/js_util.hpp"
#include "binding/async_wait_mode.hpp"
#include "posix/inspect.hpp"
#include "posix/pid.hpp"
#include "posix/stale.hpp"

namespace zb::js {
namespace {

struct ReaderArgs {
  std::string name;
  uint64_t metadataSize, payloadSize;
  std::optional<mode_t> permissions;
};

ReaderArgs readerArgs(const Napi::CallbackInfo& info) {
  ReaderArgs a;
  a.name = validateName(info[0]);
  a.metadataSize = validateSize(info[1], "metadataSize", 0, kMaxConfigSize);
  a.payloadSize = validateSize(info[2], "payloadSize", 1, kMaxConfigSize);
  a.permissions = validatePermissions(info[3]);
  return a;
}

Napi::Value CreateReaderSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const ReaderArgs a = readerArgs(info);
    return newReaderObject(env, ReaderSession::create(a.name, a.metadataSize, a.payloadSize, a.permissions));
  });
}

Napi::Value ConnectWriterSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value { return newWriterObject(env, WriterSession::connect(validateName(info[0]))); });
}

// Runs a factory on the libuv pool; the wrapper object is created on the JS thread.
template <typename Session>
class FactoryWorker : public Napi::AsyncWorker {
 public:
  using Make = std::function<std::shared_ptr<Session>()>;
  using Wrap = Napi::Object (*)(Napi::Env, std::shared_ptr<Session>);
  FactoryWorker(Napi::Env env, const char* resource, Make make, Wrap wrap)
      : Napi::AsyncWorker(env, resource), make_(std::move(make)), wrap_(wrap), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    err_ = captureError([&] { session_ = make_(); });
  }
  void OnOK() override {
    Napi::Env env = Env();
    try {
      if (err_) throw *err_;
      deferred_.Resolve(wrap_(env, std::move(session_)));
    } catch (const ZbError& e) {
      deferred_.Reject(toJsError(env, e).Value());
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }
  // A session never handed to JS (e.g. env torn down) is closed by its destructor.

 private:
  Make make_;
  Wrap wrap_;
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<Session> session_;
  std::optional<ZbError> err_;
};

Napi::Value CreateReader(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    const ReaderArgs a = readerArgs(info);
    auto* w = new FactoryWorker<ReaderSession>(
        env, "zerobuffer.createReader",
        [a] { return ReaderSession::create(a.name, a.metadataSize, a.payloadSize, a.permissions); }, &newReaderObject);
    Napi::Promise p = w->promise();
    w->Queue();
    return p;
  } catch (const ZbError& e) {
    return rejected(env, e);
  }
}

Napi::Value ConnectWriter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    const std::string name = validateName(info[0]);
    auto* w = new FactoryWorker<WriterSession>(
        env, "zerobuffer.connectWriter", [name] { return WriterSession::connect(name); }, &newWriterObject);
    Napi::Promise p = w->promise();
    w->Queue();
    return p;
  } catch (const ZbError& e) {
    return rejected(env, e);
  }
}

Napi::Value InspectBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    const std::string name = validateName(info[0]);
    const Inspection r = inspectBuffer(name);
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", Napi::String::New(env, name));
    o.Set("exists", Napi::Boolean::New(env, r.exists));
    o.Set("segmentSize", Napi::Number::New(env, double(r.segmentSize)));
    o.Set("oieb", r.oieb ? Napi::Value(oiebToJs(env, *r.oieb)) : env.Null());
    o.Set("readerAlive", Napi::Boolean::New(env, r.readerAlive));
    o.Set("writerAlive", Napi::Boolean::New(env, r.writerAlive));
    Napi::Object sems = Napi::Object::New(env);
    sems.Set("data", r.semData ? Napi::Value(Napi::Number::New(env, *r.semData)) : env.Null());
    sems.Set("space", r.semSpace ? Napi::Value(Napi::Number::New(env, *r.semSpace)) : env.Null());
    o.Set("semaphores", sems);
    Napi::Object lock = Napi::Object::New(env);
    lock.Set("exists", Napi::Boolean::New(env, r.lockExists));
    lock.Set("held", Napi::Boolean::New(env, r.lockHeld));
    o.Set("lockFile", lock);
    return o;
  });
}

Napi::Value CleanStaleResources(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guard(env, [&]() -> Napi::Value {
    std::vector<std::string> removed;
    if (info.Length() > 0 && !info[0].IsUndefined() && !info[0].IsNull()) {
      const std::string name = validateName(info[0]);
      removed = cleanStaleResources(&name);
    } else {
      removed = cleanStaleResources(nullptr);
    }
    Napi::Array a = Napi::Array::New(env, removed.size());
    for (size_t i = 0; i < removed.size(); ++i) a.Set(uint32_t(i), Napi::String::New(env, removed[i]));
    return a;
  });
}

Napi::Value IsProcessAlive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool live = false;
  if (info[0].IsNumber()) {
    const double d = info[0].As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && d == std::floor(d) && d > 0 && d <= 9007199254740991.0) live = pidLive(uint64_t(d));
  } else if (info[0].IsBigInt()) {
    bool lossless = false;
    const uint64_t v = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
    if (lossless) live = pidLive(v);
  } else {
    throw toJsError(env, ZbError(code::kInvalidArgument, "Invalid argument pid: must be a number or bigint"));
  }
  return Napi::Boolean::New(env, live);
}

// Detaches an ArrayBuffer the caller owns (a batch's pool once every copy in it is released): its
// views read as empty and its memory goes back now instead of at the next garbage collection.
Napi::Value DetachArrayBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArrayBuffer()) throw toJsError(env, ZbError(code::kInvalidArgument, "Invalid argument buffer: must be an ArrayBuffer"));
  napi_detach_arraybuffer(env, info[0]);  // an ArrayBuffer that cannot be detached is left as it is
  if (env.IsExceptionPending()) env.GetAndClearPendingException();
  return env.Undefined();
}

// The codes of core/errors.hpp (protocol.md §9), for test/error-codes.test.ts.
Napi::Value ErrorCodes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array a = Napi::Array::New(env, std::size(code::kAll));
  for (uint32_t i = 0; i < std::size(code::kAll); ++i) a.Set(i, Napi::String::New(env, code::kAll[i]));
  return a;
}

// Which path asynchronous reads wait on (ZEROBUFFER_ASYNC_WAIT; async_wait_mode.hpp), for tests and
// diagnostics: { mode: 'uring' | 'thread', requested, reason }.
Napi::Value AsyncWait(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const AsyncWaitMode& m = asyncWaitMode();
  Napi::Object o = Napi::Object::New(env);
  o.Set("mode", Napi::String::New(env, m.uring ? "uring" : "thread"));
  o.Set("requested", Napi::String::New(env, m.requested));
  o.Set("reason", Napi::String::New(env, m.reason));
  return o;
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->readerCtor = Napi::Persistent(defineReaderClass(env));
  data->writerCtor = Napi::Persistent(defineWriterClass(env));
  env.SetInstanceData<AddonData>(data);  // deleted with the env

  exports.DefineProperties({
      Napi::PropertyDescriptor::Value("protocolVersion", Napi::String::New(env, "1.0.0"), napi_enumerable),
      Napi::PropertyDescriptor::Function(env, exports, "createReaderSync", CreateReaderSync, napi_enumerable),
      Napi::PropertyDescriptor::Function(env, exports, "createReader", CreateReader, napi_enumerable),
      Napi::PropertyDescriptor::Function(env, exports, "connectWriterSync", ConnectWriterSync, napi_enumerable),
      Napi::PropertyDescriptor::Function(env, exports, "connectWriter", ConnectWriter, napi_enumerable),
      Napi::PropertyDescriptor::Function(env, exports, "inspectBuffer", InspectBuffer, napi_enumerable),
      Napi::PropertyDescriptor::Function(env, exports, "cleanStaleResources", CleanStaleResources, napi_enumerable),
      Napi::PropertyDescriptor::Function(env, exports, "isProcessAlive", IsProcessAlive, napi_enumerable),
      Napi::PropertyDescriptor::Function(env, exports, "errorCodes", ErrorCodes, napi_enumerable),
      Napi::PropertyDescriptor::Function(env, exports, "detachArrayBuffer", DetachArrayBuffer, napi_enumerable),
      Napi::PropertyDescriptor::Function(env, exports, "asyncWait", AsyncWait, napi_enumerable),
  });
  return exports;
}

}  // namespace zb::js

static Napi::Object InitZeroBuffer(Napi::Env env, Napi::Object exports) { return zb::js::Init(env, exports); }

NODE_API_MODULE(zerobuffer, InitZeroBuffer)
