// Copying a payload into the ring: bytes that another CPU reads next (protocol.md §10.1, W5).
//
// glibc's memcpy picks its strategy by size for data the copying CPU uses itself. From
// `rep_movsb_stop_threshold` on (on AMD the L2 size, 1 MiB on the Zen 4 benchmark VM; on Intel
// the non-temporal threshold) it switches from `rep movsb` to a loop of vector stores, each of
// which first fetches its cache line for ownership. In the ring those lines were last read by the
// Reader on the other CPU, so every fetch crosses CPUs: a writer → reader pipeline of 1 MiB frames
// ran at 8–10 GB/s, one of 1 MiB − 64 B frames (still `rep movsb`) at 20–21 GB/s, and 1 MiB
// frames copied with `rep movsb` at 20–24 GB/s (docs/performance.md, "The 1 MiB cliff").
// `rep movsb` on a CPU with ERMS writes whole lines without fetching them, so large copies into the
// ring use it: below glibc's threshold that is what glibc does anyway, and with 32 MiB frames (a
// 128 MiB ring, memory-bound) it ran as fast as memcpy and non-temporal stores (9.2–9.7 GB/s).
// The same VM at other times (its two vCPUs placed elsewhere on the host, presumably sharing a
// cache) ran glibc's vector stores 5–8 % faster than `rep movsb` (1 MiB native pairs, 34–37 GB/s),
// while minutes later `rep movsb` was again twice as fast: it is kept wherever ERMS is.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace zb {

// From this size on, copies into the ring use `rep movsb` where the CPU has ERMS. glibc itself
// uses it from 2112 bytes up to its threshold (at least the L2 size).
inline constexpr size_t kRepMovsbMinBytes = 64 * 1024;

#if defined(__x86_64__)
// Enhanced REP MOVSB/STOSB: CPUID leaf 7, EBX bit 9.
inline bool cpuHasErms() {
  static const bool erms = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) != 0 && (b & (1u << 9)) != 0;
  }();
  return erms;
}
#endif

// memmove(dst, src, n) for a payload going into the ring.
inline void copyIntoRing(uint8_t* dst, const uint8_t* src, size_t n) {
#if defined(__x86_64__)
  // A forward copy needs disjoint ranges: overlapping ones (which no protocol path produces) take memmove.
  const uintptr_t d = reinterpret_cast<uintptr_t>(dst), s = reinterpret_cast<uintptr_t>(src);
  const bool disjoint = d + n <= s || s + n <= d;
  if (n >= kRepMovsbMinBytes && disjoint && cpuHasErms()) {
    asm volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
    return;
  }
#endif
  std::memmove(dst, src, n);
}

}  // namespace zb
