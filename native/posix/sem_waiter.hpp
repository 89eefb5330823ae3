// Waiting on a named semaphore without sem_wait: registering as a waiter the way glibc's
// sem_wait does, so that an io_uring FUTEX_WAIT on the semaphore's futex word is woken by any
// peer's plain sem_post (C++, C#, Python, this addon: all glibc). Used by the addon's
// one-wake-up asynchronous read (binding/uring_read.cpp); the blocking paths keep sem_clockwait.
//
// Layout assumptions, from glibc 2.36 (nptl/sem_waitcommon.c, nptl/sem_post.c,
// sysdeps/nptl/internaltypes.h) for __HAVE_64B_ATOMICS (x86-64, aarch64):
//   struct new_sem { uint64_t data; int private; int pad; };
//   data = value (low 32 bits, SEM_VALUE_MASK) | nwaiters << SEM_NWAITERS_SHIFT (32).
//   sem_post: CAS data → data + 1 (EOVERFLOW at SEM_VALUE_MAX), then futex_wake(1) on the 32-bit
//     word at offset SEM_VALUE_OFFSET (0 on little-endian) ONLY if nwaiters was > 0 — so a waiter
//     that did not add itself to nwaiters is never woken. `private` is FUTEX_SHARED for a
//     semaphore from sem_open, i.e. a shared futex, keyed by the backing file and offset.
//   __new_sem_wait_slow64: fetch_add(data, 1 << 32); loop { if value == 0: futex_wait(word, 0)
//     and reload; else CAS(data → data − 1 − (1 << 32)) — the token and the registration go in
//     one step }; on timeout or cancellation fetch_sub(data, 1 << 32).
// This layout has not changed since glibc 2.21 (the new semaphore, 2015). A 32-bit glibc or
// another libc uses a different word layout: refuse to build rather than hang at run time.
#pragma once
#include <semaphore.h>

#include <cstdint>
#include <string>

#if !defined(__GLIBC__) || !(defined(__x86_64__) || defined(__aarch64__)) || __SIZEOF_POINTER__ != 8
#error "sem_waiter: needs glibc's 64-bit-atomics sem_t (x86-64 or aarch64)"
#endif
static_assert(sizeof(sem_t) >= 16, "glibc new_sem: uint64_t data; int private; int pad");

namespace zb {

class SemWaiter {
 public:
  explicit SemWaiter(sem_t* sem) : data_(reinterpret_cast<uint64_t*>(sem)) {}

  // The 32-bit futex word sem_post wakes (the value half of `data`, little-endian).
  uint32_t* futexWord() const { return reinterpret_cast<uint32_t*>(data_); }

  // nwaiters += 1: from now on every sem_post on this semaphore makes a futex_wake.
  void enroll();
  // A token if the value is > 0, with the registration dropped in the same CAS (true); false if
  // the value is 0 (still registered: wait on futexWord() for 0, then try again).
  bool tryTakeEnrolled();
  // nwaiters -= 1 without a token: the wait timed out or was cancelled.
  void withdraw();

 private:
  uint64_t* data_;
};

// nwaiters > 0: someone is registered as sleeping on `sem` (sem_clockwait's slow path, or a
// SemWaiter), so a sem_post now makes a futex_wake. A hint only: a waiter may enroll or leave
// right after it is read.
bool semHasSleeper(sem_t* sem);

class UringFutex;

// The assumptions above, checked at run time on a process-shared semaphore in shared anonymous
// memory: enroll, arm FUTEX_WAIT through `ring`, sem_post, and the wait must complete and yield
// the token in one CAS. Empty when all hold, else what did not (the caller then keeps its wait
// thread: a glibc that changed its sem_t would otherwise hang every asynchronous read).
std::string semWakeSelfTest(UringFutex& ring);

}  // namespace zb
