#include "posix/flock_probe.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace zb {

int openForProbe(const std::string& path) { return open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW); }

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
