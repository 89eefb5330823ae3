// Monotonic time helpers (protocol.md §8.2).
#pragma once
#include <time.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace zb {

inline constexpr int64_t kNsPerMs = 1000000;
inline constexpr int64_t kSliceNs = 100 * kNsPerMs;
inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

inline int64_t monotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// CLOCK_MONOTONIC_COARSE: a few ns instead of tens in a VM, at tick resolution (≤ 4 ms) — for
// intervals like "100 ms since the last liveness check" that are looked at per frame.
inline int64_t coarseMonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Deadline for a validated timeout (finite >= 0, or +Infinity).
inline int64_t deadlineAfterMs(double timeoutMs) {
  const int64_t now = monotonicNs();
  if (std::isinf(timeoutMs)) return kNever;
  const double ns = timeoutMs * double(kNsPerMs);
  if (ns >= double(kNever - now)) return kNever;
  return now + int64_t(ns);
}

}  // namespace zb
