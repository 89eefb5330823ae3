// What NativeReader and NativeWriter (src/native.ts) share: the session hand-off, the members both
// classes expose, close() around the wrapper's own view detaching (§2.8, §7.2), the env cleanup
// hook and finaliser that close a session JS never closed, and the task that waits on its own
// thread inside the session's in-native bracket (§15.3).
#pragma once
#include <napi.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "binding/addon.hpp"
#include "binding/js_util.hpp"
#include "binding/native_task.hpp"

namespace zb::js {

// CRTP base. Derived provides (public):
//   kClassName, kFactory     for the class and the "cannot be constructed directly" error;
//   kPeerMethod              the JS name of isPeerConnected;
//   kAsyncOps                what its asynchronous operations are called in messages;
//   kWaitThreadName          the resource name of its wait thread's thread-safe function;
//   kPending, kCtor          its AddonData hand-off slot and constructor;
//   void detachViews()       detaches its own views (called between beginClose and finishClose);
//   void abortWait(bool teardown)  ends an operation waiting on the JS thread's event loop rather
//                            than on the wait thread (ReaderWrap's io_uring read), before the
//                            session's semaphores are closed.
template <typename Derived, typename Session>
class SessionWrap : public Napi::ObjectWrap<Derived> {
 public:
  using SessionType = Session;

  // The constructor takes `s` from the hand-off slot, so JS cannot construct one itself.
  static Napi::Object newObject(Napi::Env env, std::shared_ptr<Session> s) {
    auto* data = env.GetInstanceData<AddonData>();
    data->*Derived::kPending = std::move(s);
    Napi::Object o = (data->*Derived::kCtor).New({});
    (data->*Derived::kPending).reset();
    return o;
  }

  // ---- used by SessionTask ----
  void asyncDone() { asyncInFlight_ = false; }
  const std::shared_ptr<Session>& session() const { return s_; }

 protected:
  using Base = Napi::ObjectWrap<Derived>;
  using Property = Napi::ClassPropertyDescriptor<Derived>;

  explicit SessionWrap(const Napi::CallbackInfo& info) : Base(info) {
    auto* data = info.Env().GetInstanceData<AddonData>();
    if (data == nullptr || !(data->*Derived::kPending)) {
      throw Napi::TypeError::New(info.Env(), std::string(Derived::kClassName) +
                                                 " cannot be constructed directly; use " + Derived::kFactory);
    }
    s_ = std::move(data->*Derived::kPending);
    if (napi_add_env_cleanup_hook(info.Env(), &SessionWrap::CleanupHook, this) == napi_ok) hookRegistered_ = true;
  }

  // Finaliser (Derived's views are already released): a Reader unlinks what it owns; the mapping
  // lives on while views do.
  ~SessionWrap() override {
    removeHook();
    if (s_) s_->close();
    if (waiter_) waiter_->release();
  }

  // The shared members around Derived's own, in this order (the prototype's key order is visible).
  static Napi::Function defineClass(Napi::Env env, std::initializer_list<Property> own) {
    std::vector<Property> props{
        Base::InstanceAccessor("name", &SessionWrap::GetName, nullptr, napi_enumerable),
        Base::InstanceAccessor("metadataSize", &SessionWrap::GetMetadataSize, nullptr, napi_enumerable),
        Base::InstanceAccessor("payloadSize", &SessionWrap::GetPayloadSize, nullptr, napi_enumerable),
        Base::InstanceAccessor("closed", &SessionWrap::GetClosed, nullptr, napi_enumerable),
    };
    props.insert(props.end(), own);
    props.push_back(Base::InstanceMethod(Derived::kPeerMethod, &SessionWrap::IsPeerConnected));
    props.push_back(Base::InstanceMethod("oiebSnapshot", &SessionWrap::OiebSnapshot));
    props.push_back(Base::InstanceMethod("semaphoreValues", &SessionWrap::SemaphoreValues));
    props.push_back(Base::InstanceMethod("close", &SessionWrap::Close));
    return Base::DefineClass(env, Derived::kClassName, props);
  }

  ZbError closedErr() const { return s_->closedErr(); }

  // Before `op` starts (§15.3): ZB_CLOSED, or ZB_INVALID_STATE while an asynchronous operation of
  // this object is in flight. `async`: op is itself asynchronous.
  void checkIdle(const char* op, bool async) const {
    if (s_->closing()) throw closedErr();
    if (asyncInFlight_) {
      throw ZbError(code::kInvalidState, std::string(op) + "() called while " + (async ? "another" : "an") +
                                             " asynchronous " + Derived::kAsyncOps + " is in flight");
    }
  }

  // Runs a SessionTask (taking ownership) on this wrapper's wait thread and returns its promise;
  // at most one is in flight per wrapper.
  template <typename Task>
  Napi::Promise startTask(Task* task, Napi::Env env) {
    std::unique_ptr<Task> owned(task);
    if (!waiter_) waiter_ = WaitThread::start(env, Derived::kWaitThreadName);
    Napi::Promise p = task->promise();
    asyncInFlight_ = true;
    waiter_->submit(env, owned.release());
    return p;
  }

  void abortWait(bool /*teardown*/) {}  // no operation waits on the event loop (Derived may hide it)

  std::shared_ptr<Session> s_;
  bool asyncInFlight_ = false;
  std::shared_ptr<WaitThread> waiter_;  // started by the first asynchronous operation

 private:
  Napi::Value GetName(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), s_->name()); }
  Napi::Value GetMetadataSize(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(s_->M())); }
  Napi::Value GetPayloadSize(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), double(s_->P())); }
  Napi::Value GetClosed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), s_->closing()); }

  Napi::Value IsPeerConnected(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), s_->isPeerConnected());
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
    if (!s_->closed()) {
      s_->beginClose();  // step 1: the in-flight operation ends (its promise rejects with ZB_CLOSED)
      static_cast<Derived*>(this)->abortWait(false);
      static_cast<Derived*>(this)->detachViews();
      s_->finishClose();  // the rest of §2.8 / §7.2
      removeHook();
      if (waiter_) waiter_->release();  // no operation can start any more
    }
    return info.Env().Undefined();
  }

  static void CleanupHook(void* arg) {
    auto* self = static_cast<SessionWrap*>(arg);
    self->hookRegistered_ = false;
    static_cast<Derived*>(self)->abortWait(true);
    self->s_->close();  // env teardown: no JS may run; the mapping outlives any view
  }
  void removeHook() {
    if (hookRegistered_) {
      napi_remove_env_cleanup_hook(this->Env(), &SessionWrap::CleanupHook, this);
      hookRegistered_ = false;
    }
  }

  bool hookRegistered_ = false;
};

// A wrapper's blocking operation: wait() runs on its own thread inside the session's in-native
// bracket, settle() on the JS thread once the wait succeeded and the session is still open.
template <typename Wrap>
class SessionTask : public NativeTask {
 public:
  SessionTask(Napi::Env env, Napi::Object self, Wrap* wrap)
      : wrap_(wrap), s_(wrap->session()), self_(Napi::Persistent(self)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise promise() { return deferred_.Promise(); }

  // The outcome of a wait carried out elsewhere (ReaderWrap's io_uring read): as if Execute() had
  // ended with `err`, then completed.
  void completeWith(Napi::Env env, std::optional<ZbError> err) {
    err_ = std::move(err);
    OnComplete(env);
  }

  void Execute() final {
    if (!s_->enterNative()) {
      err_ = s_->closedErr();
      return;
    }
    err_ = captureError([&] { wait(); });
    s_->leaveNative();
  }

  void Interrupt() final { s_->close(); }

  void OnComplete(Napi::Env env) final {
    wrap_->asyncDone();
    try {
      guard(env, [&] {
        if (err_) throw *err_;
        if (s_->closing()) throw s_->closedErr();
        deferred_.Resolve(settle(env));
      });
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

 protected:
  virtual void wait() = 0;                        // touches only the mapping/semaphores
  virtual Napi::Value settle(Napi::Env env) = 0;  // JS thread

  Wrap* wrap_;
  std::shared_ptr<typename Wrap::SessionType> s_;

 private:
  Napi::ObjectReference self_;  // keeps the wrapper reachable while the promise is pending
  Napi::Promise::Deferred deferred_;
  std::optional<ZbError> err_;
};

}  // namespace zb::js
