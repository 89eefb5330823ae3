// NativeWriter (src/native.ts): ObjectWrap over a WriterSession, which owns the protocol. This file
// converts arguments, creates and detaches the zero-copy views, and runs the wait for space on its
// own thread.
#include <napi.h>

#include <cstring>
#include <optional>

#include "binding/session_wrap.hpp"
#include "binding/writable_view.hpp"
#include "posix/clock.hpp"

namespace zb::js {
namespace {

class WriterWrap : public SessionWrap<WriterWrap, WriterSession> {
 public:
  static constexpr const char* kClassName = "NativeWriter";
  static constexpr const char* kFactory = "connectWriter()";
  static constexpr const char* kPeerMethod = "isReaderConnected";
  static constexpr const char* kAsyncOps = "write/acquire";
  static constexpr const char* kWaitThreadName = "zerobuffer.write";
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
            InstanceMethod("writeBatchSync", &WriterWrap::WriteBatchSync),
            InstanceMethod("write", &WriterWrap::Write),
            InstanceMethod("acquireSync", &WriterWrap::AcquireSync),
            InstanceMethod("acquire", &WriterWrap::Acquire),
            InstanceMethod("frameData", &WriterWrap::FrameData),
            InstanceMethod("fill", &WriterWrap::Fill),
            InstanceMethod("commit", &WriterWrap::Commit),
            InstanceMethod("abort", &WriterWrap::Abort),
            InstanceMethod("setMetadata", &WriterWrap::SetMetadata),
            InstanceMethod("acquireMetadata", &WriterWrap::AcquireMetadata),
            InstanceMethod("commitMetadata", &WriterWrap::CommitMetadata),
            InstanceMethod("abortMetadata", &WriterWrap::AbortMetadata),
        });
  }

  // JS thread, once a planned frame fits: writes `data` as the frame (resolving to its sequence),
  // or, for an acquisition (`data` undefined), hands out the pending frame (with its view when
  // `withView`).
  Napi::Value complete(Napi::Env env, const PlannedFrame& f, const Napi::Value& data, bool withView) {
    if (data.IsUndefined()) return frameObject(env, s_->completeAcquire(f), withView);
    return Napi::BigInt::New(env, s_->completeWrite(f, data.As<Napi::Uint8Array>().Data()));
  }

  // Close, between beginClose and finishClose: the session drops a pending frame or metadata
  // acquisition without writing it; their views go first.
  void detachViews() {
    frameView_.detach();
    metaView_.detach();
  }

 private:
  Napi::Value GetNextSequence(const Napi::CallbackInfo& info) { return Napi::BigInt::New(info.Env(), s_->nextSequence()); }
  Napi::Value GetHasPendingFrame(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), s_->pending() != nullptr); }
  Napi::Value GetMetadataWritten(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), s_->metadataWritten()); }

  // W1 before any argument is looked at.
  void checkCanWrite(const char* op, bool async) {
    checkIdle(op, async);
    s_->checkCanWrite(op);
  }

  // The NativeWritableFrame of the frame the session just acquired (§10.1), with `data`, its view,
  // when `withView`; else FrameData makes the view if asked (why: src/writable-frame.ts).
  Napi::Object frameObject(Napi::Env env, const PlannedFrame& f, bool withView) {
    try {
      Napi::Object o = Napi::Object::New(env);
      if (withView) o.Set("data", frameView_.array(env, s_->mapping(), f.data, f.size));
      o.Set("sequence", Napi::BigInt::New(env, f.sequence));
      o.Set("size", Napi::Number::New(env, double(f.size)));
      o.Set("isZeroCopy", Napi::Boolean::New(env, externalViewsAllowed(env)));
      return o;
    } catch (...) {
      frameView_.detach();
      s_->abort();
      throw;
    }
  }

  // frameData(): the pending frame's view, made on the first call (later calls return a new
  // Uint8Array over the same ArrayBuffer).
  Napi::Value FrameData(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      const PlannedFrame& f = pendingFrame("frameData");
      return frameView_.array(env, s_->mapping(), f.data, f.size);
    });
  }

  // fill(offset, source): copies source into the pending frame at offset (WritableView::fill).
  Napi::Value Fill(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    guard(env, [&] {
      const PlannedFrame& f = pendingFrame("fill");
      const uint64_t offset = validateCount(info[0], "offset");
      frameView_.fill(f.data, f.size, offset, bytesOf(env, info[1], "source"));
      return 0;
    });
    return env.Undefined();
  }

  // The optional `withView` argument of acquire/acquireSync (default true).
  static bool viewWanted(const Napi::Value& v) { return v.IsUndefined() || v.ToBoolean().Value(); }

  const PlannedFrame& pendingFrame(const char* op) {
    if (s_->closing()) throw closedErr();
    const PlannedFrame* f = s_->pending();
    if (f == nullptr) throw ZbError(code::kInvalidState, std::string(op) + ": no frame is pending");
    return *f;
  }

  Napi::Value WriteSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      checkCanWrite("writeSync", false);
      const ByteSpan data = bytesOf(env, info[0], "data");
      const int64_t deadline = deadlineAfterMs(validateTimeout(info[1], false));
      return Napi::BigInt::New(env, s_->write(data.data, data.length, deadline, "writeSync"));
    });
  }

  // writeBatchSync(timeoutMs, indexBase, ...frames): writeSync(frames[0], timeoutMs), then every
  // further frame while it fits now, in order. The frames are arguments: an argument costs nothing
  // to fetch, an array element an engine lookup (as much as the rest of the write). Returns how many
  // were written — 0 when the timeout is 0 and the first does not fit (a full ring is a Writer's
  // usual state, a thrown error costs 20–50 µs); an error after the first ends the batch (it recurs
  // when the next call starts at that frame). Errors name frames[indexBase + i].
  Napi::Value WriteBatchSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      const char* op = "writeBatchSync";
      checkCanWrite(op, false);
      const double timeout = validateTimeout(info[0], false);
      const int64_t base = int64_t(validateCount(info[1], "indexBase"));
      const size_t n = info.Length() < 2 ? 0 : info.Length() - 2;
      size_t i = 0;
      for (; i < n; ++i) {
        napi_value v = info[i + 2];
        if (i == 0) {
          const ByteSpan b = bytesOf(env, v, "frames", base);
          if (timeout > 0) {
            s_->write(b.data, b.length, deadlineAfterMs(timeout), op);
          } else {
            const PlannedFrame f = s_->plan(b.length, op);
            if (!s_->spaceNow(f, true)) break;
            s_->completeWrite(f, b.data);
          }
          continue;
        }
        try {
          const ByteSpan b = bytesOf(env, v, "frames", base + int64_t(i));
          const PlannedFrame f = s_->plan(b.length, op);
          if (!s_->spaceNow(f, true)) break;
          s_->completeWrite(f, b.data);
        } catch (const ZbError&) {
          break;
        }
      }
      return Napi::Number::New(env, double(i));
    });
  }

  Napi::Value AcquireSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      checkCanWrite("acquireSync", false);
      const uint64_t size = validateCount(info[0], "size");
      const int64_t deadline = deadlineAfterMs(validateTimeout(info[1], false));
      const bool withView = viewWanted(info[2]);
      return frameObject(env, s_->acquire(size, deadline, "acquireSync"), withView);
    });
  }

  Napi::Value Write(const Napi::CallbackInfo& info) { return startAsync(info, false); }
  Napi::Value Acquire(const Napi::CallbackInfo& info) { return startAsync(info, true); }
  Napi::Value startAsync(const Napi::CallbackInfo& info, bool acquire);

  // The view is detached once the frame is published, whatever happens: no JavaScript runs in
  // between, so nothing writes to a published frame, and the Reader's wake-up does not wait for the
  // engine's bookkeeping of a detach.
  Napi::Value Commit(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      if (const PlannedFrame* f = s_->pending()) frameView_.copyBack(f->data, f->size);
      uint64_t sequence;
      try {
        sequence = s_->commit();
      } catch (...) {
        frameView_.detach();
        throw;
      }
      frameView_.detach();
      return Napi::BigInt::New(env, sequence);
    });
  }

  Napi::Value Abort(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    guard(env, [&] {
      s_->abort();
      frameView_.detach();
      return 0;
    });
    return env.Undefined();
  }

  Napi::Value SetMetadata(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    guard(env, [&] {
      s_->checkCanSetMetadata("setMetadata");
      Napi::Uint8Array data = validateBytes(info[0], "data");
      s_->setMetadata(data.Data(), data.ByteLength());
      return 0;
    });
    return env.Undefined();
  }

  Napi::Value AcquireMetadata(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guard(env, [&]() -> Napi::Value {
      s_->checkCanSetMetadata("acquireMetadata");
      const PendingMetadata& m = s_->acquireMetadata(validateCount(info[0], "size"));
      try {
        return metaView_.array(env, s_->mapping(), m.data, m.size);
      } catch (...) {
        metaView_.detach();
        s_->abortMetadata();
        throw;
      }
    });
  }

  Napi::Value CommitMetadata(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    guard(env, [&] {
      if (const PendingMetadata* m = s_->pendingMetadata()) metaView_.commitTo(m->data, m->size);
      s_->commitMetadata();
      return 0;
    });
    return env.Undefined();
  }

  Napi::Value AbortMetadata(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    guard(env, [&] {
      s_->abortMetadata();
      metaView_.detach();
      return 0;
    });
    return env.Undefined();
  }

  WritableView frameView_;
  WritableView metaView_;
};

// Waits for space on its own thread in bounded slices; the copy and publication (write) or the
// view creation (acquire) happen on the JS thread in settle() (§15.4).
class SpaceWorker : public SessionTask<WriterWrap> {
 public:
  SpaceWorker(Napi::Env env, Napi::Object self, WriterWrap* wrap, const PlannedFrame& frame, int64_t deadline,
              Napi::Value data, bool withView)
      : SessionTask(env, self, wrap), frame_(frame), deadline_(deadline), acquire_(data.IsUndefined()), withView_(withView) {
    if (!acquire_) data_ = Napi::Persistent(data.As<Napi::Object>());
  }

 private:
  void wait() override { s_->awaitSpace(frame_, deadline_, false); }  // the JS thread already polled

  Napi::Value settle(Napi::Env env) override {
    if (acquire_) return wrap_->complete(env, frame_, env.Undefined(), withView_);
    Napi::Value v = data_.Value();
    if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
        v.As<Napi::Uint8Array>().ByteLength() != frame_.size) {
      throw ZbError(code::kInvalidArgument, "Invalid argument data: the Uint8Array was detached or resized while the write waited for space");
    }
    return wrap_->complete(env, frame_, v, false);
  }

  PlannedFrame frame_;
  int64_t deadline_;
  bool acquire_;
  bool withView_;
  Napi::ObjectReference data_;
};

Napi::Value WriterWrap::startAsync(const Napi::CallbackInfo& info, bool acquire) {
  Napi::Env env = info.Env();
  try {
    const char* op = acquire ? "acquire" : "write";
    checkCanWrite(op, true);
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
    const bool withView = acquire && viewWanted(info[2]);
    const int64_t deadline = deadlineAfterMs(timeout);
    const PlannedFrame f = s_->plan(size, op);
    const bool ready = timeout == 0 ? s_->spaceNow(f, false)  // ZB_BUFFER_FULL without space
                                    : s_->spaceWithin(f, timeout);
    // Space now (or within the poll): the result itself — no promise, no thread hop (src/writer.ts
    // takes both forms, and tells a stream that never waits from one that does).
    if (ready) return complete(env, f, data, withView);
    return startTask(new SpaceWorker(env, info.This().As<Napi::Object>(), this, f, deadline, data, withView), env);
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
