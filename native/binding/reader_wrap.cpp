// NativeReader (src/native.ts): ObjectWrap over a ReaderSession, async reads, frame views and
// batches.
#include <napi.h>

#include <cstring>
#include <optional>
#include <unordered_map>

#include "binding/async_wait_mode.hpp"
#include "binding/read_batch.hpp"
#include "binding/session_wrap.hpp"
#include "binding/uring_read.hpp"

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
  // Finaliser: no read is in flight (it would keep this object reachable); the ring's handles close.
  ~ReaderWrap() override {
    if (uring_) uring_->dispose(false);
  }

  static Napi::Function Define(Napi::Env env) {
    return defineClass(env, {
                                InstanceMethod("readSync", &ReaderWrap::ReadSync),
                                InstanceMethod("read", &ReaderWrap::Read),
                                InstanceMethod("readBatchSync", &ReaderWrap::ReadBatchSync),
                                InstanceMethod("readBatch", &ReaderWrap::ReadBatch),
                                InstanceMethod("pollBatch", &ReaderWrap::PollBatch),
                                InstanceMethod("release", &ReaderWrap::Release),
                                InstanceMethod("isReleased", &ReaderWrap::IsReleased),
                                InstanceMethod("getMetadata", &ReaderWrap::GetMetadata),
                            });
  }

  // JS thread: wraps a consumed frame into a NativeFrame object.
  Napi::Object makeFrame(Napi::Env env, const ReadFrame& f) {
    bool zeroCopy = false;
    Napi::Uint8Array data = view(env, f, zeroCopy);
    Napi::Object o = Napi::Object::New(env);
    o.Set("token", Napi::Number::New(env, double(f.token)));
    o.Set("sequence", Napi::BigInt::New(env, f.sequence));
    o.Set("size", Napi::Number::New(env, double(f.size)));
    o.Set("data", data);
    o.Set("isZeroCopy", Napi::Boolean::New(env, zeroCopy));
    return o;
  }

  // JS thread: a batch into `t` (protocol order in ReaderSession::drain). `takeBatch(take)` runs the
  // session's drain with the per-frame step: a frame of at most t.copyMax bytes is copied to the
  // pool and released with the batch; the first other frame becomes the returned view (released
  // later by its token) and ends the batch. Returns that view, or null without one; t.out[0] = n.
  template <typename TakeBatch>
  Napi::Value batch(Napi::Env env, BatchTarget t, TakeBatch&& takeBatch) {
    Napi::Value result = env.Null();
    double* e = t.out + 1;
    const size_t n = takeBatch([&](const ReadFrame& f) {
      e[1] = double(f.sequence);  // exact: sequences count frames from 1 (R8)
      e[2] = double(f.size);
      if (f.size <= t.copyMax && f.size <= t.poolLength - t.used) {
        std::memcpy(t.pool + t.used, s_->ring() + f.dataOffset, size_t(f.size));
        e[0] = 0;
        e[3] = double(t.used);
        e += kEntry;
        t.used += size_t(f.size);
        // Stop where a further frame might not fit: a frame of at most copyMax bytes is always copied.
        return t.poolLength - t.used < t.copyMax ? ReaderSession::Take::ReleaseAndStop : ReaderSession::Take::Release;
      }
      bool zeroCopy = false;
      result = view(env, f, zeroCopy);
      e[0] = double(f.token);
      e[3] = zeroCopy ? kZeroCopyView : kCopiedView;
      return ReaderSession::Take::Keep;
    });
    t.out[0] = double(n);
    return result;
  }

  // `first` (consumed) and every further frame ready now, up to t.maxFrames.
  Napi::Value drain(Napi::Env env, BatchTarget t, const ReadFrame& first) {
    return batch(env, t, [&](auto&& take) { return s_->drain(first, size_t(t.maxFrames), take); });
  }

  // The frames ready now (polling for up to `pollMs`; 0: one sem_trywait): t.out[0] = 0 without one.
  Napi::Value drainReady(Napi::Env env, BatchTarget t, double pollMs) {
    return batch(env, t, [&](auto&& take) {
      return pollMs == 0 ? s_->drainReady(size_t(t.maxFrames), take) : s_->pollDrain(pollMs, size_t(t.maxFrames), take);
    });
  }

  // close() after beginClose, or environment teardown: an io_uring wait in flight is cancelled and
  // leaves sem-w's waiter count before the semaphore is closed; no read can follow, so the ring
  // and its handles go too (not at the next garbage collection).
  void abortWait(bool teardown) {
    if (uring_) uring_->dispose(teardown);
  }

  // §2.8 step 2 (close, between beginClose and finishClose).
  void detachViews() {
    for (auto& [token, ref] : views_) detachQuietly(ref);
    views_.clear();
  }

 private:
  // The frame's payload as a view over the ring, detached by release() or close().
  Napi::Uint8Array view(Napi::Env env, const ReadFrame& f, bool& zeroCopy) {
    Napi::ArrayBuffer ab = makeView(env, s_->mapping(), s_->ring() + f.dataOffset, size_t(f.size), zeroCopy);
    views_.emplace(f.token, Napi::Persistent(ab));
    return Napi::Uint8Array::New(env, size_t(f.size), ab, 0);
  }

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

  Napi::Value ReadBatchSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      checkIdle("readBatchSync", false);
      BatchArgs a(info);
      const double timeout = validateTimeout(info[5], false);
      Napi::Value ready = drainReady(env, a.target(), 0);  // frames ready now: one lock, no wait
      if (a.outData[0] > 0) return ready;
      const std::optional<ReadFrame> f = s_->read(timeout);
      if (f) return drain(env, a.target(), *f);
      a.outData[0] = 0;
      return env.Null();
    });
  }

  // The batch of frames ready now or within the poll budget (at most timeoutMs): never blocks
  // beyond polling and never starts a wait. The library calls it before readBatch, so that frames
  // that are ready cost one call and no Promise.
  Napi::Value PollBatch(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      checkIdle("pollBatch", false);
      BatchArgs a(info);
      return drainReady(env, a.target(), validateTimeout(info[5], true));
    });
  }

  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value ReadBatch(const Napi::CallbackInfo& info);
  template <typename Task>
  Napi::Promise startRead(Task* task, Napi::Env env, double timeout);

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
  std::shared_ptr<UringReadWaiter> uring_;  // the io_uring wait, made by the first async read
  bool uringTried_ = false;
};

// Waits for a frame on its own thread; the frame (and, for a batch, every further ready one) is
// consumed on the JS thread in settle().
class ReadTask : public SessionTask<ReaderWrap>, public UringCompletion {
 public:
  ReadTask(Napi::Env env, Napi::Object self, ReaderWrap* wrap, double timeout, std::optional<BatchArgs> batch)
      : SessionTask(env, self, wrap), timeout_(timeout) {
    if (batch) batch_.emplace(env, *batch);
  }

 private:
  void wait() override { ready_ = s_->awaitFrame(timeout_, false); }  // the JS thread already polled

 public:
  // The io_uring path's end of the wait (env null: environment teardown, nothing to settle).
  void complete(napi_env env, bool ready, std::optional<ZbError> err) override {
    if (env == nullptr) return;
    ready_ = ready;
    completeWith(Napi::Env(env), std::move(err));
  }

 private:

  Napi::Value settle(Napi::Env env) override {
    if (!batch_) return ready_ ? Napi::Value(wrap_->makeFrame(env, s_->consumeReady())) : env.Null();
    BatchTarget t;
    try {
      t = batch_->target();
    } catch (const ZbError&) {
      if (ready_) s_->returnReady();  // the frame stays for the next read
      throw;
    }
    if (!ready_) {
      t.out[0] = 0;
      return env.Null();
    }
    return wrap_->drain(env, t, s_->consumeReady());
  }

  double timeout_;
  bool ready_ = false;
  std::optional<HeldBatch> batch_;
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
    return startRead(new ReadTask(env, info.This().As<Napi::Object>(), this, timeout, std::nullopt), env, timeout);
  } catch (const ZbError& e) {
    return rejected(env, e);
  }
}

// The wait of an asynchronous read: io_uring on the JS thread's event loop where available
// (uring_read.hpp: one wake-up per frame), else the wait thread. The ring is made once, by the
// first read that has to wait; a failure there (fd limits, say) keeps this Reader on the thread.
template <typename Task>
Napi::Promise ReaderWrap::startRead(Task* task, Napi::Env env, double timeout) {
  if (!uringTried_) {
    uringTried_ = true;
    std::string whyNot;
    if (asyncWaitMode().uring) uring_ = UringReadWaiter::create(env, s_, &whyNot);
  }
  if (!uring_) return startTask(task, env);
  std::unique_ptr<Task> owned(task);
  Napi::Promise p = task->promise();
  asyncInFlight_ = true;
  uring_->start(env, timeout, std::move(owned));
  return p;
}

// Waits on the wait thread without polling first: the library polled with pollBatch just before.
Napi::Value ReaderWrap::ReadBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    checkIdle("readBatch", true);
    BatchArgs a(info);
    const double timeout = validateTimeout(info[5], true);
    return startRead(new ReadTask(env, info.This().As<Napi::Object>(), this, timeout, std::move(a)), env, timeout);
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
