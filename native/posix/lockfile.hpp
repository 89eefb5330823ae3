// Lock directory and lock file (protocol.md §2.5).
#pragma once
#include <string>

namespace zb {

inline constexpr const char* kLockDir = "/tmp/zerobuffer";
std::string lockPath(const std::string& name);  // /tmp/zerobuffer/<name>.lock

// The lock directory (§2.5.1), created if missing (mkdir 0777, + chmod 01777 only if created), held
// open as a descriptor of the real directory: a symlink or anything else at the path throws
// ZB_OS_ERROR. Reader creation and every clean-up path start here (§13 step 7); the clean-up paths
// then work relative to fd(), so nothing outside the directory is ever touched, even if the path
// is swapped meanwhile.
class LockDir {
 public:
  LockDir();
  ~LockDir();
  LockDir(const LockDir&) = delete;
  LockDir& operator=(const LockDir&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// §2.5.2–2.5.4: returns the locked descriptor. Throws ZB_READER_EXISTS after 100 ms of
// EWOULDBLOCK, or a mapped OS error.
int acquireLock(const std::string& name);

// §2.8 step 6: unlink while still holding the flock, then close.
void releaseLock(int fd, const std::string& name);

}  // namespace zb
