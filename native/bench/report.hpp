// One JSON line on stdout per benchmark program run, read by bench/run.ts:
//   {"frames":N,"seconds":S,"errors":E,"cpuSeconds":C[,"latency":{"p50":ns,"p90":ns,"p99":ns,"max":ns,"n":count}]}
// frames/seconds: what the timed part moved (the reader times first frame → last frame);
// cpuSeconds: user + system time of the whole process (all threads) since `cpuStart`, taken
// once the endpoint was set up (so start-up costs are left out).
#pragma once
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace zb::bench {

inline int64_t percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[size_t(p * double(sorted.size() - 1) + 0.5)];
}

inline double cpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

inline void printResult(uint64_t frames, double seconds, uint64_t errors, double cpuStart, std::vector<int64_t> latency) {
  std::printf("{\"frames\":%llu,\"seconds\":%.9f,\"errors\":%llu,\"cpuSeconds\":%.6f", (unsigned long long)frames,
              seconds, (unsigned long long)errors, cpuSeconds() - cpuStart);
  if (!latency.empty()) {
    std::sort(latency.begin(), latency.end());
    std::printf(",\"latency\":{\"p50\":%lld,\"p90\":%lld,\"p99\":%lld,\"max\":%lld,\"n\":%zu}",
                (long long)percentile(latency, 0.5), (long long)percentile(latency, 0.9),
                (long long)percentile(latency, 0.99), (long long)latency.back(), latency.size());
  }
  std::printf("}\n");
  std::fflush(stdout);
}

}  // namespace zb::bench
