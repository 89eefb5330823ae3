// The C anchors of the benchmark table: a named-semaphore ping-pong between two processes (the
// one-way wake-up latency floor), memcpy bandwidth for a frame size, and a copy → memcmp pipeline
// between two processes, filling with the ring copy as the zero-copy pairs do (the zero-copy
// path's floor on this machine's CPUs).
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench/frames.hpp"
#include "bench/pattern.hpp"
#include "bench/report.hpp"
#include "posix/clock.hpp"
#include "posix/ring_copy.hpp"
#include "posix/spin.hpp"

namespace zb::bench {
namespace {

void sleepUs(uint64_t us) {
  timespec ts{time_t(us / 1000000), long(us % 1000000) * 1000};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

sem_t* openFresh(const std::string& name) {
  sem_t* s = sem_open(name.c_str(), O_CREAT | O_EXCL, 0600, 0);
  if (s == SEM_FAILED) std::perror(("sem_open " + name).c_str());
  sem_unlink(name.c_str());  // both processes hold it open from here on; nothing is left behind
  return s == SEM_FAILED ? nullptr : s;
}

void waitPost(sem_t* s) {
  while (sem_wait(s) != 0) {
  }
}

struct Shared {
  int64_t stamp[2];  // [0] parent → child, [1] child → parent
};

// Spins until `ready` holds; false once `deadline` passed (the other process is gone or stuck).
template <typename F>
bool spinUntil(F&& ready, int64_t deadline) {
  for (uint32_t i = 1;; ++i) {
    if (ready()) return true;
    cpuRelax();
    if (i % 4096 == 0 && monotonicNs() >= deadline) return false;
  }
}

struct PipelineShared {
  alignas(64) uint64_t written;  // frames the writer has filled
  alignas(64) uint64_t read;     // frames the reader has verified
  alignas(64) double seconds;    // the reader's measured part
  uint64_t errors;
};

}  // namespace

int runPingPong(uint64_t samples, uint64_t intervalUs) {
  const std::string base = "/zbbench-pp-" + std::to_string(getpid());
  sem_t* ping = openFresh(base + "-a");
  sem_t* pong = openFresh(base + "-b");
  if (ping == nullptr || pong == nullptr) return 1;
  const uint64_t turns = (samples + 1) / 2;
  // Stamps and the child's samples live in shared anonymous memory.
  const size_t bytes = sizeof(Shared) + turns * sizeof(int64_t);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return 1;
  auto* shared = static_cast<Shared*>(mem);
  auto* childSamples = reinterpret_cast<int64_t*>(shared + 1);
  const pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {
    for (uint64_t i = 0; i < turns; ++i) {
      waitPost(ping);
      childSamples[i] = monotonicNs() - __atomic_load_n(&shared->stamp[0], __ATOMIC_ACQUIRE);
      if (intervalUs > 0) sleepUs(intervalUs);
      __atomic_store_n(&shared->stamp[1], monotonicNs(), __ATOMIC_RELEASE);
      sem_post(pong);
    }
    _exit(0);
  }
  std::vector<int64_t> latency;
  latency.reserve(2 * turns);
  for (uint64_t i = 0; i < turns; ++i) {
    if (intervalUs > 0) sleepUs(intervalUs);
    __atomic_store_n(&shared->stamp[0], monotonicNs(), __ATOMIC_RELEASE);
    sem_post(ping);
    waitPost(pong);
    latency.push_back(monotonicNs() - __atomic_load_n(&shared->stamp[1], __ATOMIC_ACQUIRE));
  }
  int status = 0;
  waitpid(child, &status, 0);
  latency.insert(latency.end(), childSamples, childSamples + turns);
  printResult(latency.size(), 0, WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1, 0, std::move(latency));
  munmap(mem, bytes);
  sem_close(ping);
  sem_close(pong);
  return 0;
}

int runMemcpy(uint64_t size, uint64_t ringBytes, double seconds) {
  const uint64_t slots = ringBytes / size > 0 ? ringBytes / size : 1;
  std::vector<uint8_t> src(slots * size, 0x5a), dst(slots * size, 0);  // both touched before timing
  uint64_t copies = 0;
  const double cpuStart = cpuSeconds();  // the buffers are already touched: no warm-up needed
  const int64_t start = monotonicNs();
  const int64_t end = start + int64_t(seconds * 1e9);
  int64_t now = start;
  while (now < end) {
    for (uint64_t i = 0; i < slots; ++i) std::memcpy(dst.data() + i * size, src.data() + i * size, size_t(size));
    copies += slots;
    asm volatile("" : : "r"(dst.data()) : "memory");  // the copies are observable
    now = monotonicNs();
  }
  printResult(copies, double(now - start) / 1e9, 0, cpuStart, {});
  return 0;
}

int runPipeline(uint64_t size, uint64_t ringBytes, uint64_t frames) {
  const uint64_t slots = ringBytes / size > 0 ? ringBytes / size : 1;
  const size_t bytes = sizeof(PipelineShared) + size_t(slots * size);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return 1;
  std::memset(mem, 0, bytes);  // touched before timing, as the ring is
  auto* shared = static_cast<PipelineShared*>(mem);
  uint8_t* ring = static_cast<uint8_t*>(mem) + sizeof(PipelineShared);
  const Pattern pattern(size);
  const uint64_t warm = warmUpFrames(frames);
  const int64_t deadline = monotonicNs() + int64_t(60) * 1000 * kNsPerMs;
  const pid_t child = fork();
  if (child < 0) return 1;
  if (child == 0) {  // the reader: verifies each frame in place, then frees its slot
    int64_t first = 0;
    for (uint64_t k = 0; k < frames; ++k) {
      if (!spinUntil([&] { return __atomic_load_n(&shared->written, __ATOMIC_ACQUIRE) > k; }, deadline)) _exit(1);
      if (k == warm) first = monotonicNs();
      if (!pattern.matches(ring + (k % slots) * size, k, 0)) shared->errors++;
      __atomic_store_n(&shared->read, k + 1, __ATOMIC_RELEASE);
    }
    shared->seconds = double(monotonicNs() - first) / 1e9;
    _exit(0);
  }
  bool stuck = false;
  double cpuStart = 0;
  for (uint64_t k = 0; k < frames; ++k) {  // the writer: fills a free slot, publishes it
    if (k == warm) cpuStart = cpuSeconds();
    stuck = !spinUntil([&] { return k - __atomic_load_n(&shared->read, __ATOMIC_ACQUIRE) < slots; }, deadline);
    if (stuck) break;
    copyIntoRing(ring + (k % slots) * size, pattern.frame(k), size_t(size));  // as the pairs fill
    __atomic_store_n(&shared->written, k + 1, __ATOMIC_RELEASE);
  }
  if (stuck) kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  const bool ok = !stuck && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  // The reader's frames and time, as a pair reports them; the CPU time is the writer's.
  const uint64_t errors = ok ? shared->errors : 1;
  const double seconds = shared->seconds;
  munmap(mem, bytes);
  printResult(frames - 1 - warm, seconds, errors, cpuStart, {});
  return errors == 0 ? 0 : 1;
}

}  // namespace zb::bench
