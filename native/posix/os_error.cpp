#include "posix/os_error.hpp"

#include <errno.h>
#include <string.h>

namespace zb {

std::string errnoName(int err) {
  const char* n = strerrorname_np(err);
  if (n != nullptr) return n;
  std::string s = "E";
  s += std::to_string(err);
  return s;
}

ZbError osError(int err, const std::string& syscall, const std::string& path, uint64_t bytes) {
  const std::string text = strerrordesc_np(err) != nullptr ? strerrordesc_np(err) : ("errno " + std::to_string(err));
  const std::string where = path.empty() ? syscall : syscall + " " + path;
  ZbError e;
  switch (err) {
    case ENOSPC:
    case ENOMEM:
    case EFBIG:
      e.code = code::kNoSpace;
      e.message = "No space in /dev/shm: " + where + " failed for " + std::to_string(bytes) + " bytes: " + text;
      break;
    case EACCES:
    case EPERM:
      e.code = code::kPermissionDenied;
      e.message = "Permission denied: " + where + " (" + text + ")";
      break;
    case EMFILE:
    case ENFILE:
      e.code = code::kResourceLimit;
      e.message = "Resource limit reached: " + where + " failed: " + text;
      break;
    default:
      e.code = code::kOsError;
      e.message = where + " failed: " + text;
      break;
  }
  e.errnoName = errnoName(err);
  e.syscall = syscall;
  e.path = path;
  return e;
}

}  // namespace zb
