#include "posix/inspect.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posix/flock_probe.hpp"
#include "posix/lockfile.hpp"
#include "posix/os_error.hpp"
#include "posix/pid.hpp"
#include "posix/semaphore.hpp"
#include "posix/shm.hpp"

namespace zb {

std::optional<int> semaphoreProbe(const std::string& semName) {
  sem_t* s = semOpenExisting(semName);
  if (s == nullptr) return std::nullopt;
  const int v = semValue(s);
  sem_close(s);
  if (v < 0) return std::nullopt;
  return v;
}

Inspection inspectBuffer(const std::string& name) {
  Inspection r;
  const int fd = shm_open(shmName(name).c_str(), O_RDONLY, 0);
  if (fd < 0) {
    if (errno != ENOENT) throw osError(errno, "shm_open", shmPath(name));
  } else {
    r.exists = true;
    struct stat st;
    if (fstat(fd, &st) != 0) {
      const int err = errno;
      close(fd);
      throw osError(err, "fstat", shmPath(name));
    }
    r.segmentSize = uint64_t(st.st_size);
    if (r.segmentSize >= kOiebSize) {
      void* p = mmap(nullptr, kOiebSize, PROT_READ, MAP_SHARED, fd, 0);
      if (p != MAP_FAILED) {
        r.oieb = loadOiebValues(static_cast<const uint8_t*>(p));
        munmap(p, kOiebSize);
        r.readerAlive = pidLive(r.oieb->readerPid);
        r.writerAlive = pidLive(r.oieb->writerPid);
      }
    }
    close(fd);
  }
  r.semData = semaphoreProbe(semNameData(name));
  r.semSpace = semaphoreProbe(semNameSpace(name));
  const std::string probe = flockProbe(lockPath(name));
  r.lockExists = probe != std::string("missing");
  r.lockHeld = probe == std::string("held");
  return r;
}

}  // namespace zb
