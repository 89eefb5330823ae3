#include "posix/sem_waiter.hpp"

#include <errno.h>
#include <poll.h>
#include <sys/mman.h>
#include <string.h>

#include <atomic>

#include "posix/uring_futex.hpp"

namespace zb {
namespace {

constexpr uint64_t kNwaitersOne = uint64_t(1) << 32;  // SEM_NWAITERS_SHIFT
constexpr uint64_t kValueMask = 0xffffffffu;          // SEM_VALUE_MASK

}  // namespace

// The orders are glibc's: acquire on the fetch_add/CAS that take (the frame published before the
// post must be visible), relaxed on the withdrawal.
void SemWaiter::enroll() { std::atomic_ref<uint64_t>(*data_).fetch_add(kNwaitersOne, std::memory_order_acquire); }

bool SemWaiter::tryTakeEnrolled() {
  std::atomic_ref<uint64_t> d(*data_);
  uint64_t cur = d.load(std::memory_order_relaxed);
  while ((cur & kValueMask) != 0) {
    if (d.compare_exchange_weak(cur, cur - 1 - kNwaitersOne, std::memory_order_acquire, std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

void SemWaiter::withdraw() { std::atomic_ref<uint64_t>(*data_).fetch_sub(kNwaitersOne, std::memory_order_relaxed); }

bool semHasSleeper(sem_t* sem) {
  return (std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(sem)).load(std::memory_order_relaxed) & ~kValueMask) != 0;
}

std::string semWakeSelfTest(UringFutex& ring) {
  void* mem = mmap(nullptr, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return std::string("mmap: ") + strerror(errno);
  auto* sem = static_cast<sem_t*>(mem);
  const auto* data = static_cast<const uint64_t*>(mem);
  bool armed = false;
  const auto done = [&](const char* why) {
    if (armed) {  // never leave a wait in the kernel on memory about to be unmapped
      ring.submitCancel(1, 2);
      ring.waitCompletion();
      ring.reap([](uint64_t, int32_t) {});
    }
    ring.drainEventFd();
    sem_destroy(sem);
    munmap(mem, sizeof(sem_t));
    return why == nullptr ? std::string() : std::string("glibc sem_t check: ") + why;
  };
  if (sem_init(sem, 1, 0) != 0) return done("sem_init failed");
  SemWaiter w(sem);
  if (*data != 0) return done("a fresh semaphore is not all zero");
  w.enroll();
  if (*data != kNwaitersOne) return done("nwaiters is not the high 32 bits of the first word");
  if (w.tryTakeEnrolled()) return done("took a token from an empty semaphore");
  if (ring.submitFutexWait(w.futexWord(), 0, 1) < 0) return done("FUTEX_WAIT could not be submitted");
  armed = true;
  if (sem_post(sem) != 0) return done("sem_post failed");
  pollfd p{ring.eventFd(), POLLIN, 0};
  if (poll(&p, 1, 1000) != 1) return done("sem_post did not wake the io_uring futex wait");
  ring.runDeferred();
  int32_t res = 1;
  ring.reap([&](uint64_t ud, int32_t r) {
    if (ud == 1) res = r;
  });
  if (res == 1) return done("sem_post did not complete the io_uring futex wait");
  armed = false;
  if (res != 0) return done("the io_uring futex wait failed");
  if (!w.tryTakeEnrolled()) return done("no token after sem_post");
  if (*data != 0) return done("the token and the registration did not go in one CAS");
  return done(nullptr);
}

}  // namespace zb
