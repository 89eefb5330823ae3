#include "posix/writer_session.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "core/names.hpp"
#include "posix/clock.hpp"
#include "posix/os_error.hpp"
#include "posix/pid.hpp"
#include "posix/ring_copy.hpp"
#include "posix/sem_waiter.hpp"
#include "posix/semaphore.hpp"

namespace zb {

WriterSession::WriterSession(std::string name, int fd, std::shared_ptr<Mapping> m, sem_t* w, sem_t* r,
                             const WriterGeometry& g)
    : SessionBase("Writer", off::kReaderPid, std::move(name), fd, std::move(m), w, r, kOiebSize + g.M + g.P),
      core_(mapping_->base(), g, name_),
      lastLivenessNs_(coarseMonotonicNs()) {}

std::shared_ptr<WriterSession> WriterSession::connect(const std::string& name) {
  const std::string q = jsonQuoteUtf8(name);
  // Step 2.
  const int fd = shm_open(shmName(name).c_str(), O_RDWR, 0);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) throw ZbError(code::kBufferNotFound, "Buffer not found: no shared memory found for buffer " + q);
    throw osError(err, "shm_open", shmPath(name));
  }
  std::shared_ptr<Mapping> mapping;
  sem_t* semW = nullptr;
  sem_t* semR = nullptr;
  bool claimed = false;
  const uint64_t me = selfPid();
  try {
    // Step 3 (+ step 4 before any page is touched).
    struct stat st;
    if (fstat(fd, &st) != 0) throw osError(errno, "fstat", shmPath(name));
    const uint64_t size = uint64_t(st.st_size);
    if (size < kOiebSize) {
      throw ZbError(code::kInvalidOieb, "Invalid OIEB: segment size " + std::to_string(size) +
                                            " is smaller than the 128-byte OIEB (buffer " + q + ")");
    }
    const int fe = posix_fallocate(fd, 0, off_t(size));
    if (fe == ENOSPC || fe == ENOMEM || fe == EFBIG) throw osError(fe, "posix_fallocate", shmPath(name), size);
    mapping = mapShared(fd, size_t(size), true, shmPath(name));
    const WriterGeometry g = WriterCore::validate(mapping->base(), size);
    // Step 5: semaphores before any OIEB write.
    semW = semOpenExisting(semNameData(name));
    if (semW == nullptr) {
      const int err = errno;
      if (err == ENOENT) throw ZbError(code::kBufferNotFound, "Buffer not found: semaphore not found: " + semNameData(name) + " for buffer " + q);
      throw osError(err, "sem_open", semPath(semNameData(name)));
    }
    semR = semOpenExisting(semNameSpace(name));
    if (semR == nullptr) {
      const int err = errno;
      if (err == ENOENT) throw ZbError(code::kBufferNotFound, "Buffer not found: semaphore not found: " + semNameSpace(name) + " for buffer " + q);
      throw osError(err, "sem_open", semPath(semNameSpace(name)));
    }
    // Step 6.
    Oieb o(mapping->base());
    const uint64_t rpid = o.load(off::kReaderPid);
    if (rpid == 0 || !pidLive(rpid)) {
      throw ZbError(code::kNoReader, "No active reader for buffer " + q + " (reader_pid " + std::to_string(rpid) + ")");
    }
    // Step 7: CAS claim.
    for (;;) {
      uint64_t old = o.load(off::kWriterPid);
      if (old != 0 && pidLive(old)) {
        throw ZbError(code::kWriterExists, "Another writer is already connected to buffer " + q + " (pid " +
                                               std::to_string(old) + ")");
      }
      if (o.cas(off::kWriterPid, old, me)) break;
    }
    claimed = true;
    // Step 8.
    auto s = std::shared_ptr<WriterSession>(new WriterSession(name, fd, mapping, semW, semR, g));
    s->core_.normaliseWritePos();
    return s;
  } catch (...) {
    if (claimed && mapping) {
      uint64_t expected = me;
      Oieb(mapping->base()).cas(off::kWriterPid, expected, 0);
    }
    if (semR != nullptr) sem_close(semR);
    if (semW != nullptr) sem_close(semW);
    mapping.reset();
    ::close(fd);
    throw;
  }
}

WriterSession::~WriterSession() { close(); }

// ---- frames ----

void WriterSession::checkCanWrite(const char* op) const {
  if (closing_) throw closedErr();
  if (pending_) {
    throw ZbError(code::kInvalidState,
                  std::string(op) + "() called while a zero-copy frame is acquired (commit or abort it first)");
  }
}

uint64_t WriterSession::write(const uint8_t* src, uint64_t size, int64_t deadlineNs, const char* op) {
  const PlannedFrame f = plan(size, op);
  awaitSpace(f, deadlineNs);
  return completeWrite(f, src);
}

const PlannedFrame& WriterSession::acquire(uint64_t size, int64_t deadlineNs, const char* op) {
  const PlannedFrame f = plan(size, op);
  awaitSpace(f, deadlineNs);
  return completeAcquire(f);
}

const PlannedFrame* WriterSession::pending() const { return pending_ && !closing_ ? &*pending_ : nullptr; }

uint64_t WriterSession::commit() {
  if (closing_) throw closedErr();
  if (!pending_) throw ZbError(code::kInvalidState, "commit() called without a pending acquired frame");
  const PlannedFrame f = *pending_;
  pending_.reset();
  return publish(f);
}

void WriterSession::abort() {
  if (closing_) throw closedErr();
  if (!pending_) throw ZbError(code::kInvalidState, "abort() called without a pending acquired frame");
  pending_.reset();
}

PlannedFrame WriterSession::plan(uint64_t size, const char* op) {
  checkCanWrite(op);                             // W1
  const Placement p = core_.plan(size);          // W2–W4
  return PlannedFrame{p, size, core_.nextSequence(), core_.dataPtr(p)};
}

bool WriterSession::spaceNow(const PlannedFrame& f, bool mayWait) {
  uint64_t freeBytes = 0;
  if (trySpace(f.placement.required, false, freeBytes)) return true;
  if (!mayWait) throw core_.bufferFull(f.placement.required, freeBytes);
  return false;
}

bool WriterSession::spaceWithin(const PlannedFrame& f, double timeoutMs) {
  return spin_.poll(limitNs(timeoutMs), [&] { return spaceNow(f, true); });
}

void WriterSession::awaitSpace(const PlannedFrame& f, int64_t deadlineNs, bool poll) {
  const uint64_t required = f.placement.required;
  if (poll && spin_.poll(deadlineNs - monotonicNs(), [&] {
        if (closing_) throw closedErr();
        uint64_t freeBytes = 0;
        return trySpace(required, false, freeBytes);
      })) {
    return;
  }
  bool force = false;
  for (;;) {
    if (closing_) throw closedErr();
    uint64_t freeBytes = 0;
    if (trySpace(required, force, freeBytes)) return;
    if (monotonicNs() >= deadlineNs) throw core_.bufferFull(required, freeBytes);
    // sem-r is only a wake-up signal (free is authoritative, §8.2.3): posts of releases made while
    // we did not wait are stale. Use them all up and look at free again, so that the wait below
    // ends at the next release, not once per earlier one.
    if (semTryWait(semR_)) {
      while (semTryWait(semR_)) {
      }
      continue;
    }
    const WaitResult w = semWaitUntil(semR_, deadlineNs);
    if (closing_) throw closedErr();
    checkSegmentSize();  // the segment may have been truncated while we waited
    force = (w == WaitResult::TimedOut);
  }
}

uint64_t WriterSession::completeWrite(const PlannedFrame& f, const uint8_t* src) {
  checkCurrent(f);
  copyIntoRing(f.data, src, size_t(f.size));
  return publish(f);
}

const PlannedFrame& WriterSession::completeAcquire(const PlannedFrame& f) {
  checkCurrent(f);
  return pending_.emplace(f);
}

bool WriterSession::trySpace(uint64_t required, bool forceLiveness, uint64_t& freeOut) {
  const int64_t now = coarseMonotonicNs();  // runs per frame; only compared with a 100 ms interval
  const bool due = forceLiveness || now - lastLivenessNs_.load() >= kSliceNs;
  if (due) checkSegmentSize();  // with the liveness check: at most every 100 ms
  const auto r = core_.checkSpace(required, due, pidLive, freeOut);
  if (due) lastLivenessNs_.store(now);
  return r == WriterCore::Space::Enough;
}

uint64_t WriterSession::publish(const PlannedFrame& f) {
  const uint64_t seq = core_.publish(f.placement, f.size);  // W6–W11
  const bool readerAsleep = semHasSleeper(semW_);
  semPostOnce(semW_);  // W12
  // A sleeping reader is usually woken on this CPU (waking it on an idle one cost 80–100 µs on
  // the 2-vCPU benchmark VM), where it waits until this thread blocks: for a JavaScript writer,
  // until its event loop turn ends, 5–10 µs later. Yielding hands it the CPU now. With the reader
  // on another CPU the yield returns at once; a streaming reader sleeps only once it has drained
  // the ring, and paired runs showed no throughput change (docs/performance.md).
  if (readerAsleep) sched_yield();
  return seq;
}

void WriterSession::checkCurrent(const PlannedFrame& f) const {
  if (closing_) throw closedErr();
  if (pending_ || f.sequence != core_.nextSequence()) {
    throw ZbError(code::kInvalidState, "Frame " + std::to_string(f.sequence) +
                                           " was planned before another frame was acquired or published");
  }
}

// ---- metadata ----

void WriterSession::checkCanSetMetadata(const char* op) const {
  if (closing_) throw closedErr();
  if (pendingMeta_) throw ZbError(code::kInvalidState, std::string(op) + "() called while a metadata acquisition is pending");
}

void WriterSession::setMetadata(const uint8_t* src, uint64_t n) {
  checkCanSetMetadata("setMetadata");
  core_.checkMetadata(n);
  std::memmove(core_.metadataContent(), src, size_t(n));
  core_.commitMetadata(n);
}

const PendingMetadata& WriterSession::acquireMetadata(uint64_t n) {
  checkCanSetMetadata("acquireMetadata");
  core_.checkMetadata(n);
  return pendingMeta_.emplace(PendingMetadata{core_.metadataContent(), n});
}

const PendingMetadata* WriterSession::pendingMetadata() const {
  return pendingMeta_ && !closing_ ? &*pendingMeta_ : nullptr;
}

void WriterSession::commitMetadata() {
  if (closing_) throw closedErr();
  if (!pendingMeta_) throw ZbError(code::kInvalidState, "commitMetadata() called without a pending metadata acquisition");
  const uint64_t n = pendingMeta_->size;
  pendingMeta_.reset();
  core_.commitMetadata(n);
}

void WriterSession::abortMetadata() {
  if (closing_) throw closedErr();
  if (!pendingMeta_) throw ZbError(code::kInvalidState, "abortMetadata() called without a pending metadata acquisition");
  pendingMeta_.reset();
}

void WriterSession::wakeOwnOp() {
  // Our in-flight operation waits on sem-r: wake it (§15.3). Harmless for the Reader: sem-r is
  // only a wake-up signal, `free` is authoritative.
  semPostOnce(semR_);
}

void WriterSession::teardown() {
  pending_.reset();  // a pending frame is aborted, never published
  pendingMeta_.reset();
  uint64_t expected = selfPid();
  if (segmentIntact()) Oieb(mapping_->base()).cas(off::kWriterPid, expected, 0);  // only if still ours
  closeHandles();
}

}  // namespace zb
