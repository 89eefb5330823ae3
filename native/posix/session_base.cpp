#include "posix/session_base.hpp"

#include <unistd.h>

#include <chrono>

#include "core/names.hpp"
#include "posix/pid.hpp"
#include "posix/semaphore.hpp"

namespace zb {

SessionBase::SessionBase(const char* role, size_t peerPidOffset, std::string name, int shmFd,
                         std::shared_ptr<Mapping> mapping, sem_t* semW, sem_t* semR)
    : role_(role),
      peerPidOffset_(peerPidOffset),
      name_(std::move(name)),
      shmFd_(shmFd),
      mapping_(std::move(mapping)),
      semW_(semW),
      semR_(semR) {}

ZbError SessionBase::closedErr() const { return closedError(std::string(role_) + " " + jsonQuoteUtf8(name_)); }

bool SessionBase::isPeerConnected() {
  if (closing_) return false;
  const uint64_t pid = Oieb(mapping_->base()).load(peerPidOffset_);
  return pid != 0 && pidLive(pid);
}

OiebValues SessionBase::snapshot() {
  if (closing_) throw closedErr();
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
