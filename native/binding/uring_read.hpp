// The Reader's asynchronous wait for a frame without a wait thread: an io_uring FUTEX_WAIT on
// sem-w (posix/uring_futex.hpp, posix/sem_waiter.hpp) whose completion wakes the event loop
// directly through an eventfd watched by libuv. One wake-up per frame instead of two (the wait
// thread, then the thread-safe function); see native_task.hpp for the thread path it replaces
// where io_uring cannot be used.
//
// Everything here runs on the JS thread, nothing per frame that can wait: the poll handle stays
// started (unreferenced while no read waits) and a woken read takes its token before the ring's
// completions are collected. The bounded-slice duties of ReaderSession::awaitFrame
// (a gone Writer, a truncated segment, close) are done by a libuv timer every slice instead.
#pragma once
#include <napi.h>

#include <memory>
#include <optional>
#include <string>

#include "core/errors.hpp"
#include "posix/reader_session.hpp"
#include "posix/sem_waiter.hpp"
#include "posix/uring_futex.hpp"

struct uv_handle_s;

namespace zb::js {

// How a wait ends; called once per start(), on the JS thread. env is null during environment
// teardown (no JS may run; the receiver only frees itself).
class UringCompletion {
 public:
  virtual ~UringCompletion() = default;
  // ready: a post on sem-w was consumed (the frame must be consumed next); err: the wait failed.
  virtual void complete(napi_env env, bool ready, std::optional<ZbError> err) = 0;
};

class UringReadWaiter : public std::enable_shared_from_this<UringReadWaiter> {
 public:
  // nullptr (and *whyNot) when no ring can be had; the caller then uses its wait thread.
  static std::shared_ptr<UringReadWaiter> create(Napi::Env env, std::shared_ptr<ReaderSession> s, std::string* whyNot);
  ~UringReadWaiter();

  // Waits up to timeoutMs (Infinity allowed) for a post on sem-w; owns `done` until it completes.
  // At most one wait at a time (the wrapper's checkIdle guarantees it). Called from a JS call.
  void start(Napi::Env env, double timeoutMs, std::unique_ptr<UringCompletion> done);
  // The session is closing: the wait (if any) is cancelled and withdrawn from sem-w while the
  // semaphore is still mapped, and completes (ClosedError; without env during teardown).
  void abort(bool teardown);
  // abort() and release the ring and the libuv handles (closed asynchronously). Idempotent.
  void dispose(bool teardown);

 private:
  UringReadWaiter() = default;
  bool tryDeliver(bool fromLoop);
  void arm(bool fromLoop);  // take a token, or (re)submit the futex wait
  void withdraw();          // leave nwaiters without a token
  std::optional<ZbError> collect();  // deferred completions posted, eventfd reset, CQEs reaped
  void onCompletions();     // eventfd readable
  void onTick();            // slice timer
  void cancelArmed();       // synchronous: the armed wait's CQE is reaped on return
  void finish(bool fromLoop, bool ready, std::optional<ZbError> err);
  void scheduleTick();
  static void PollCb(uv_handle_s* h, int status, int events);
  static void TimerCb(uv_handle_s* h);
  static void CloseCb(uv_handle_s* h);
  static void CleanupHook(napi_async_cleanup_hook_handle handle, void* arg);

  napi_env env_ = nullptr;
  napi_async_context async_ = nullptr;
  std::shared_ptr<ReaderSession> s_;
  std::unique_ptr<UringFutex> ring_;
  std::optional<SemWaiter> sem_;
  uv_handle_s* poll_ = nullptr;
  uv_handle_s* timer_ = nullptr;
  napi_async_cleanup_hook_handle hook_ = nullptr;
  std::shared_ptr<UringReadWaiter> selfWhileClosing_;  // kept until both handles are closed
  int closesPending_ = 0;
  bool disposed_ = false;

  std::unique_ptr<UringCompletion> done_;  // non-null while a wait is in flight
  bool enrolled_ = false;                  // counted in sem-w's nwaiters
  bool armed_ = false;                     // a FUTEX_WAIT's completion is not reaped yet
  bool eventsPending_ = false;             // the eventfd fired since the last collect()
  uint64_t tag_ = 1;                       // user_data of the armed wait (odd; its cancel: +1)
  int64_t deadline_ = 0;
};

}  // namespace zb::js
