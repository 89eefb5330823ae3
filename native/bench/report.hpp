// One JSON line on stdout per benchmark program run, read by bench/run.ts:
//   {"frames":N,"seconds":S,"errors":E,"cpuSeconds":C[,"latency":{"p50":ns,"p90":ns,"p99":ns,"max":ns,"n":count}]}
// The first quarter of the frames is a warm-up and not measured: a JavaScript endpoint needs it
// (its code optimised, its heap grown; a TypeScript 1 KiB reader measured from its 30,000th frame
// read 1.2–1.7 M frames/s, from its 300,000th 2.0–2.2 M), and both kinds follow the same rule.
// frames/seconds/cpuSeconds cover the rest — for a reader from the
// first measured frame to the last, for a writer from writing it to the end — and the latency
// samples too. cpuSeconds is user + system time of the whole process (all threads).
#pragma once
#include <sys/resource.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace zb::bench {

// The frames before the measured part (at least one: a reader's clock starts at a frame).
inline uint64_t warmUpFrames(uint64_t frames) { return frames / 4 > 0 ? frames / 4 : 1; }

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
