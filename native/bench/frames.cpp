// The native-only endpoints: a Reader and a Writer built from native/core and native/posix alone
// (no N-API, no JS), moving the benchmark's frames through the same protocol code as the addon —
// the implementation's own ceiling.
//
// Paths: `zerocopy` fills the frame in place (acquire → fill with the ring copy, as
// WritableFrame.set does → commit) and verifies it in place before release; `copy` writes from a
// source buffer (write) and copies the frame out before release, verifying the copy. Every byte is
// verified by the reader. Both read the way the addon does: a blocking read (which polls briefly
// before it sleeps), then every frame that is ready, released together (ReaderSession::drain).
#include "bench/frames.hpp"

#include <time.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "bench/pattern.hpp"
#include "bench/report.hpp"
#include "posix/clock.hpp"
#include "posix/reader_session.hpp"
#include "posix/ring_copy.hpp"
#include "posix/writer_session.hpp"

namespace zb::bench {
namespace {

constexpr double kWaitMs = 30000;
constexpr size_t kBatch = 256;  // frames per drain, as the addon's default

void sleepUs(uint64_t us) {
  timespec ts{time_t(us / 1000000), long(us % 1000000) * 1000};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

}  // namespace

int runReader(const FrameArgs& a) {
  auto session = ReaderSession::create(a.name, 0, a.ringBytes, std::nullopt);
  std::printf("ready\n");
  std::fflush(stdout);
  const Pattern pattern(a.size);
  const uint64_t from = a.latency ? kStampBytes : 0;
  const uint64_t warm = warmUpFrames(a.frames);
  std::vector<uint8_t> copy(a.zeroCopy ? 0 : a.size);
  std::vector<int64_t> latency;
  latency.reserve(a.latency ? a.frames : 0);
  uint64_t errors = 0;
  uint64_t k = 0;
  int64_t first = 0, last = 0;
  double cpuStart = 0;
  // What the addon does per wake-up: take every ready frame, release them together.
  const auto take = [&](const ReadFrame& f) {
    const uint8_t* data = session->ring() + f.dataOffset;
    if (k >= warm && (a.latency || k == warm || k + 1 == a.frames)) {  // the clock is read where needed
      last = monotonicNs();
      if (k == warm) {
        first = last;
        cpuStart = cpuSeconds();
      }
      if (a.latency) latency.push_back(last - getStamp(data));
    }
    if (!a.zeroCopy) {
      std::memcpy(copy.data(), data, size_t(f.size));
      data = copy.data();
    }
    if (f.size != a.size || !pattern.matches(data, k, from)) {
      if (errors++ == 0) std::fprintf(stderr, "zb_bench reader: frame %llu does not match\n", (unsigned long long)k);
    }
    return ++k == a.frames ? ReaderSession::Take::ReleaseAndStop : ReaderSession::Take::Release;
  };
  while (k < a.frames) {
    const std::optional<ReadFrame> f = session->read(kWaitMs);
    if (!f) {
      std::fprintf(stderr, "zb_bench reader: no frame %llu within %.0f ms\n", (unsigned long long)k, kWaitMs);
      return 1;
    }
    session->drain(*f, kBatch, take);
  }
  printResult(a.frames - 1 - warm, double(last - first) / 1e9, errors, cpuStart, std::move(latency));
  session->close();
  return errors == 0 ? 0 : 1;
}

int runWriter(const FrameArgs& a) {
  auto session = WriterSession::connect(a.name);
  const Pattern pattern(a.size);
  const uint64_t warm = warmUpFrames(a.frames);
  std::vector<uint8_t> stamped(a.latency && !a.zeroCopy ? a.size : 0);
  int64_t start = 0;
  double cpuStart = 0;
  for (uint64_t k = 0; k < a.frames; ++k) {
    if (k == warm) {
      start = monotonicNs();
      cpuStart = cpuSeconds();
    }
    if (a.intervalUs > 0) sleepUs(a.intervalUs);
    const int64_t deadline = deadlineAfterMs(kWaitMs);
    if (a.zeroCopy) {
      const PlannedFrame& f = session->acquire(a.size, deadline);
      copyIntoRing(f.data, pattern.frame(k), size_t(a.size));  // as WritableFrame.set
      if (a.latency) putStamp(f.data, monotonicNs());  // right before the commit
      session->commit();
    } else if (a.latency) {  // stamped right before write() copies it, as the TypeScript writer does
      std::memcpy(stamped.data(), pattern.frame(k), size_t(a.size));
      putStamp(stamped.data(), monotonicNs());
      session->write(stamped.data(), a.size, deadline);
    } else {
      session->write(pattern.frame(k), a.size, deadline);
    }
  }
  printResult(a.frames - warm, double(monotonicNs() - start) / 1e9, 0, cpuStart, {});
  session->close();
  return 0;
}

}  // namespace zb::bench
