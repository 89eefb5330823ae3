#include "posix/sem_waiter.hpp"

#include <atomic>

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

}  // namespace zb
