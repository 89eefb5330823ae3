#include "posix/reader_session.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>

#include "core/mutant.hpp"
#include "core/names.hpp"
#include "posix/clock.hpp"
#include "posix/lockfile.hpp"
#include "posix/os_error.hpp"
#include "posix/pid.hpp"
#include "posix/semaphore.hpp"
#include "posix/stale.hpp"

namespace zb {
namespace {

ZbError readerExists(const std::string& name, const std::string& why) {
  return ZbError(code::kReaderExists, "Reader already connected to buffer " + jsonQuoteUtf8(name) + " (" + why +
                                          "; lock " + lockPath(name) + ")");
}

// §2.7 step 4 on EEXIST: is the existing object owned by a live Reader?
bool existingHasLiveReader(const std::string& name) {
  const int fd = shm_open(shmName(name).c_str(), O_RDONLY, 0);
  if (fd < 0) return false;  // vanished meanwhile (or unreadable): treat as orphan
  struct stat st;
  bool live = false;
  if (fstat(fd, &st) == 0 && uint64_t(st.st_size) >= kOiebSize) {
    void* p = mmap(nullptr, kOiebSize, PROT_READ, MAP_SHARED, fd, 0);
    if (p != MAP_FAILED) {
      Oieb o(static_cast<const uint8_t*>(p));
      if (o.oiebSize() == kOiebSize) live = pidLiveForReader(o.load(off::kReaderPid));
      munmap(p, kOiebSize);
    }
  }
  ::close(fd);
  return live;
}

}  // namespace

ReaderSession::ReaderSession(std::string name, int shmFd, int lockFd, std::shared_ptr<Mapping> mapping, sem_t* semW,
                             sem_t* semR, uint64_t M, uint64_t P)
    : SessionBase("Reader", off::kWriterPid, std::move(name), shmFd, std::move(mapping), semW, semR, kOiebSize + M + P),
      lockFd_(lockFd),
      core_(mapping_->base(), M, P, name_) {}

std::shared_ptr<ReaderSession> ReaderSession::create(const std::string& name, uint64_t metadataSize,
                                                     uint64_t payloadSize, std::optional<mode_t> permissions) {
  const uint64_t M = align64(metadataSize);
  const uint64_t P = align64(payloadSize);
  const uint64_t total = kOiebSize + M + P;

  staleScan(LockDir().fd(), nullptr, nullptr);  // step 2
  const int lockFd = acquireLock(name);         // step 3

  int shmFd = -1;
  bool shmCreated = false;
  std::shared_ptr<Mapping> mapping;
  sem_t* semW = nullptr;
  sem_t* semR = nullptr;
  const std::string shmN = shmName(name);
  const std::string wN = semNameData(name);
  const std::string rN = semNameSpace(name);
  try {
    // Step 4.
    for (int attempt = 0;; ++attempt) {
      shmFd = shm_open(shmN.c_str(), O_CREAT | O_EXCL | O_RDWR, 0666);
      if (shmFd >= 0) break;
      const int err = errno;
      if (err != EEXIST) throw osError(err, "shm_open", shmPath(name), total);
      if (attempt > 0) throw readerExists(name, "shared memory object was re-created concurrently");
      if (existingHasLiveReader(name)) throw readerExists(name, "a live reader PID is stored in its OIEB");
      shm_unlink(shmN.c_str());  // orphan
      sem_unlink(wN.c_str());
      sem_unlink(rN.c_str());
    }
    shmCreated = true;
    // Step 5 — never touch pages before posix_fallocate succeeded (§14.4).
    if (ftruncate(shmFd, off_t(total)) != 0) throw osError(errno, "ftruncate", shmPath(name), total);
    const int fe = posix_fallocate(shmFd, 0, off_t(total));
    if (fe != 0) throw osError(fe, "posix_fallocate", shmPath(name), total);
    mapping = mapShared(shmFd, size_t(total), true, shmPath(name));
    // Step 6.
    semW = semCreateFresh(wN, name);
    semR = semCreateFresh(rN, name);
    if (permissions) {
      const mode_t m = *permissions;
      if (fchmod(shmFd, m) != 0) throw osError(errno, "fchmod", shmPath(name));
      if (fchmod(lockFd, m) != 0) throw osError(errno, "fchmod", lockPath(name));
      if (chmod(semPath(wN).c_str(), m) != 0) throw osError(errno, "chmod", semPath(wN));
      if (chmod(semPath(rN).c_str(), m) != 0) throw osError(errno, "chmod", semPath(rN));
    }
    // Step 7.
    publishFreshOieb(mapping->base(), M, P, selfPid());
  } catch (...) {
    // Undo exactly what we created, in reverse order, then release the lock (§2.8 steps 5–6).
    if (semR != nullptr) {
      sem_close(semR);
      sem_unlink(rN.c_str());
    }
    if (semW != nullptr) {
      sem_close(semW);
      sem_unlink(wN.c_str());
    }
    mapping.reset();
    if (shmFd >= 0) ::close(shmFd);
    if (shmCreated) shm_unlink(shmN.c_str());
    releaseLock(lockFd, name);
    throw;
  }
  // Step 8: ReaderCore starts with rp = 0, readCount = 0, expected = 1, empty queue.
  return std::shared_ptr<ReaderSession>(new ReaderSession(name, shmFd, lockFd, std::move(mapping), semW, semR, M, P));
}

ReaderSession::~ReaderSession() { close(); }

void ReaderSession::checkWaitable() {
  std::lock_guard<std::mutex> g(mu_);
  if (closing_) throw closedErr();
  core_.throwIfPoisoned();
}

void ReaderSession::checkAfterSlice() {
  if (closing_) throw closedErr();
  checkSegmentSize();
  std::lock_guard<std::mutex> g(mu_);
  core_.checkWriterAfterSlice(pidLive);
}

bool ReaderSession::awaitFrame(double timeoutMs, bool poll) {
  checkWaitable();
  const auto afterSlice = [&] { checkAfterSlice(); };
  if (timeoutMs == 0) {
    if (semTryWait(semW_)) return true;
    afterSlice();
    return false;
  }
  const int64_t deadline = deadlineAfterMs(timeoutMs);
  if (poll && spin_.poll(limitNs(timeoutMs), [&] {
        if (closing_) throw closedErr();
        return semTryWait(semW_);
      })) {
    return true;
  }
  for (;;) {
    if (closing_) throw closedErr();
    if (semWaitUntil(semW_, deadline) == WaitResult::Posted) {
      checkSegmentSize();  // the segment may have been truncated while we waited
      return true;
    }
    afterSlice();
    if (monotonicNs() >= deadline) return false;
  }
}

ReadFrame ReaderSession::consumeReady() {
  std::lock_guard<std::mutex> g(mu_);
  if (closing_) throw closedErr();  // R2
  return core_.consume();
}

void ReaderSession::returnReady() {
  if (!closing_) semPostOnce(semW_);
}

std::optional<ReadFrame> ReaderSession::tryReadNow() {
  std::lock_guard<std::mutex> g(mu_);  // one lock for R1, the post and R2–R13: this runs per frame
  return tryReadLocked();
}

std::optional<ReadFrame> ReaderSession::tryReadLocked() {
  if (closing_) throw closedErr();
  core_.throwIfPoisoned();
  if (!semTryWait(semW_)) return std::nullopt;
  return core_.consume();
}

void ReaderSession::release(const uint64_t* tokens, size_t n) {
  uint64_t posts;
  {
    std::lock_guard<std::mutex> g(mu_);
    posts = releaseLocked(tokens, n);
  }
  postSpace(posts);
}

uint64_t ReaderSession::releaseLocked(const uint64_t* tokens, size_t n) {
  if (n == 0 || closing_ || closed_ || truncated()) return 0;
  return core_.release(tokens, n);
}

// A release call's posts: one per frame freed (§6.7 step 4), whether by release() or by a batch.
void ReaderSession::postSpace(uint64_t posts) {
  if constexpr (ZB_MUTANT(LOST_WAKEUP)) {
    // MUTANT lost-wakeup: one post per release call instead of one per freed frame (§6.7 step 4):
    // a release that frees two or more frames at once leaves sem-r short by all but one.
    if (posts > 0) semPostOnce(semR_);
    return;
  }
  for (uint64_t i = 0; i < posts; ++i) semPostOnce(semR_);
}

bool ReaderSession::isReleased(uint64_t token) {
  std::lock_guard<std::mutex> g(mu_);
  if (closing_ || closed_) return true;
  return core_.isReleased(token);
}

std::vector<uint8_t> ReaderSession::metadata() {
  if (closing_) throw closedErr();
  checkSegmentSize();
  std::lock_guard<std::mutex> g(mu_);
  return core_.metadata();
}

void ReaderSession::wakeOwnOp() {
  // Our own in-flight read waits on sem-w, which this Reader owns and is about to unlink.
  semPostOnce(semW_);
}

void ReaderSession::teardown() {
  core_.discardQueue();                              // step 2 (no posts)
  if (segmentIntact()) Oieb(mapping_->base()).store(off::kReaderPid, 0);  // step 3
  shm_unlink(shmName(name_).c_str());                // step 4 (ENOENT ignored)
  sem_unlink(semNameData(name_).c_str());
  sem_unlink(semNameSpace(name_).c_str());
  closeHandles();                                    // step 5
  releaseLock(lockFd_, name_);                       // step 6
  lockFd_ = -1;
}

}  // namespace zb
