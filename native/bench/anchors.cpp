// The C anchors of the benchmark table: a named-semaphore ping-pong between two processes (the
// one-way wake-up latency floor) and memcpy bandwidth for a frame size.
#include <fcntl.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench/frames.hpp"
#include "bench/report.hpp"
#include "posix/clock.hpp"

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

}  // namespace zb::bench
