#include "posix/pid.hpp"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

namespace zb {
namespace {

// A process that has exited but is not reaped yet (state Z, or X while it is being reaped): kill()
// still succeeds for it, but it will never touch the buffer again. A SIGKILLed peer whose parent
// is busy (e.g. blocked in readSync) stays a zombie for as long as that lasts. Any failure to read
// /proc leaves kill()'s verdict standing: a missing /proc must never make live peers look dead.
bool isZombie(pid_t pid) {
  char path[32];
  snprintf(path, sizeof path, "/proc/%d/stat", int(pid));
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[256];
  const ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return false;
  buf[n] = '\0';
  // "pid (comm) S ...": comm may itself contain ") ", so the state follows the last ')'.
  const char* end = strrchr(buf, ')');
  return end != nullptr && end[1] == ' ' && (end[2] == 'Z' || end[2] == 'X');
}

}  // namespace

bool pidLive(uint64_t v) {
  if (v == 0 || v > 2147483647ull) return false;
  if (kill(pid_t(v), 0) != 0 && errno == ESRCH) return false;
  // Alive, EPERM (another user's process) or any other error: live, unless it is a zombie.
  return !isZombie(pid_t(v));
}

bool pidLiveForReader(uint64_t v) { return pidLive(v) && v != selfPid(); }

uint64_t selfPid() { return uint64_t(getpid()); }

}  // namespace zb
