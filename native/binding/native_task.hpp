// A blocking operation run on a dedicated native thread, completed on the JS thread through a
// thread-safe function.
//
// Why not napi_async_work: a pending async work request blocks environment teardown (worker
// termination waits for every request *before* running env cleanup hooks, so a read with an
// Infinity timeout could never be interrupted by our cleanup hook). A thread-safe function does
// not: its finaliser runs after the cleanup hooks (which close our Reader/Writer and thereby end
// the wait within one slice) and joins the thread.
#pragma once
#include <napi.h>

#include <thread>

namespace zb::js {

class NativeTask {
 public:
  virtual ~NativeTask() = default;
  virtual void Execute() = 0;                   // native thread: touches only the mapping/semaphores
  virtual void OnComplete(Napi::Env env) = 0;   // JS thread
  virtual void Interrupt() = 0;                 // env teardown: make Execute return promptly (no JS)

  // JS thread. Takes ownership of `this` (deleted by the finaliser).
  void Start(Napi::Env env, const char* resourceName) {
    napi_value name = Napi::String::New(env, resourceName);
    napi_status st = napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, this, &Finalize, this, &CallJs,
                                                     &tsfn_);
    if (st != napi_ok) {
      delete this;
      throw Napi::Error::New(env, "zerobuffer: napi_create_threadsafe_function failed");
    }
    try {
      thread_ = std::thread([this] {
        Execute();
        // Fails with napi_closing during env teardown: OnComplete then never runs.
        napi_call_threadsafe_function(tsfn_, this, napi_tsfn_nonblocking);
        napi_release_threadsafe_function(tsfn_, napi_tsfn_release);
      });
    } catch (const std::exception& e) {
      completed_ = true;
      napi_release_threadsafe_function(tsfn_, napi_tsfn_release);  // finaliser deletes `this`
      throw Napi::Error::New(env, std::string("zerobuffer: cannot start a wait thread: ") + e.what());
    }
  }

 private:
  static void CallJs(napi_env env, napi_value, void*, void* data) {
    auto* t = static_cast<NativeTask*>(data);
    if (env == nullptr) return;  // queue emptied during teardown
    t->completed_ = true;
    try {
      t->OnComplete(Napi::Env(env));
    } catch (...) {
    }
  }
  static void Finalize(napi_env, void* data, void*) {
    auto* t = static_cast<NativeTask*>(data);
    if (!t->completed_) t->Interrupt();
    if (t->thread_.joinable()) t->thread_.join();
    delete t;
  }

  napi_threadsafe_function tsfn_ = nullptr;
  std::thread thread_;
  bool completed_ = false;  // JS thread only
};

}  // namespace zb::js
