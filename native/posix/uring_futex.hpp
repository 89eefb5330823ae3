// A small io_uring used for one thing: waiting on a futex word (IORING_OP_FUTEX_WAIT, Linux ≥ 6.7)
// without a thread, completion signalled on an eventfd that an event loop watches.
//
// Why: the addon's asynchronous read otherwise needs two wake-ups — the Writer's sem_post wakes a
// wait thread, which wakes the event loop through a thread-safe function — and on a small VM each
// wake-up of an idle vCPU costs about as much as a whole semaphore ping-pong. With the wait armed
// in io_uring, the futex_wake of the peer's sem_post queues the completion straight to the event
// loop's thread (task work) and the eventfd makes its epoll return: one wake-up. The ring defers
// that task work (IORING_SETUP_DEFER_TASKRUN, where the kernel has it): the wake only signals the
// eventfd instead of interrupting the thread's epoll_wait, and the completion is posted when the
// thread asks (runDeferred) — after it has taken the frame. Such a ring belongs to the thread that
// made it (IORING_SETUP_SINGLE_ISSUER).
//
// The installed kernel headers may predate 6.7 (no FUTEX_WAIT opcode, no FUTEX2_* flags) and
// liburing is not a dependency: the few constants are defined here and the rings are mapped by
// hand. Everything is raw syscalls, one ring per user, single-threaded (the JS thread).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

struct io_uring_sqe;
struct io_uring_cqe;

namespace zb {

class UringFutex {
 public:
  // A ring with an eventfd registered, if io_uring is available and supports FUTEX_WAIT; nullptr
  // and *whyNot otherwise (ENOSYS, EPERM from io_uring_disabled or seccomp, an older kernel).
  static std::unique_ptr<UringFutex> open(std::string* whyNot);
  ~UringFutex();
  UringFutex(const UringFutex&) = delete;
  UringFutex& operator=(const UringFutex&) = delete;

  // Readable (EFD_NONBLOCK) once a completion was posted; drainEventFd() resets it.
  int eventFd() const { return efd_; }
  void drainEventFd();

  // Arms FUTEX_WAIT(word == expected), 32-bit, shared (the word lives in a MAP_SHARED semaphore
  // that other processes futex_wake). Completes with 0 (woken), -EAGAIN (word != expected at
  // submission), -ECANCELED. Returns 0 or a negative errno from io_uring_enter.
  int submitFutexWait(const uint32_t* word, uint32_t expected, uint64_t userData);
  // Asks the kernel to cancel the request tagged `target` (its CQE then carries -ECANCELED).
  int submitCancel(uint64_t target, uint64_t userData);
  // Posts the completions whose task work is deferred to this thread (the eventfd says there are
  // some); without IORING_SETUP_DEFER_TASKRUN they are posted already. Returns 0 or a negative errno.
  int runDeferred();
  // Calls f(userData, res) for every completion posted so far; returns how many.
  template <typename F>
  unsigned reap(F&& f) {
    unsigned n = 0;
    for (;;) {
      uint64_t ud;
      int32_t res;
      if (!popCqe(ud, res)) return n;
      ++n;
      f(ud, res);
    }
  }
  // Blocks (the calling thread) until at least one completion is posted: how a cancellation is
  // made synchronous at close. Returns 0 or a negative errno.
  int waitCompletion();

 private:
  UringFutex() = default;
  int submit(const io_uring_sqe& sqe);
  bool popCqe(uint64_t& userData, int32_t& res);
  // io_uring_enter(GETEVENTS) until at least `minComplete` completions are posted (0: just run
  // the deferred task work), retried on EINTR. Returns 0 or a negative errno.
  int getEvents(unsigned minComplete);

  int fd_ = -1;
  bool deferred_ = false;  // IORING_SETUP_DEFER_TASKRUN
  int efd_ = -1;
  void* ringMem_ = nullptr;
  size_t ringBytes_ = 0;
  void* sqesMem_ = nullptr;
  size_t sqesBytes_ = 0;
  uint32_t* sqHead_ = nullptr;
  uint32_t* sqTail_ = nullptr;
  uint32_t sqMask_ = 0;
  uint32_t* sqArray_ = nullptr;
  io_uring_sqe* sqes_ = nullptr;
  uint32_t* cqHead_ = nullptr;
  uint32_t* cqTail_ = nullptr;
  uint32_t cqMask_ = 0;
  io_uring_cqe* cqes_ = nullptr;
};

}  // namespace zb
