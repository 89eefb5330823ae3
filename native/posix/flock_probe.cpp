#include "posix/flock_probe.hpp"

#include <errno.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace zb {

int openForProbe(const std::string& path, int dirfd) {
  const int fd = openat(dirfd, path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return -1;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return -1;
  }
  return fd;
}

const char* probeAndClose(int fd) {
  if (fd < 0) return "missing";
  const char* r = "free";
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) r = "held";
  } else {
    flock(fd, LOCK_UN);
  }
  close(fd);
  return r;
}

}  // namespace zb
