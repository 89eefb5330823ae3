// NativeWriter (src/native.ts): ObjectWrap over a WriterSession, async write/acquire workers,
// zero-copy frame and metadata views.
#include <napi.h>

#include <cstring>
#include <optional>

#include "binding/session_wrap.hpp"
#include "posix/clock.hpp"

namespace zb::js {
namespace {

struct PendingFrame {
  Placement plan;
  uint64_t size;
  Napi::Reference<Napi::ArrayBuffer> view;
  bool zeroCopy;
};
struct PendingMetadata {
  uint64_t size;
  Napi::Reference<Napi::ArrayBuffer> view;
  bool zeroCopy;
};

class WriterWrap : public SessionWrap<WriterWrap, WriterSession> {
 public:
  static constexpr const char* kClassName = "NativeWriter";
  static constexpr const char* kFactory = "connectWriter()";
  static constexpr const char* kPeerMethod = "isReaderConnected";
  static constexpr auto kPending = &AddonData::pendingWriter;
  static constexpr auto kCtor = &AddonData::writerCtor;

  explicit WriterWrap(const Napi::CallbackInfo& info) : SessionWrap(info) {}

  static Napi::Function Define(Napi::Env env) {
    return defineClass(
        env, {
            InstanceAccessor("nextSequence", &WriterWrap::GetNextSequence, nullptr, napi_enumerable),
            InstanceAccessor("hasPendingFrame", &WriterWrap::GetHasPendingFrame, nullptr, napi_enumerable),
            InstanceAccessor("metadataWritten", &WriterWrap::GetMetadataWritten, nullptr, napi_enumerable),
            InstanceMethod("writeSync", &WriterWrap::WriteSync),
            InstanceMethod("write", &WriterWrap::Write),
            InstanceMethod("acquireSync", &WriterWrap::AcquireSync),
            InstanceMethod("acquire", &WriterWrap::Acquire),
            InstanceMethod("commit", &WriterWrap::Commit),
            InstanceMethod("abort", &WriterWrap::Abort),
            InstanceMethod("setMetadata", &WriterWrap::SetMetadata),
            InstanceMethod("acquireMetadata", &WriterWrap::AcquireMetadata),
            InstanceMethod("commitMetadata", &WriterWrap::CommitMetadata),
            InstanceMethod("abortMetadata", &WriterWrap::AbortMetadata),
        });
  }

  // ---- used by the space worker's completion (JS thread) ----
  // W6–W12 with the payload copied from `data` (JS thread).
  uint64_t publishCopy(const Placement& plan, const uint8_t* src, uint64_t size) {
    WriterCore& c = s_->core();
    std::memmove(c.dataPtr(plan), src, size_t(size));  // memmove: src may itself be a ring view
    const uint64_t seq = c.publish(plan, size);
    s_->postData();
    return seq;
  }

  // Creates the pending writable frame (§10.1) and its JS object.
  Napi::Object makePending(Napi::Env env, const Placement& plan, uint64_t size) {
    WriterCore& c = s_->core();
    bool zeroCopy = false;
    Napi::ArrayBuffer ab = makeView(env, s_->mapping(), c.dataPtr(plan), size_t(size), zeroCopy);
    pending_.emplace(PendingFrame{plan, size, Napi::Persistent(ab), zeroCopy});
    Napi::Object o = Napi::Object::New(env);
    o.Set("data", Napi::Uint8Array::New(env, size_t(size), ab, 0));
    o.Set("sequence", Napi::BigInt::New(env, c.nextSequence()));
    o.Set("size", Napi::Number::New(env, double(size)));
    o.Set("isZeroCopy", Napi::Boolean::New(env, zeroCopy));
    return o;
  }

  // Close, between beginClose and finishClose: a pending zero-copy frame is aborted, never
  // published.
  void detachViews() {
    if (pending_) {
      detachQuietly(pending_->view);
      pending_.reset();
    }
    if (pendingMeta_) {
      detachQuietly(pendingMeta_->view);
      pendingMeta_.reset();
    }
  }

 private:
  Napi::Value GetNextSequence(const Napi::CallbackInfo& info) { return Napi::BigInt::New(info.Env(), s_->core().nextSequence()); }
  Napi::Value GetHasPendingFrame(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), pending_.has_value()); }
  Napi::Value GetMetadataWritten(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), s_->core().metadataWritten()); }

  // W1 for sync calls.
  void checkSyncFrameOp(const char* op) {
    if (s_->closing()) throw closedErr();
    if (asyncInFlight_) throw ZbError(code::kInvalidState, std::string(op) + "() called while an asynchronous write/acquire is in flight");
    if (pending_) throw ZbError(code::kInvalidState, std::string(op) + "() called while a zero-copy frame is acquired (commit or abort it first)");
  }

  Napi::Value WriteSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      checkSyncFrameOp("writeSync");
      Napi::Uint8Array data = validateBytes(info[0], "data");
      const double timeout = validateTimeout(info[1], false);
      const int64_t deadline = deadlineAfterMs(timeout);
      const uint64_t size = data.ByteLength();
      const Placement plan = s_->core().plan(size);
      s_->waitForSpace(plan.required, deadline);
      return Napi::BigInt::New(env, publishCopy(plan, data.Data(), size));
    });
  }

  Napi::Value AcquireSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      checkSyncFrameOp("acquireSync");
      const uint64_t size = validateCount(info[0], "size");
      const double timeout = validateTimeout(info[1], false);
      const int64_t deadline = deadlineAfterMs(timeout);
      const Placement plan = s_->core().plan(size);
      s_->waitForSpace(plan.required, deadline);
      return makePending(env, plan, size);
    });
  }

  Napi::Value Write(const Napi::CallbackInfo& info) { return startAsync(info, false); }
  Napi::Value Acquire(const Napi::CallbackInfo& info) { return startAsync(info, true); }
  Napi::Value startAsync(const Napi::CallbackInfo& info, bool acquire);

  Napi::Value Commit(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      if (s_->closing()) throw closedErr();
      if (!pending_) throw ZbError(code::kInvalidState, "commit() called without a pending acquired frame");
      PendingFrame& p = *pending_;
      WriterCore& c = s_->core();
      if (!p.zeroCopy && !p.view.IsEmpty()) {  // copying fallback: copy back at commit
        Napi::ArrayBuffer ab = p.view.Value();
        if (!ab.IsDetached() && ab.ByteLength() == p.size) std::memcpy(c.dataPtr(p.plan), ab.Data(), size_t(p.size));
      }
      detachQuietly(p.view);
      const Placement plan = p.plan;
      const uint64_t size = p.size;
      pending_.reset();
      const uint64_t seq = c.publish(plan, size);
      s_->postData();
      return Napi::BigInt::New(env, seq);
    });
  }

  Napi::Value Abort(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    guard(env, [&] {
      if (s_->closing()) throw closedErr();
      if (!pending_) throw ZbError(code::kInvalidState, "abort() called without a pending acquired frame");
      detachQuietly(pending_->view);
      pending_.reset();
      return 0;
    });
    return env.Undefined();
  }

  Napi::Value SetMetadata(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    guard(env, [&] {
      if (s_->closing()) throw closedErr();
      if (pendingMeta_) throw ZbError(code::kInvalidState, "setMetadata() called while a metadata acquisition is pending");
      Napi::Uint8Array data = validateBytes(info[0], "data");
      WriterCore& c = s_->core();
      const uint64_t n = data.ByteLength();
      c.checkMetadata(n);
      std::memmove(c.metadataContent(), data.Data(), size_t(n));
      c.commitMetadata(n);
      return 0;
    });
    return env.Undefined();
  }

  Napi::Value AcquireMetadata(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      if (s_->closing()) throw closedErr();
      if (pendingMeta_) throw ZbError(code::kInvalidState, "acquireMetadata() called while a metadata acquisition is pending");
      const uint64_t n = validateCount(info[0], "size");
      WriterCore& c = s_->core();
      c.checkMetadata(n);
      bool zeroCopy = false;
      Napi::ArrayBuffer ab = makeView(env, s_->mapping(), c.metadataContent(), size_t(n), zeroCopy);
      pendingMeta_.emplace(PendingMetadata{n, Napi::Persistent(ab), zeroCopy});
      return Napi::Uint8Array::New(env, size_t(n), ab, 0);
    });
  }

  Napi::Value CommitMetadata(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    guard(env, [&] {
      if (s_->closing()) throw closedErr();
      if (!pendingMeta_) throw ZbError(code::kInvalidState, "commitMetadata() called without a pending metadata acquisition");
      WriterCore& c = s_->core();
      PendingMetadata& p = *pendingMeta_;
      if (!p.zeroCopy && !p.view.IsEmpty()) {
        Napi::ArrayBuffer ab = p.view.Value();
        if (!ab.IsDetached() && ab.ByteLength() == p.size) std::memcpy(c.metadataContent(), ab.Data(), size_t(p.size));
      }
      detachQuietly(p.view);
      const uint64_t n = p.size;
      pendingMeta_.reset();
      c.commitMetadata(n);
      return 0;
    });
    return env.Undefined();
  }

  Napi::Value AbortMetadata(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    guard(env, [&] {
      if (s_->closing()) throw closedErr();
      if (!pendingMeta_) throw ZbError(code::kInvalidState, "abortMetadata() called without a pending metadata acquisition");
      detachQuietly(pendingMeta_->view);
      pendingMeta_.reset();
      return 0;
    });
    return env.Undefined();
  }

  std::optional<PendingFrame> pending_;
  std::optional<PendingMetadata> pendingMeta_;
};

// Waits for space on the libuv pool in bounded slices; the copy/publication (write) or the view
// creation (acquire) happens on the JS thread in settle() (§15.4).
class SpaceWorker : public SessionTask<WriterWrap> {
 public:
  SpaceWorker(Napi::Env env, Napi::Object self, WriterWrap* wrap, Placement plan, uint64_t size, int64_t deadline,
              bool acquire, Napi::Value data)
      : SessionTask(env, self, wrap), plan_(plan), size_(size), deadline_(deadline), acquire_(acquire) {
    if (!acquire) data_ = Napi::Persistent(data.As<Napi::Object>());
  }

 private:
  void wait() override { s_->waitForSpace(plan_.required, deadline_); }

  Napi::Value settle(Napi::Env env) override {
    if (acquire_) return wrap_->makePending(env, plan_, size_);
    Napi::Value v = data_.Value();
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
        v.As<Napi::Uint8Array>().ByteLength() != size_) {
      throw ZbError(code::kInvalidArgument, "Invalid argument data: the Uint8Array was detached or resized while the write waited for space");
    }
    Napi::Uint8Array data = v.As<Napi::Uint8Array>();
    return Napi::BigInt::New(env, wrap_->publishCopy(plan_, data.Data(), size_));
  }

  Placement plan_;
  uint64_t size_;
  int64_t deadline_;
  bool acquire_;
  Napi::ObjectReference data_;
};

Napi::Value WriterWrap::startAsync(const Napi::CallbackInfo& info, bool acquire) {
  Napi::Env env = info.Env();
  try {
    const char* op = acquire ? "acquire" : "write";
    if (s_->closing()) throw closedErr();
    if (asyncInFlight_) throw ZbError(code::kInvalidState, std::string(op) + "() called while another asynchronous write/acquire is in flight");
    if (pending_) throw ZbError(code::kInvalidState, std::string(op) + "() called while a zero-copy frame is acquired (commit or abort it first)");
    uint64_t size;
    Napi::Value data = env.Undefined();
    if (acquire) {
      size = validateCount(info[0], "size");
    } else {
      Napi::Uint8Array bytes = validateBytes(info[0], "data");
      size = bytes.ByteLength();
      data = bytes;
    }
    const double timeout = validateTimeout(info[1], true);
    const int64_t deadline = deadlineAfterMs(timeout);
    const Placement plan = s_->core().plan(size);
    // Non-blocking attempt on the JS thread first.
    uint64_t f = 0;
    if (s_->trySpace(plan.required, false, f)) {
      auto d = Napi::Promise::Deferred::New(env);
      if (acquire) {
        d.Resolve(makePending(env, plan, size));
      } else {
        Napi::Uint8Array bytes = data.As<Napi::Uint8Array>();
        d.Resolve(Napi::BigInt::New(env, publishCopy(plan, bytes.Data(), size)));
      }
      return d.Promise();
    }
    if (timeout == 0) throw s_->core().bufferFull(plan.required, f);
    return startTask(new SpaceWorker(env, info.This().As<Napi::Object>(), this, plan, size, deadline, acquire, data),
                     env, acquire ? "zerobuffer.acquire" : "zerobuffer.write");
  } catch (const ZbError& e) {
    return rejected(env, e);
  }
}

}  // namespace

Napi::Function defineWriterClass(Napi::Env env) { return WriterWrap::Define(env); }

Napi::Object newWriterObject(Napi::Env env, std::shared_ptr<WriterSession> s) {
  return WriterWrap::newObject(env, std::move(s));
}

}  // namespace zb::js
