#include "posix/session_base.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "core/names.hpp"
#include "posix/pid.hpp"
#include "posix/semaphore.hpp"

namespace zb {

SessionBase::SessionBase(const char* role, size_t peerPidOffset, std::string name, int shmFd,
                         std::shared_ptr<Mapping> mapping, sem_t* semW, sem_t* semR, uint64_t segmentBytes)
    : role_(role),
      peerPidOffset_(peerPidOffset),
      name_(std::move(name)),
      shmFd_(shmFd),
      mapping_(std::move(mapping)),
      semW_(semW),
      semR_(semR),
      segmentBytes_(segmentBytes) {}

ZbError SessionBase::closedErr() const { return closedError(std::string(role_) + " " + jsonQuoteUtf8(name_)); }

bool SessionBase::segmentIntact() {
  struct stat st;
  if (fstat(shmFd_, &st) != 0 || uint64_t(st.st_size) >= segmentBytes_) return true;
  truncated_ = true;
  return false;
}

void SessionBase::checkSegmentSize() {
  if (segmentIntact()) return;
  struct stat st;
  const uint64_t size = fstat(shmFd_, &st) == 0 ? uint64_t(st.st_size) : 0;
  throw ZbError(code::kInvalidOieb, "Invalid OIEB: the shared memory segment of buffer " + jsonQuoteUtf8(name_) +
                                        " was truncated to " + std::to_string(size) + " bytes; the OIEB needs 128 + M + P = " +
                                        std::to_string(segmentBytes_));
}

bool SessionBase::isPeerConnected() {
  if (closing_ || !segmentIntact()) return false;
  const uint64_t pid = Oieb(mapping_->base()).load(peerPidOffset_);
  return pid != 0 && pidLive(pid);
}

OiebValues SessionBase::snapshot() {
  if (closing_) throw closedErr();
  checkSegmentSize();
  return loadOiebValues(mapping_->base());
}

SemValues SessionBase::semValues() {
  if (closing_) throw closedErr();
  return SemValues{semValue(semW_), semValue(semR_)};
}

bool SessionBase::enterNative() {
  std::lock_guard<std::mutex> g(mu_);
  if (closing_) return false;
  inNative_ = true;
  return true;
}

void SessionBase::leaveNative() {
  std::lock_guard<std::mutex> g(mu_);
  inNative_ = false;
  cv_.notify_all();
}

void SessionBase::beginClose() {
  std::unique_lock<std::mutex> g(mu_);
  if (closing_) return;
  closing_ = true;
  if (inNative_) {
    // The woken operation sees `closing` and leaves; its waits are sliced, so this is bounded
    // by one slice anyway.
    wakeOwnOp();
    cv_.wait_for(g, std::chrono::milliseconds(250), [&] { return !inNative_; });
  }
}

void SessionBase::finishClose() {
  std::unique_lock<std::mutex> g(mu_);
  if (closed_) return;
  if (inNative_) cv_.wait(g, [&] { return !inNative_; });  // only reachable if beginClose timed out
  closed_ = true;
  teardown();
}

void SessionBase::closeHandles() {
  sem_close(semW_);
  sem_close(semR_);
  semW_ = semR_ = nullptr;
  mapping_.reset();
  ::close(shmFd_);
  shmFd_ = -1;
}

}  // namespace zb
