// NativeReader (src/native.ts): ObjectWrap over a ReaderSession, async read worker, frame views.
#include <napi.h>

#include <optional>
#include <unordered_map>

#include "binding/addon.hpp"
#include "binding/js_util.hpp"
#include "binding/native_task.hpp"
#include "core/names.hpp"

namespace zb::js {
namespace {

class ReaderWrap : public Napi::ObjectWrap<ReaderWrap> {
 public:
  explicit ReaderWrap(const Napi::CallbackInfo& info);
  ~ReaderWrap() override;

  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeReader",
                       {
                           InstanceAccessor("name", &ReaderWrap::GetName, nullptr, napi_enumerable),
                           InstanceAccessor("metadataSize", &ReaderWrap::GetMetadataSize, nullptr, napi_enumerable),
                           InstanceAccessor("payloadSize", &ReaderWrap::GetPayloadSize, nullptr, napi_enumerable),
                           InstanceAccessor("closed", &ReaderWrap::GetClosed, nullptr, napi_enumerable),
                           InstanceMethod("readSync", &ReaderWrap::ReadSync),
                           InstanceMethod("read", &ReaderWrap::Read),
                           InstanceMethod("release", &ReaderWrap::Release),
                           InstanceMethod("isReleased", &ReaderWrap::IsReleased),
                           InstanceMethod("getMetadata", &ReaderWrap::GetMetadata),
                           InstanceMethod("isWriterConnected", &ReaderWrap::IsWriterConnected),
                           InstanceMethod("oiebSnapshot", &ReaderWrap::OiebSnapshot),
                           InstanceMethod("semaphoreValues", &ReaderWrap::SemaphoreValues),
                           InstanceMethod("close", &ReaderWrap::Close),
                       });
  }

  // JS thread: wraps a consumed frame into a NativeFrame object.
  Napi::Object makeFrame(Napi::Env env, const ReadFrame& f) {
    bool zeroCopy = false;
    Napi::ArrayBuffer ab = makeView(env, s_->mapping(), s_->ring() + f.dataOffset, size_t(f.size), zeroCopy);
    views_.emplace(f.token, Napi::Persistent(ab));
    Napi::Object o = Napi::Object::New(env);
    o.Set("token", Napi::Number::New(env, double(f.token)));
    o.Set("sequence", Napi::BigInt::New(env, f.sequence));
    o.Set("size", Napi::Number::New(env, double(f.size)));
    o.Set("data", Napi::Uint8Array::New(env, size_t(f.size), ab, 0));
    o.Set("isZeroCopy", Napi::Boolean::New(env, zeroCopy));
    return o;
  }
  void asyncDone() { asyncInFlight_ = false; }
  const std::shared_ptr<ReaderSession>& session() const { return s_; }

 private:
  Napi::Value GetName(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), s_->name()); }
  Napi::Value GetMetadataSize(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(s_->M())); }
  Napi::Value GetPayloadSize(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(s_->P())); }
  Napi::Value GetClosed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), s_->closing()); }

  ZbError closedErr() const { return closedError("Reader " + jsonQuoteUtf8(s_->name())); }

  Napi::Value ReadSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      if (s_->closing()) throw closedErr();
      if (asyncInFlight_) throw ZbError(code::kInvalidState, "readSync() called while an asynchronous read is in flight");
      const double timeout = validateTimeout(info[0], false);
      std::optional<ReadFrame> f = s_->read(timeout);
      if (!f) return env.Null();
      return makeFrame(env, *f);
    });
  }

  Napi::Value Read(const Napi::CallbackInfo& info);

  Napi::Value Release(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    guard(env, [&] {
      const uint64_t token = validateCount(info[0], "token");
      auto it = views_.find(token);
      if (it != views_.end()) {  // detach before the bytes go back to the Writer
        detachQuietly(it->second);
        views_.erase(it);
      }
      s_->release(token);
      return 0;
    });
    return env.Undefined();
  }

  Napi::Value IsReleased(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&] { return Napi::Boolean::New(env, s_->isReleased(validateCount(info[0], "token"))); });
  }

  Napi::Value GetMetadata(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&] {
      std::vector<uint8_t> m = s_->metadata();
      Napi::Uint8Array a = Napi::Uint8Array::New(env, m.size());
      if (!m.empty()) std::memcpy(a.Data(), m.data(), m.size());
      return a;
    });
  }

  Napi::Value IsWriterConnected(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), s_->isWriterConnected());
  }
  Napi::Value OiebSnapshot(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&] { return oiebToJs(env, s_->snapshot()); });
  }
  Napi::Value SemaphoreValues(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&] { return semValuesToJs(env, s_->semValues()); });
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    closeFromJs();
    return info.Env().Undefined();
  }

  void closeFromJs() {
    if (s_->closed()) return;
    s_->beginClose();  // step 1: in-flight read ends (its promise rejects with ZB_CLOSED)
    for (auto& [token, ref] : views_) detachQuietly(ref);  // step 2
    views_.clear();
    s_->finishClose();  // steps 2–6
    removeHook();
  }

  static void CleanupHook(void* arg) {
    auto* self = static_cast<ReaderWrap*>(arg);
    self->hookRegistered_ = false;
    self->s_->close();  // env teardown: no JS may run; the mapping outlives any view
  }
  void removeHook() {
    if (hookRegistered_) {
      napi_remove_env_cleanup_hook(Env(), &ReaderWrap::CleanupHook, this);
      hookRegistered_ = false;
    }
  }

  std::shared_ptr<ReaderSession> s_;
  std::unordered_map<uint64_t, Napi::Reference<Napi::ArrayBuffer>> views_;
  bool asyncInFlight_ = false;
  bool hookRegistered_ = false;
};

class ReadWorker : public NativeTask {
 public:
  ReadWorker(Napi::Env env, Napi::Object self, ReaderWrap* wrap, double timeout)
      : self_(Napi::Persistent(self)),
        wrap_(wrap),
        s_(wrap->session()),
        timeout_(timeout),
        deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    if (!s_->enterNative()) {
      err_ = closedError("Reader " + jsonQuoteUtf8(s_->name()));
      return;
    }
    try {
      frame_ = s_->read(timeout_);
    } catch (const ZbError& e) {
      err_ = e;
    } catch (const std::exception& e) {
      err_ = ZbError(code::kOsError, e.what());
    }
    s_->leaveNative();
  }

  void Interrupt() override { s_->close(); }

  void OnComplete(Napi::Env env) override {
    wrap_->asyncDone();
    try {
      if (err_) {
        deferred_.Reject(toJsError(env, *err_).Value());
      } else if (s_->closing()) {
        deferred_.Reject(toJsError(env, closedError("Reader " + jsonQuoteUtf8(s_->name()))).Value());
      } else if (!frame_) {
        deferred_.Resolve(env.Null());
      } else {
        deferred_.Resolve(wrap_->makeFrame(env, *frame_));
      }
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

 private:
  Napi::ObjectReference self_;  // keeps the Reader reachable while the promise is pending
  ReaderWrap* wrap_;
  std::shared_ptr<ReaderSession> s_;
  double timeout_;
  Napi::Promise::Deferred deferred_;
  std::optional<ReadFrame> frame_;
  std::optional<ZbError> err_;
};

Napi::Value ReaderWrap::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    if (s_->closing()) throw closedErr();
    if (asyncInFlight_) throw ZbError(code::kInvalidState, "read() called while another asynchronous read is in flight");
    const double timeout = validateTimeout(info[0], true);
    if (std::optional<ReadFrame> f = s_->tryReadNow()) {  // a frame is ready: no thread hop
      auto d = Napi::Promise::Deferred::New(env);
      d.Resolve(makeFrame(env, *f));
      return d.Promise();
    }
    auto* w = new ReadWorker(env, info.This().As<Napi::Object>(), this, timeout);
    Napi::Promise p = w->promise();
    asyncInFlight_ = true;
    try {
      w->Start(env, "zerobuffer.read");
    } catch (...) {
      asyncInFlight_ = false;
      throw;
    }
    return p;
  } catch (const ZbError& e) {
    auto d = Napi::Promise::Deferred::New(env);
    d.Reject(toJsError(env, e).Value());
    return d.Promise();
  }
}

ReaderWrap::ReaderWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ReaderWrap>(info) {
  auto* data = info.Env().GetInstanceData<AddonData>();
  if (data == nullptr || !data->pendingReader) {
    throw Napi::TypeError::New(info.Env(), "NativeReader cannot be constructed directly; use createReader()");
  }
  s_ = std::move(data->pendingReader);
  if (napi_add_env_cleanup_hook(info.Env(), &ReaderWrap::CleanupHook, this) == napi_ok) hookRegistered_ = true;
}

ReaderWrap::~ReaderWrap() {
  removeHook();
  views_.clear();
  if (s_) s_->close();  // finaliser: unlinks what this Reader owns; mapping lives on while views do
}

}  // namespace

Napi::Function defineReaderClass(Napi::Env env) { return ReaderWrap::Define(env); }

Napi::Object newReaderObject(Napi::Env env, std::shared_ptr<ReaderSession> s) {
  auto* data = env.GetInstanceData<AddonData>();
  data->pendingReader = std::move(s);
  Napi::Object o = data->readerCtor.New({});
  data->pendingReader.reset();
  return o;
}

}  // namespace zb::js
