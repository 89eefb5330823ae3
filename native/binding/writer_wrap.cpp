// NativeWriter (src/native.ts): ObjectWrap over a WriterSession, async write/acquire workers,
// zero-copy frame and metadata views.
#include <napi.h>

#include <cstring>
#include <optional>

#include "binding/addon.hpp"
#include "binding/js_util.hpp"
#include "binding/native_task.hpp"
#include "core/names.hpp"
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

class WriterWrap : public Napi::ObjectWrap<WriterWrap> {
 public:
  explicit WriterWrap(const Napi::CallbackInfo& info);
  ~WriterWrap() override;

  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "NativeWriter",
        {
            InstanceAccessor("name", &WriterWrap::GetName, nullptr, napi_enumerable),
            InstanceAccessor("metadataSize", &WriterWrap::GetMetadataSize, nullptr, napi_enumerable),
            InstanceAccessor("payloadSize", &WriterWrap::GetPayloadSize, nullptr, napi_enumerable),
            InstanceAccessor("closed", &WriterWrap::GetClosed, nullptr, napi_enumerable),
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
            InstanceMethod("isReaderConnected", &WriterWrap::IsReaderConnected),
            InstanceMethod("oiebSnapshot", &WriterWrap::OiebSnapshot),
            InstanceMethod("semaphoreValues", &WriterWrap::SemaphoreValues),
            InstanceMethod("close", &WriterWrap::Close),
        });
  }

  // ---- used by the space worker's completion (JS thread) ----
  void asyncDone() { asyncInFlight_ = false; }
  const std::shared_ptr<WriterSession>& session() const { return s_; }
  ZbError closedErr() const { return closedError("Writer " + jsonQuoteUtf8(s_->name())); }

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

 private:
  Napi::Value GetName(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), s_->name()); }
  Napi::Value GetMetadataSize(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(s_->core().M())); }
  Napi::Value GetPayloadSize(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(s_->core().P())); }
  Napi::Value GetClosed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), s_->closing()); }
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

  Napi::Value IsReaderConnected(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), s_->isReaderConnected());
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
    s_->beginClose();
    if (pending_) {  // a pending zero-copy frame is aborted, never published
      detachQuietly(pending_->view);
      pending_.reset();
    }
    if (pendingMeta_) {
      detachQuietly(pendingMeta_->view);
      pendingMeta_.reset();
    }
    s_->finishClose();
    removeHook();
  }

  static void CleanupHook(void* arg) {
    auto* self = static_cast<WriterWrap*>(arg);
    self->hookRegistered_ = false;
    self->s_->close();
  }
  void removeHook() {
    if (hookRegistered_) {
      napi_remove_env_cleanup_hook(Env(), &WriterWrap::CleanupHook, this);
      hookRegistered_ = false;
    }
  }

  std::shared_ptr<WriterSession> s_;
  std::optional<PendingFrame> pending_;
  std::optional<PendingMetadata> pendingMeta_;
  bool asyncInFlight_ = false;
  bool hookRegistered_ = false;
};

// Waits for space on the libuv pool in bounded slices; the copy/publication (write) or the view
// creation (acquire) happens on the JS thread in OnOK (§15.4).
class SpaceWorker : public NativeTask {
 public:
  SpaceWorker(Napi::Env env, Napi::Object self, WriterWrap* wrap, Placement plan, uint64_t size, int64_t deadline,
              bool acquire, Napi::Value data)
      : self_(Napi::Persistent(self)),
        wrap_(wrap),
        s_(wrap->session()),
        plan_(plan),
        size_(size),
        deadline_(deadline),
        acquire_(acquire),
        deferred_(Napi::Promise::Deferred::New(env)) {
    if (!acquire) data_ = Napi::Persistent(data.As<Napi::Object>());
  }
  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    if (!s_->enterNative()) {
      err_ = wrap_closed();
      return;
    }
    try {
      s_->waitForSpace(plan_.required, deadline_);
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
      if (err_) throw *err_;
      if (s_->closing()) throw wrap_closed();
      if (acquire_) {
        deferred_.Resolve(wrap_->makePending(env, plan_, size_));
        return;
      }
      Napi::Value v = data_.Value();
      if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
          v.As<Napi::Uint8Array>().ByteLength() != size_) {
        throw ZbError(code::kInvalidArgument, "Invalid argument data: the Uint8Array was detached or resized while the write waited for space");
      }
      Napi::Uint8Array data = v.As<Napi::Uint8Array>();
      deferred_.Resolve(Napi::BigInt::New(env, wrap_->publishCopy(plan_, data.Data(), size_)));
    } catch (const ZbError& e) {
      deferred_.Reject(toJsError(env, e).Value());
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

 private:
  ZbError wrap_closed() const { return closedError("Writer " + jsonQuoteUtf8(s_->name())); }

  Napi::ObjectReference self_;
  WriterWrap* wrap_;
  std::shared_ptr<WriterSession> s_;
  Placement plan_;
  uint64_t size_;
  int64_t deadline_;
  bool acquire_;
  Napi::ObjectReference data_;
  Napi::Promise::Deferred deferred_;
  std::optional<ZbError> err_;
};

Napi::Value WriterWrap::startAsync(const Napi::CallbackInfo& info, bool acquire) {
  Napi::Env env = info.Env();
  auto d = Napi::Promise::Deferred::New(env);
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
      if (acquire) {
        d.Resolve(makePending(env, plan, size));
      } else {
        Napi::Uint8Array bytes = data.As<Napi::Uint8Array>();
        d.Resolve(Napi::BigInt::New(env, publishCopy(plan, bytes.Data(), size)));
      }
      return d.Promise();
    }
    if (timeout == 0) throw s_->core().bufferFull(plan.required, f);
    auto* w = new SpaceWorker(env, info.This().As<Napi::Object>(), this, plan, size, deadline, acquire, data);
    Napi::Promise p = w->promise();
    asyncInFlight_ = true;
    try {
      w->Start(env, acquire ? "zerobuffer.acquire" : "zerobuffer.write");
    } catch (...) {
      asyncInFlight_ = false;
      throw;
    }
    return p;
  } catch (const ZbError& e) {
    d.Reject(toJsError(env, e).Value());
    return d.Promise();
  }
}

WriterWrap::WriterWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<WriterWrap>(info) {
  auto* data = info.Env().GetInstanceData<AddonData>();
  if (data == nullptr || !data->pendingWriter) {
    throw Napi::TypeError::New(info.Env(), "NativeWriter cannot be constructed directly; use connectWriter()");
  }
  s_ = std::move(data->pendingWriter);
  if (napi_add_env_cleanup_hook(info.Env(), &WriterWrap::CleanupHook, this) == napi_ok) hookRegistered_ = true;
}

WriterWrap::~WriterWrap() {
  removeHook();
  pending_.reset();
  pendingMeta_.reset();
  if (s_) s_->close();
}

}  // namespace

Napi::Function defineWriterClass(Napi::Env env) { return WriterWrap::Define(env); }

Napi::Object newWriterObject(Napi::Env env, std::shared_ptr<WriterSession> s) {
  auto* data = env.GetInstanceData<AddonData>();
  data->pendingWriter = std::move(s);
  Napi::Object o = data->writerCtor.New({});
  data->pendingWriter.reset();
  return o;
}

}  // namespace zb::js
