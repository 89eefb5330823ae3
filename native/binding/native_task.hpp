// Blocking operations run on a wrapper's own wait thread, completed on the JS thread through a
// thread-safe function.
//
// One WaitThread per Reader/Writer wrapper, started by its first asynchronous operation and reused
// by every later one (at most one is in flight per wrapper): starting a thread and a thread-safe
// function per wait cost tens of microseconds on the JS thread, per wait. Between operations the
// thread parks on a condition variable and the thread-safe function is unreferenced, so an idle
// wrapper keeps neither the CPU nor the event loop busy.
//
// Why not napi_async_work: a pending async work request blocks environment teardown (worker
// termination waits for every request *before* running env cleanup hooks, so a read with an
// Infinity timeout could never be interrupted by our cleanup hook). A thread-safe function does
// not: at teardown its finaliser interrupts a running task (closing the session ends the wait
// within one slice) and joins the thread.
#pragma once
#include <napi.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace zb::js {

class NativeTask {
 public:
  virtual ~NativeTask() = default;
  virtual void Execute() = 0;                  // wait thread: touches only the mapping/semaphores
  virtual void OnComplete(Napi::Env env) = 0;  // JS thread
  virtual void Interrupt() = 0;                // teardown: make Execute return promptly (no JS)
};

class WaitThread {
 public:
  // JS thread: the thread and its thread-safe function (unreferenced until a task is submitted).
  static std::shared_ptr<WaitThread> start(Napi::Env env, const char* resourceName) {
    auto self = std::shared_ptr<WaitThread>(new WaitThread());
    auto* keep = new std::shared_ptr<WaitThread>(self);  // owned by the thread-safe function
    napi_value name = Napi::String::New(env, resourceName);
    if (napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, keep, &Finalize, self.get(), &CallJs,
                                        &self->tsfn_) != napi_ok) {
      delete keep;
      throw Napi::Error::New(env, "zerobuffer: napi_create_threadsafe_function failed");
    }
    napi_unref_threadsafe_function(env, self->tsfn_);
    try {
      self->thread_ = std::thread([t = self.get()] { t->loop(); });
    } catch (const std::exception& e) {
      self->release();
      throw Napi::Error::New(env, std::string("zerobuffer: cannot start a wait thread: ") + e.what());
    }
    return self;
  }

  // JS thread. Takes ownership of `task` (deleted once completed); one task at a time.
  void submit(Napi::Env env, NativeTask* task) {
    napi_ref_threadsafe_function(env, tsfn_);  // a task in flight keeps the event loop alive
    std::lock_guard<std::mutex> g(m_);
    submitted_ = task;
    cv_.notify_one();
  }

  // JS thread (wrapper closed or finalised): ends the thread and lets the thread-safe function go;
  // a completion already queued is still delivered. Idempotent.
  void release() {
    if (released_) return;
    released_ = true;
    stop();
    napi_release_threadsafe_function(tsfn_, napi_tsfn_release);
  }

 private:
  WaitThread() = default;

  void loop() {
    for (;;) {
      NativeTask* task;
      {
        std::unique_lock<std::mutex> g(m_);
        cv_.wait(g, [&] { return stop_ || submitted_ != nullptr; });
        // A task submitted before stop() still runs (its session is closed by then, so it ends at
        // once) and completes: its promise must settle.
        if (submitted_ == nullptr) return;
        task = running_ = submitted_;
        submitted_ = nullptr;
      }
      task->Execute();
      {
        std::lock_guard<std::mutex> g(m_);
        running_ = nullptr;
      }
      // Fails with napi_closing during env teardown: OnComplete then never runs; the finaliser
      // deletes the task.
      if (napi_call_threadsafe_function(tsfn_, task, napi_tsfn_nonblocking) != napi_ok) {
        std::lock_guard<std::mutex> g(m_);
        orphan_.reset(task);
      }
    }
  }

  // Interrupts the task (running or about to), ends the thread and joins it. Not on the wait thread.
  void stop() {
    NativeTask* task;
    {
      std::lock_guard<std::mutex> g(m_);
      if (stop_) return;
      stop_ = true;
      task = running_ != nullptr ? running_ : submitted_;
      cv_.notify_one();
    }
    // Only the JS thread deletes tasks, and stop() runs on it: `task` stays valid.
    if (task != nullptr) task->Interrupt();
    if (thread_.joinable()) thread_.join();
  }

  static void CallJs(napi_env env, napi_value, void* context, void* data) {
    auto* self = static_cast<WaitThread*>(context);
    std::unique_ptr<NativeTask> task(static_cast<NativeTask*>(data));
    if (env == nullptr) return;  // queue emptied during teardown
    napi_unref_threadsafe_function(env, self->tsfn_);
    try {
      task->OnComplete(Napi::Env(env));
    } catch (...) {
    }
  }

  static void Finalize(napi_env, void* data, void*) {
    auto* keep = static_cast<std::shared_ptr<WaitThread>*>(data);
    (*keep)->stop();
    delete keep;
  }

  std::mutex m_;
  std::condition_variable cv_;
  NativeTask* submitted_ = nullptr;  // handed over, not yet taken by the thread
  NativeTask* running_ = nullptr;    // being executed
  std::unique_ptr<NativeTask> orphan_;  // executed but undeliverable (teardown)
  bool stop_ = false;
  bool released_ = false;  // JS thread only
  std::thread thread_;
  napi_threadsafe_function tsfn_ = nullptr;
};

}  // namespace zb::js
