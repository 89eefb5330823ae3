// Harness-only helpers (never used by the library): flock probe and named-semaphore utilities.
#include <errno.h>
#include <fcntl.h>
#include <napi.h>
#include <semaphore.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>

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
  const std::string path = stringArg(info, 0, "path");
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Napi::String::New(info.Env(), "missing");
  const char* r = "free";
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) r = "held";
  } else {
    flock(fd, LOCK_UN);
  }
  close(fd);
  return Napi::String::New(info.Env(), r);
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

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("flockProbe", Napi::Function::New(env, FlockProbe, "flockProbe"));
  exports.Set("semaphoreValue", Napi::Function::New(env, SemaphoreValue, "semaphoreValue"));
  exports.Set("semaphoreUnlink", Napi::Function::New(env, SemaphoreUnlink, "semaphoreUnlink"));
  exports.Set("semaphoreCreate", Napi::Function::New(env, SemaphoreCreate, "semaphoreCreate"));
  return exports;
}

}  // namespace

NODE_API_MODULE(zerobuffer_test_support, Init)
