#include "binding/async_wait_mode.hpp"

#include <stdlib.h>

#include <memory>

#include "posix/sem_waiter.hpp"
#include "posix/uring_futex.hpp"

namespace zb::js {
namespace {

AsyncWaitMode computeMode() {
  AsyncWaitMode m{false, "auto", ""};
  if (const char* v = getenv("ZEROBUFFER_ASYNC_WAIT"); v != nullptr && *v != '\0') m.requested = v;
  if (m.requested == "thread") {
    m.reason = "ZEROBUFFER_ASYNC_WAIT=thread";
    return m;
  }
  if (m.requested != "uring" && m.requested != "auto") {
    m.reason = "ZEROBUFFER_ASYNC_WAIT=" + m.requested + " is not thread, uring or auto";
    return m;
  }
  // Probed once per process (neither the kernel nor glibc changes under it): the opcode, then the
  // whole wake-up on a scratch semaphore.
  std::string why;
  const std::unique_ptr<UringFutex> ring = UringFutex::open(&why);
  if (ring == nullptr) {
    m.reason = why;
    return m;
  }
  if (std::string bad = semWakeSelfTest(*ring); !bad.empty()) {
    m.reason = bad;
    return m;
  }
  m.uring = true;
  return m;
}

}  // namespace

const AsyncWaitMode& asyncWaitMode() {
  static const AsyncWaitMode m = computeMode();
  return m;
}

}  // namespace zb::js
