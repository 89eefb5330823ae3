// Which path a Reader's asynchronous waits take: io_uring on the event loop (uring_read.hpp) or a
// wait thread (native_task.hpp). ZEROBUFFER_ASYNC_WAIT = thread | uring | auto, default auto:
// uring where the kernel supports it, probed once per process.
#pragma once
#include <string>

namespace zb::js {

struct AsyncWaitMode {
  bool uring;           // the path in use
  std::string requested;  // "auto", "thread" or "uring"
  std::string reason;   // why io_uring is not used (empty when it is)
};
const AsyncWaitMode& asyncWaitMode();

}  // namespace zb::js
