#include "posix/semaphore.hpp"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>

#include "core/errors.hpp"
#include "core/names.hpp"
#include "posix/clock.hpp"
#include "posix/os_error.hpp"

namespace zb {
namespace {

using ClockWaitFn = int (*)(sem_t*, clockid_t, const struct timespec*);

// Resolved once (thread-safe static initialisation, immutable afterwards; §8.2.1, §15.5).
ClockWaitFn clockWait() {
  static const ClockWaitFn fn = reinterpret_cast<ClockWaitFn>(dlsym(RTLD_DEFAULT, "sem_clockwait"));
  return fn;
}

timespec toTimespec(int64_t ns) {
  timespec ts;
  ts.tv_sec = time_t(ns / 1000000000);
  ts.tv_nsec = long(ns % 1000000000);
  return ts;
}

}  // namespace

std::string semNameData(const std::string& name) { return "/sem-w-" + name; }
std::string semNameSpace(const std::string& name) { return "/sem-r-" + name; }
std::string semPath(const std::string& semName) { return "/dev/shm/sem." + semName.substr(1); }

sem_t* semCreateFresh(const std::string& semName, const std::string& bufferName) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    sem_t* s = sem_open(semName.c_str(), O_CREAT | O_EXCL, 0666, 0);
    if (s != SEM_FAILED) return s;
    const int err = errno;
    if (err != EEXIST) throw osError(err, "sem_open", semPath(semName));
    if (attempt == 0) sem_unlink(semName.c_str());  // never reuse a stale semaphore
  }
  throw ZbError(code::kReaderExists, "Reader already exists for buffer " + jsonQuoteUtf8(bufferName) +
                                         ": semaphore " + semName + " was re-created concurrently (lock /tmp/zerobuffer/" +
                                         bufferName + ".lock)");
}

sem_t* semOpenExisting(const std::string& semName) {
  sem_t* s = sem_open(semName.c_str(), 0);
  return s == SEM_FAILED ? nullptr : s;
}

void semPostOnce(sem_t* sem) {
  if (sem == nullptr) return;
  sem_post(sem);  // EOVERFLOW (SEM_VALUE_MAX reached) counts as success; nothing else is actionable
}

WaitResult semWaitUntil(sem_t* sem, int64_t deadlineNs) {
  const int64_t now = monotonicNs();
  int64_t sliceEnd = deadlineNs;
  if (deadlineNs - now > kSliceNs || deadlineNs == kNever) sliceEnd = now + kSliceNs;
  if (sliceEnd <= now) {
    return semTryWait(sem) ? WaitResult::Posted : WaitResult::TimedOut;
  }
  const ClockWaitFn cw = clockWait();
  for (;;) {
    int rc;
    if (cw != nullptr) {
      const timespec ts = toTimespec(sliceEnd);
      rc = cw(sem, CLOCK_MONOTONIC, &ts);
    } else {
      // glibc < 2.30: realtime deadline computed immediately before the slice.
      timespec rt;
      clock_gettime(CLOCK_REALTIME, &rt);
      int64_t remaining = sliceEnd - monotonicNs();
      if (remaining < 0) remaining = 0;
      const timespec ts = toTimespec(int64_t(rt.tv_sec) * 1000000000 + rt.tv_nsec + remaining);
      rc = sem_timedwait(sem, &ts);
    }
    if (rc == 0) return WaitResult::Posted;
    const int err = errno;
    if (err == EINTR) continue;
    if (err == ETIMEDOUT) return WaitResult::TimedOut;
    throw osError(err, "sem_clockwait", "");
  }
}

bool semTryWait(sem_t* sem) {
  for (;;) {
    if (sem_trywait(sem) == 0) return true;
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN) return false;
    throw osError(err, "sem_trywait", "");
  }
}

int semValue(sem_t* sem) {
  int v = 0;
  if (sem_getvalue(sem, &v) != 0) return -1;
  return v;
}

}  // namespace zb
