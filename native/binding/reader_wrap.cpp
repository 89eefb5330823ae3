// NativeReader (src/native.ts): ObjectWrap over a ReaderSession, async read worker, frame views.
#include <napi.h>

#include <optional>
#include <unordered_map>

#include "binding/session_wrap.hpp"

namespace zb::js {
namespace {

class ReaderWrap : public SessionWrap<ReaderWrap, ReaderSession> {
 public:
  static constexpr const char* kClassName = "NativeReader";
  static constexpr const char* kFactory = "createReader()";
  static constexpr const char* kPeerMethod = "isWriterConnected";
  static constexpr const char* kAsyncOps = "read";
  static constexpr const char* kWaitThreadName = "zerobuffer.read";
  static constexpr auto kPending = &AddonData::pendingReader;
  static constexpr auto kCtor = &AddonData::readerCtor;

  explicit ReaderWrap(const Napi::CallbackInfo& info) : SessionWrap(info) {}

  static Napi::Function Define(Napi::Env env) {
    return defineClass(env, {
                                InstanceMethod("readSync", &ReaderWrap::ReadSync),
                                InstanceMethod("read", &ReaderWrap::Read),
                                InstanceMethod("release", &ReaderWrap::Release),
                                InstanceMethod("isReleased", &ReaderWrap::IsReleased),
                                InstanceMethod("getMetadata", &ReaderWrap::GetMetadata),
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
  // §2.8 step 2 (close, between beginClose and finishClose).
  void detachViews() {
    for (auto& [token, ref] : views_) detachQuietly(ref);
    views_.clear();
  }

 private:
  Napi::Value ReadSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      checkIdle("readSync", false);
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

  std::unordered_map<uint64_t, Napi::Reference<Napi::ArrayBuffer>> views_;
};

class ReadWorker : public SessionTask<ReaderWrap> {
 public:
  ReadWorker(Napi::Env env, Napi::Object self, ReaderWrap* wrap, double timeout)
      : SessionTask(env, self, wrap), timeout_(timeout) {}

 private:
  void wait() override {
    if (s_->awaitFrame(timeout_, false)) frame_ = s_->consumeReady();  // the JS thread already polled
  }
  Napi::Value settle(Napi::Env env) override { return frame_ ? Napi::Value(wrap_->makeFrame(env, *frame_)) : env.Null(); }

  double timeout_;
  std::optional<ReadFrame> frame_;
};

Napi::Value ReaderWrap::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    checkIdle("read", true);
    const double timeout = validateTimeout(info[0], true);
    if (std::optional<ReadFrame> f = s_->tryReadWithin(timeout)) {  // no thread hop
      auto d = Napi::Promise::Deferred::New(env);
      d.Resolve(makeFrame(env, *f));
      return d.Promise();
    }
    return startTask(new ReadWorker(env, info.This().As<Napi::Object>(), this, timeout), env);
  } catch (const ZbError& e) {
    return rejected(env, e);
  }
}

}  // namespace

Napi::Function defineReaderClass(Napi::Env env) { return ReaderWrap::Define(env); }

Napi::Object newReaderObject(Napi::Env env, std::shared_ptr<ReaderSession> s) {
  return ReaderWrap::newObject(env, std::move(s));
}

}  // namespace zb::js
