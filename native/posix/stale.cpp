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
#include "core/writer_core.hpp"
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

// What §13 step 4 finds at /<n>.
struct Segment {
  enum Kind { kMissing, kUnreadable, kSmall, kPresent } kind = kUnreadable;
  bool validOieb = false;  // kPresent: the checks a Writer makes at connection (§3.4)
  uint64_t readerPid = 0, writerPid = 0;
};

Segment probeSegment(const std::string& n) {
  Segment s;
  const int fd = shm_open(shmName(n).c_str(), O_RDONLY, 0);
  if (fd < 0) {
    if (errno == ENOENT) s.kind = Segment::kMissing;
    return s;
  }
  struct stat st;
  void* p = MAP_FAILED;
  if (fstat(fd, &st) == 0) {
    if (uint64_t(st.st_size) < kOiebSize) s.kind = Segment::kSmall;
    else p = mmap(nullptr, kOiebSize, PROT_READ, MAP_SHARED, fd, 0);  // the OIEB only, read-only
  }
  close(fd);
  if (p == MAP_FAILED) return s;
  const auto* base = static_cast<const uint8_t*>(p);
  s.kind = Segment::kPresent;
  try {
    WriterCore::validate(base, uint64_t(st.st_size));
    s.validOieb = true;
  } catch (const ZbError&) {
  }
  Oieb o(base);
  s.readerPid = o.load(off::kReaderPid);
  s.writerPid = o.load(off::kWriterPid);
  munmap(p, kOiebSize);
  return s;
}

// Neither a live Reader nor a live Writer is recorded. `holdingLock`: we hold <n>'s flock, so our
// own PID in reader_pid is a leftover (§8.1.3); as a writer_pid our own PID counts as live.
bool peersDead(const Segment& s, bool holdingLock) {
  const bool readerLive = holdingLock ? pidLiveForReader(s.readerPid) : pidLive(s.readerPid);
  return !readerLive && !pidLive(s.writerPid);
}

// §13 step 4, while holding <n>'s flock: removes <n>'s objects unless a live peer still uses them.
// Returns false when they stay (a live peer, or a segment we cannot read): the lock file must then
// stay too, because it is how a later scan finds these objects once the last peer has died.
// `onlyValidSegments` (an orphan found in /dev/shm, where no lock file says that <n> is a buffer):
// nothing but a segment with a valid OIEB, and its semaphores, is removed.
bool cleanupObjects(const std::string& n, bool onlyValidSegments, std::vector<std::string>* removed) {
  const Segment s = probeSegment(n);
  switch (s.kind) {
    case Segment::kMissing:
      if (onlyValidSegments) return true;
      semUnlinkRecorded(semNameData(n), removed);
      semUnlinkRecorded(semNameSpace(n), removed);
      return true;
    case Segment::kUnreadable:
      return false;
    case Segment::kSmall:
      if (!onlyValidSegments) unlinkAll(n, removed);
      return true;
    case Segment::kPresent:
      if (!peersDead(s, true)) return false;
      if (!onlyValidSegments || s.validOieb) unlinkAll(n, removed);
      return true;
  }
  return false;
}

// An orphan of <n> without a lock file: takes <n>'s lock as a Reader would (a fresh file, O_EXCL), so
// that no Reader can create fresh objects while we decide, then cleans up as in §13 step 4 and
// removes the lock file again. Nothing happens if a lock file exists: the scan decides on those.
void sweepUnlockedOrphan(int dir, const std::string& n, bool onlyValidSegments, std::vector<std::string>* removed) {
  const std::string file = n + ".lock";
  const int fd = openat(dir, file.c_str(), O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) return;
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) cleanupObjects(n, onlyValidSegments, removed);
  unlinkat(dir, file.c_str(), 0);
  close(fd);
}

// Valid buffer names of the entries of `path` ending in `suffix` (suffix removed). Never throws.
std::vector<std::string> namesIn(int dirfd, const char* path, const std::string& suffix) {
  std::vector<std::string> names;
  const int listFd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (listFd < 0) return names;
  DIR* d = fdopendir(listFd);  // takes the descriptor over
  if (d == nullptr) {
    close(listFd);
    return names;
  }
  while (dirent* e = readdir(d)) {
    const std::string f = e->d_name;
    if (f.size() <= suffix.size() || f.compare(f.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    std::string n = f.substr(0, f.size() - suffix.size());
    if (isValidNameBytes(n)) names.push_back(std::move(n));
  }
  closedir(d);
  return names;
}

// §13 steps 1–5 for the lock file of <n> in the lock directory `dir`.
void scanOne(int dir, const std::string& n, std::vector<std::string>* removed) {
  const std::string file = n + ".lock";
  const int fd = openForProbe(file, dir);  // step 1: never blocks, regular files only
  if (fd < 0) return;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return;
  }
  struct stat a, b;
  if (fstat(fd, &a) != 0 || fstatat(dir, file.c_str(), &b, AT_SYMLINK_NOFOLLOW) != 0 || a.st_dev != b.st_dev ||
      a.st_ino != b.st_ino) {
    close(fd);
    return;
  }
  const bool released = cleanupObjects(n, false, removed);  // step 4
  if (released && unlinkat(dir, file.c_str(), 0) == 0 && removed) removed->push_back(lockPath(n));  // step 5
  close(fd);
}

}  // namespace

void staleScan(int dir, const std::string* only, std::vector<std::string>* removed) {
  try {
    if (only != nullptr) {
      scanOne(dir, *only, removed);
      return;
    }
    for (const auto& n : namesIn(dir, ".", ".lock")) scanOne(dir, n, removed);
  } catch (...) {
    // §13 step 6: every error is swallowed.
  }
}

std::vector<std::string> cleanStaleResources(const std::string* name) {
  const LockDir dir;  // §13 step 7: the same check as Reader creation; throws for anything but a directory
  std::vector<std::string> removed;
  staleScan(dir.fd(), name, &removed);
  if (name != nullptr) {
    // Named: whatever is left of this buffer without a lock file.
    sweepUnlockedOrphan(dir.fd(), *name, false, &removed);
    return removed;
  }
  // Name-less: segments in /dev/shm that look orphaned (valid OIEB, no live peer) and have no lock
  // file, e.g. after an older scan removed it, or left by an implementation that does. Checked
  // without a lock first, so that no lock file is created for anything else in /dev/shm.
  for (const auto& n : namesIn(AT_FDCWD, "/dev/shm", "")) {
    const Segment s = probeSegment(n);
    if (s.kind == Segment::kPresent && s.validOieb && peersDead(s, false)) sweepUnlockedOrphan(dir.fd(), n, true, &removed);
  }
  return removed;
}

}  // namespace zb
