#include "posix/pid.hpp"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

namespace zb {

bool pidLive(uint64_t v) {
  if (v == 0 || v > 2147483647ull) return false;
  if (kill(pid_t(v), 0) == 0) return true;
  return errno != ESRCH;  // EPERM (another user's process) and anything else count as live
}

bool pidLiveForReader(uint64_t v) { return pidLive(v) && v != selfPid(); }

uint64_t selfPid() { return uint64_t(getpid()); }

}  // namespace zb
