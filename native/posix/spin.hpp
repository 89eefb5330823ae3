// Polling before sleeping (protocol.md §8.2: how the waits of §6.3 and §8.2.3 are carried out).
//
// A peer that is busy in the other process usually posts within a few µs, while sleeping on the
// semaphore costs a futex wake-up (tens of µs on the benchmark machine; from JavaScript a second
// one through the event loop) and turns each of the peer's posts into a system call while we
// sleep. So a wait first polls, for a budget that adapts to how its polls end: one that got what it
// waited for doubles the budget (up to kMaxSpinNs), one that did not halves it (down to kMinSpinNs).
// A peer that takes longer than a poll — large frames, an idle stream — then costs almost no CPU.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>

#include "posix/clock.hpp"

namespace zb {

inline constexpr int64_t kMaxSpinNs = 50 * 1000;
inline constexpr int64_t kMinSpinNs = 1000;

// One spin-wait step: tells the CPU this is a busy-wait loop.
inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class SpinBudget {
 public:
  // Calls `poll` until it returns something truthy or the budget (at most limitNs) passed; returns
  // the last result. One caller at a time (a session's JS thread or its wait thread).
  template <typename F>
  auto poll(int64_t limitNs, F&& poll) -> decltype(poll()) {
    const int64_t budget = budget_.load(std::memory_order_relaxed);
    // The first attempt needs no clock: a batch read finds its frames ready more often than not.
    auto first = poll();
    if (first || limitNs <= 0) {
      if (first && limitNs > 0) budget_.store(std::min(2 * budget, kMaxSpinNs), std::memory_order_relaxed);
      return first;
    }
    const int64_t end = monotonicNs() + std::min(budget, limitNs);
    for (;;) {
      for (int i = 0; i < 32; ++i) cpuRelax();
      auto r = poll();
      if (r || monotonicNs() >= end) {
        budget_.store(r ? std::min(2 * budget, kMaxSpinNs) : std::max(budget / 2, kMinSpinNs), std::memory_order_relaxed);
        return r;
      }
    }
  }

 private:
  std::atomic<int64_t> budget_{kMaxSpinNs};
};

// The nanoseconds of a validated timeout in ms (Infinity: unbounded), for SpinBudget::poll.
inline int64_t limitNs(double timeoutMs) {
  return timeoutMs * double(kNsPerMs) >= double(kNever) ? kNever : int64_t(timeoutMs * double(kNsPerMs));
}

}  // namespace zb
