#include "posix/lockfile.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/errors.hpp"
#include "core/names.hpp"
#include "posix/clock.hpp"
#include "posix/os_error.hpp"

namespace zb {

std::string lockPath(const std::string& name) { return std::string(kLockDir) + "/" + name + ".lock"; }

LockDir::LockDir() {
  if (mkdir(kLockDir, 0777) == 0) {
    if (chmod(kLockDir, 01777) != 0) {
      const int err = errno;
      if (err != EPERM && err != EACCES) throw osError(err, "chmod", kLockDir);
    }
  } else if (errno != EEXIST) {
    throw osError(errno, "mkdir", kLockDir);
  }
  // O_NOFOLLOW | O_DIRECTORY: the directory itself or nothing (ELOOP for a symlink, ENOTDIR for a
  // file), checked and opened in one step.
  fd_ = open(kLockDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd_ < 0) {
    const int err = errno;
    if (err != ELOOP && err != ENOTDIR) throw osError(err, "open", kLockDir);
    ZbError e(code::kOsError, std::string("open ") + kLockDir + ": lock directory is not a directory (symlink or file)");
    e.errnoName = errnoName(err);
    e.syscall = "open";
    e.path = kLockDir;
    throw e;
  }
}

LockDir::~LockDir() { close(fd_); }

int acquireLock(const std::string& name) {
  const std::string path = lockPath(name);
  const int64_t start = monotonicNs();
  for (int round = 0;; ++round) {
    const int fd = open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (fd < 0) throw osError(errno, "open", path);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      close(fd);
      if (err != EWOULDBLOCK && err != EINTR) throw osError(err, "flock", path);
      if (monotonicNs() - start >= 100 * kNsPerMs) {
        throw ZbError(code::kReaderExists, "Reader already connected: buffer " + jsonQuoteUtf8(name) +
                                               " is owned by a live reader (lock " + path + " is held)");
      }
      timespec ts{0, 10 * kNsPerMs};
      nanosleep(&ts, nullptr);
      continue;
    }
    // §2.5.3: the file we locked must still be the one at the path.
    struct stat a, b;
    if (fstat(fd, &a) == 0 && stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) return fd;
    close(fd);
    if (round > 1000) throw osError(EAGAIN, "flock", path);
  }
}

void releaseLock(int fd, const std::string& name) {
  if (fd < 0) return;
  unlink(lockPath(name).c_str());
  close(fd);
}

}  // namespace zb
