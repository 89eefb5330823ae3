#include "posix/stale.hpp"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <semaphore.h>

#include "core/layout.hpp"
#include "core/names.hpp"
#include "posix/flock_probe.hpp"
#include "posix/lockfile.hpp"
#include "posix/pid.hpp"
#include "posix/semaphore.hpp"
#include "posix/shm.hpp"

namespace zb {
namespace {

void semUnlinkRecorded(const std::string& semName, std::vector<std::string>* removed) {
  if (sem_unlink(semName.c_str()) == 0 && removed) removed->push_back(semPath(semName));
}

void unlinkAll(const std::string& n, std::vector<std::string>* removed) {
  semUnlinkRecorded(semNameData(n), removed);
  semUnlinkRecorded(semNameSpace(n), removed);
  if (shm_unlink(shmName(n).c_str()) == 0 && removed) removed->push_back(shmPath(n));
}

// §13 step 4. `holdingLock`: we hold <n>'s flock, so our own PID in reader_pid is a leftover.
void cleanupObjects(const std::string& n, bool holdingLock, std::vector<std::string>* removed) {
  const int fd = shm_open(shmName(n).c_str(), O_RDONLY, 0);
  if (fd < 0) {
    if (errno == ENOENT) {
      semUnlinkRecorded(semNameData(n), removed);
      semUnlinkRecorded(semNameSpace(n), removed);
    }
    return;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return;
  }
  if (uint64_t(st.st_size) < kOiebSize) {
    close(fd);
    unlinkAll(n, removed);
    return;
  }
  void* p = mmap(nullptr, kOiebSize, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return;
  Oieb o(static_cast<const uint8_t*>(p));
  const uint64_t rpid = o.load(off::kReaderPid);
  const uint64_t wpid = o.load(off::kWriterPid);
  munmap(p, kOiebSize);
  const bool readerLive = holdingLock ? pidLiveForReader(rpid) : pidLive(rpid);
  const bool writerLive = wpid != 0 && pidLive(wpid);  // our own PID counts as live here
  if (!readerLive && !writerLive) unlinkAll(n, removed);
}

// §13 steps 1–5 for the lock file of <n> in the lock directory `dir`. Returns true if the lock was
// taken (owner dead).
bool scanOne(int dir, const std::string& n, std::vector<std::string>* removed) {
  const std::string file = n + ".lock";
  const int fd = openForProbe(file, dir);  // step 1: never blocks, regular files only
  if (fd < 0) return false;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return false;
  }
  struct stat a, b;
  if (fstat(fd, &a) != 0 || fstatat(dir, file.c_str(), &b, AT_SYMLINK_NOFOLLOW) != 0 || a.st_dev != b.st_dev ||
      a.st_ino != b.st_ino) {
    close(fd);
    return false;
  }
  cleanupObjects(n, true, removed);
  if (unlinkat(dir, file.c_str(), 0) == 0 && removed) removed->push_back(lockPath(n));
  close(fd);
  return true;
}

}  // namespace

void staleScan(int dir, const std::string* only, std::vector<std::string>* removed) {
  try {
    if (only != nullptr) {
      scanOne(dir, *only, removed);
      return;
    }
    // A descriptor of its own for reading the entries (fdopendir takes it over and closes it).
    const int listFd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (listFd < 0) return;
    DIR* d = fdopendir(listFd);
    if (d == nullptr) {
      close(listFd);
      return;
    }
    std::vector<std::string> names;
    while (dirent* e = readdir(d)) {
      std::string f = e->d_name;
      if (f.size() <= 5 || f.compare(f.size() - 5, 5, ".lock") != 0) continue;
      std::string n = f.substr(0, f.size() - 5);
      if (isValidNameBytes(n)) names.push_back(std::move(n));
    }
    closedir(d);
    for (const auto& n : names) scanOne(dir, n, removed);
  } catch (...) {
    // §13 step 6: every error is swallowed.
  }
}

std::vector<std::string> cleanStaleResources(const std::string* name) {
  const LockDir dir;  // §13 step 7: the same check as Reader creation; throws for anything but a directory
  std::vector<std::string> removed;
  staleScan(dir.fd(), name, &removed);
  if (name == nullptr) return removed;
  // Orphans of this name without a lock file: take the name's lock ourselves (as a Reader would)
  // so that no Reader can create fresh objects while we decide, then clean up as in §13 step 4.
  const std::string file = *name + ".lock";
  struct stat st;
  if (fstatat(dir.fd(), file.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return removed;  // a lock file exists: its owner is alive
  const int fd = openat(dir.fd(), file.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) return removed;  // someone else created it meanwhile
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
    cleanupObjects(*name, true, &removed);
  }
  unlinkat(dir.fd(), file.c_str(), 0);
  close(fd);
  return removed;
}

}  // namespace zb
