// Harness-only helpers (never used by the library): flock probe and hold, named-semaphore utilities.
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <napi.h>
#include <semaphore.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>

#include "posix/flock_probe.hpp"

namespace {

Napi::Error osErr(Napi::Env env, int err, const char* syscall, const std::string& arg) {
  Napi::Error e = Napi::Error::New(env, std::string(syscall) + "(" + arg + ") failed: " + strerror(err));
  const char* n = strerrorname_np(err);
  e.Value().Set("errno", Napi::String::New(env, n ? n : std::to_string(err)));
  e.Value().Set("syscall", Napi::String::New(env, syscall));
  e.Value().Set("code", Napi::String::New(env, n ? n : "EUNKNOWN"));
  return e;
}

std::string stringArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (!info[i].IsString()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

Napi::Value FlockProbe(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), zb::flockProbe(stringArg(info, 0, "path")));
}

Napi::Value SemaphoreValue(const Napi::CallbackInfo& info) {
  const std::string name = stringArg(info, 0, "semName");
  sem_t* s = sem_open(name.c_str(), 0);
  if (s == SEM_FAILED) {
    if (errno == ENOENT) return info.Env().Null();
    throw osErr(info.Env(), errno, "sem_open", name);
  }
  int v = 0;
  const int rc = sem_getvalue(s, &v);
  const int err = errno;
  sem_close(s);
  if (rc != 0) throw osErr(info.Env(), err, "sem_getvalue", name);
  return Napi::Number::New(info.Env(), v);
}

Napi::Value SemaphoreUnlink(const Napi::CallbackInfo& info) {
  const std::string name = stringArg(info, 0, "semName");
  return Napi::Boolean::New(info.Env(), sem_unlink(name.c_str()) == 0);
}

Napi::Value SemaphoreCreate(const Napi::CallbackInfo& info) {
  const std::string name = stringArg(info, 0, "semName");
  if (!info[1].IsNumber()) throw Napi::TypeError::New(info.Env(), "value must be a number");
  const int64_t value = info[1].As<Napi::Number>().Int64Value();
  if (value < 0 || value > SEM_VALUE_MAX) throw Napi::RangeError::New(info.Env(), "value out of range");
  sem_t* s = sem_open(name.c_str(), O_CREAT | O_EXCL, 0666, unsigned(value));
  if (s == SEM_FAILED) throw osErr(info.Env(), errno, "sem_open", name);
  sem_close(s);
  return info.Env().Undefined();
}

// Duplicates another process's descriptor of `path` into this process with pidfd_getfd(2). The
// copy shares the open file description, and with it any flock the owner holds: the lock then
// survives the owner's death for as long as this process keeps the descriptor open.
Napi::Value ShareLockFd(const Napi::CallbackInfo& info) {
  if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "pid must be a number");
  const int pid = info[0].As<Napi::Number>().Int32Value();
  const std::string path = stringArg(info, 1, "path");
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) throw osErr(info.Env(), errno, "opendir", dir);
  int target = -1;
  while (dirent* e = readdir(d)) {
    char buf[PATH_MAX];
    const std::string link = dir + "/" + e->d_name;
    const ssize_t n = readlink(link.c_str(), buf, sizeof buf - 1);
    if (n <= 0) continue;
    buf[n] = 0;
    if (path == buf) {
      target = atoi(e->d_name);
      break;
    }
  }
  closedir(d);
  if (target < 0) throw osErr(info.Env(), ENOENT, "find descriptor", path + " in " + dir);
  // Raw syscalls: glibc 2.36's <sys/pidfd.h> lacks extern "C" guards for C++.
  const int pidfd = int(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) throw osErr(info.Env(), errno, "pidfd_open", std::to_string(pid));
  const int fd = int(syscall(SYS_pidfd_getfd, pidfd, target, 0));  // the new descriptor is close-on-exec
  const int err = errno;
  close(pidfd);
  if (fd < 0) throw osErr(info.Env(), err, "pidfd_getfd", std::to_string(pid) + ":" + std::to_string(target));
  return Napi::Number::New(info.Env(), fd);
}

// The non-blocking flock probe of `path` for a caller that holds the lock through `guardFd` (a
// descriptor from shareLockFd): the probe descriptor is opened first, then the guard's lock is
// dropped and the probe's flock follows in the next syscall, so no other process can slip in
// between. Closes guardFd. Returns the same values as flockProbe.
Napi::Value ProbeReleasingGuard(const Napi::CallbackInfo& info) {
  if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "guardFd must be a number");
  const int guardFd = info[0].As<Napi::Number>().Int32Value();
  const std::string path = stringArg(info, 1, "path");
  const int fd = zb::openForProbe(path);
  flock(guardFd, LOCK_UN);
  const char* r = zb::probeAndClose(fd);
  close(guardFd);
  return Napi::String::New(info.Env(), r);
}

// Takes a BSD flock (LOCK_EX | LOCK_NB) on `path` through a new descriptor and returns it: the
// lock lasts until the descriptor (or the last duplicate of it) is closed. Used to guard a lock
// file the harness plants, so that no other process's stale scan (protocol.md §13) takes it.
Napi::Value FlockHold(const Napi::CallbackInfo& info) {
  const std::string path = stringArg(info, 0, "path");
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) throw osErr(info.Env(), errno, "open", path);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    close(fd);
    throw osErr(info.Env(), err, "flock", path);
  }
  return Napi::Number::New(info.Env(), fd);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("probeReleasingGuard", Napi::Function::New(env, ProbeReleasingGuard, "probeReleasingGuard"));
  exports.Set("shareLockFd", Napi::Function::New(env, ShareLockFd, "shareLockFd"));
  exports.Set("flockHold", Napi::Function::New(env, FlockHold, "flockHold"));
  exports.Set("flockProbe", Napi::Function::New(env, FlockProbe, "flockProbe"));
  exports.Set("semaphoreValue", Napi::Function::New(env, SemaphoreValue, "semaphoreValue"));
  exports.Set("semaphoreUnlink", Napi::Function::New(env, SemaphoreUnlink, "semaphoreUnlink"));
  exports.Set("semaphoreCreate", Napi::Function::New(env, SemaphoreCreate, "semaphoreCreate"));
  return exports;
}

}  // namespace

NODE_API_MODULE(zerobuffer_test_support, Init)
