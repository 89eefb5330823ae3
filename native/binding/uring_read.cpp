#include "binding/uring_read.hpp"

#include <errno.h>
#include <stdlib.h>

#include <cmath>
#include <cstring>

#include "binding/uv_min.hpp"
#include "posix/clock.hpp"

namespace zb::js {
namespace {

ZbError uringError(const char* what, int err) {
  return ZbError(code::kOsError, std::string("OS error in ") + what + ": " + strerror(err));
}

}  // namespace

std::shared_ptr<UringReadWaiter> UringReadWaiter::create(Napi::Env env, std::shared_ptr<ReaderSession> s,
                                                         std::string* whyNot) {
  std::shared_ptr<UringReadWaiter> w(new UringReadWaiter());
  w->ring_ = UringFutex::open(whyNot);
  if (!w->ring_) return nullptr;
  uv_loop_s* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
    *whyNot = "napi_get_uv_event_loop failed";
    return nullptr;
  }
  w->poll_ = static_cast<uv_handle_s*>(calloc(1, uv_handle_size(uv::kPoll)));
  w->timer_ = static_cast<uv_handle_s*>(calloc(1, uv_handle_size(uv::kTimer)));
  if (w->poll_ == nullptr || w->timer_ == nullptr || uv_poll_init(loop, w->poll_, w->ring_->eventFd()) != 0) {
    free(w->poll_);
    free(w->timer_);
    w->poll_ = w->timer_ = nullptr;
    *whyNot = "uv_poll_init on the eventfd failed";
    return nullptr;
  }
  uv_timer_init(loop, w->timer_);  // cannot fail
  uv_handle_set_data(w->poll_, w.get());
  uv_poll_start(w->poll_, uv::kReadable, &UringReadWaiter::PollCb);
  uv_unref(w->poll_);
  uv_handle_set_data(w->timer_, w.get());
  w->env_ = env;
  napi_async_init(env, nullptr, Napi::String::New(env, "zerobuffer.read.uring"), &w->async_);
  // Closes the handles at environment teardown (a Worker terminated while a read waits): the
  // Worker's loop refuses to close with open handles, so this hook waits for their close callbacks.
  napi_add_async_cleanup_hook(env, &UringReadWaiter::CleanupHook, w.get(), &w->hook_);
  w->s_ = std::move(s);
  w->sem_.emplace(w->s_->dataSemaphore());
  return w;
}

UringReadWaiter::~UringReadWaiter() = default;

void UringReadWaiter::start(Napi::Env env, double timeoutMs, std::unique_ptr<UringCompletion> done) {
  done_ = std::move(done);
  try {
    s_->checkWaitable();
  } catch (const ZbError& e) {
    finish(false, false, e);
    return;
  }
  deadline_ = deadlineAfterMs(timeoutMs);
  sem_->enroll();
  enrolled_ = true;
  uv_ref(poll_);
  arm(false);
  if (done_) scheduleTick();
}

// A token if sem-w has one (leaving nwaiters in the same CAS): the wait completes with it.
bool UringReadWaiter::tryDeliver(bool fromLoop) {
  if (!sem_->tryTakeEnrolled()) return false;
  enrolled_ = false;
  std::optional<ZbError> err;
  try {
    s_->checkAfterPost();  // the segment may have been truncated while we waited
  } catch (const ZbError& e) {
    err = e;
  }
  const bool ready = !err;
  finish(fromLoop, ready, std::move(err));
  return true;
}

// Takes a token if sem-w has one, else makes sure a FUTEX_WAIT(word, 0) is armed: a post between
// the two makes the kernel complete it at once with -EAGAIN, so no post is missed.
void UringReadWaiter::arm(bool fromLoop) {
  if (eventsPending_) {
    if (std::optional<ZbError> err = collect()) {
      withdraw();
      finish(fromLoop, false, std::move(err));
      return;
    }
  }
  if (tryDeliver(fromLoop)) return;
  if (armed_) return;  // still in the kernel, as good as a new one (see onCompletions)
  tag_ += 2;
  const int rc = ring_->submitFutexWait(sem_->futexWord(), 0, tag_);
  if (rc < 0) {
    withdraw();
    finish(fromLoop, false, uringError("io_uring_enter(FUTEX_WAIT)", -rc));
    return;
  }
  armed_ = true;
}

void UringReadWaiter::withdraw() {
  if (!enrolled_) return;
  sem_->withdraw();
  enrolled_ = false;
}

// Posts the deferred completions, resets the eventfd and reaps: the armed wait is over if its
// completion is among them. Its failure (or the ring's) is returned.
std::optional<ZbError> UringReadWaiter::collect() {
  eventsPending_ = false;
  if (const int rc = ring_->runDeferred(); rc < 0) return uringError("io_uring_enter(GETEVENTS)", -rc);
  ring_->drainEventFd();
  int failed = 0;
  ring_->reap([&](uint64_t ud, int32_t r) {
    if (!armed_ || ud != tag_) return;
    armed_ = false;
    // 0: woken (maybe spuriously); -EAGAIN: the value changed before the kernel queued us;
    // -EINTR/-ECANCELED: not ours to end the wait. All retry; anything else is a failure.
    if (r != 0 && r != -EAGAIN && r != -EINTR && r != -ECANCELED) failed = r;
  });
  if (failed != 0) return uringError("IORING_OP_FUTEX_WAIT", -failed);
  return std::nullopt;
}

// The eventfd is readable. A token on sem-w is delivered first — the completion that announced
// it is collected after the frame's reader has run — else the completions say whether to re-arm.
// A wait that did not end with the delivery (another waiter on sem-w took the wake-up) is
// cancelled once no read is waiting: an idle Reader leaves nothing in the kernel.
void UringReadWaiter::onCompletions() {
  eventsPending_ = true;
  if (done_ && tryDeliver(true)) {
    if (disposed_) return;  // closed by the frame's reader: abort() cancelled what was armed
    if (eventsPending_) collect();  // else the next read's arm() did; a failure recurs there
    if (!done_) cancelArmed();
    return;
  }
  std::optional<ZbError> err = collect();
  if (!done_) return;
  if (err) {
    withdraw();
    finish(true, false, std::move(err));
    return;
  }
  arm(true);
}

// Every slice (and at the deadline): what awaitFrame does after a slice without a post — a
// frame that arrived is taken first, then close, truncation and a gone Writer are checked.
void UringReadWaiter::onTick() {
  if (!done_) return;
  cancelArmed();
  if (tryDeliver(true)) return;
  try {
    s_->checkAfterSlice();
  } catch (const ZbError& e) {
    withdraw();
    finish(true, false, e);
    return;
  }
  if (monotonicNs() >= deadline_) {
    withdraw();
    finish(true, false, std::nullopt);
    return;
  }
  arm(true);
  if (done_) scheduleTick();
}

void UringReadWaiter::scheduleTick() {
  const int64_t left = deadline_ - monotonicNs();
  int64_t ms = (std::min(left, kSliceNs) + kNsPerMs - 1) / kNsPerMs;  // libuv timers are in ms
  if (ms < 0) ms = 0;
  uv_timer_start(timer_, &UringReadWaiter::TimerCb, uint64_t(ms), 0);
}

// Cancels the armed wait and reaps until its completion is seen, so that no wait is left in the
// kernel when the caller withdraws from nwaiters (or the semaphore is unmapped at close).
void UringReadWaiter::cancelArmed() {
  if (!armed_) return;
  ring_->submitCancel(tag_, tag_ + 1);
  for (;;) {
    ring_->reap([&](uint64_t ud, int32_t) {
      if (ud == tag_) armed_ = false;
    });
    if (!armed_) return;
    if (ring_->waitCompletion() < 0) {  // cannot happen short of a kernel bug; do not spin
      armed_ = false;
      return;
    }
  }
}

void UringReadWaiter::finish(bool fromLoop, bool ready, std::optional<ZbError> err) {
  uv_unref(poll_);  // an idle Reader does not keep the loop alive
  uv_timer_stop(timer_);
  std::unique_ptr<UringCompletion> done = std::move(done_);
  if (!fromLoop) {  // inside a JS call already: its scope runs the promise reactions
    done->complete(env_, ready, std::move(err));
    return;
  }
  // From a libuv callback: a callback scope, so that the promise reactions run when it closes
  // (the thread-safe function did this for the thread path).
  napi_handle_scope hs;
  napi_open_handle_scope(env_, &hs);
  napi_value resource;
  napi_create_object(env_, &resource);
  napi_callback_scope cs;
  const bool scoped = napi_open_callback_scope(env_, resource, async_, &cs) == napi_ok;
  done->complete(env_, ready, std::move(err));
  if (scoped) napi_close_callback_scope(env_, cs);
  napi_close_handle_scope(env_, hs);
}

void UringReadWaiter::abort(bool teardown) {
  cancelArmed();
  if (!done_) return;
  withdraw();
  uv_unref(poll_);
  uv_timer_stop(timer_);
  std::unique_ptr<UringCompletion> done = std::move(done_);
  done->complete(teardown ? nullptr : env_, false, std::nullopt);  // the session is closing: ClosedError
}

void UringReadWaiter::dispose(bool teardown) {
  if (disposed_) return;
  disposed_ = true;
  abort(teardown);
  napi_async_destroy(env_, async_);
  selfWhileClosing_ = shared_from_this();
  closesPending_ = 2;
  uv_close(poll_, &UringReadWaiter::CloseCb);
  uv_close(timer_, &UringReadWaiter::CloseCb);
}

void UringReadWaiter::PollCb(uv_handle_s* h, int, int) {
  auto* self = static_cast<UringReadWaiter*>(uv_handle_get_data(h));
  if (!self->disposed_) self->onCompletions();
}

void UringReadWaiter::TimerCb(uv_handle_s* h) {
  auto* self = static_cast<UringReadWaiter*>(uv_handle_get_data(h));
  if (!self->disposed_) self->onTick();
}

void UringReadWaiter::CloseCb(uv_handle_s* h) {
  auto* self = static_cast<UringReadWaiter*>(uv_handle_get_data(h));
  free(h);
  if (--self->closesPending_ > 0) return;
  self->poll_ = self->timer_ = nullptr;
  self->ring_.reset();  // closes the ring (nothing armed any more) and the eventfd
  napi_remove_async_cleanup_hook(self->hook_);
  self->hook_ = nullptr;
  std::shared_ptr<UringReadWaiter> last = std::move(self->selfWhileClosing_);  // may delete self
}

void UringReadWaiter::CleanupHook(napi_async_cleanup_hook_handle, void* arg) {
  static_cast<UringReadWaiter*>(arg)->dispose(true);
}

}  // namespace zb::js
