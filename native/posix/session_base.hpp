// What a Reader's and a Writer's session share (protocol.md §15.3): the handles both hold (shm
// descriptor, mapping, the two semaphores), the diagnostics read through them, and the bracket
// between close() and the one operation that may be waiting on a worker thread.
#pragma once
#include <semaphore.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/errors.hpp"
#include "core/layout.hpp"
#include "posix/shm.hpp"

namespace zb {

struct SemValues {
  int data;   // sem-w
  int space;  // sem-r
};

class SessionBase {
 public:
  // Derived destructors call close(): the hooks below are virtual, so this one cannot.
  virtual ~SessionBase() = default;
  SessionBase(const SessionBase&) = delete;
  SessionBase& operator=(const SessionBase&) = delete;

  const std::string& name() const { return name_; }
  bool closed() const { return closed_.load(); }
  bool closing() const { return closing_.load(); }
  const std::shared_ptr<Mapping>& mapping() const { return mapping_; }
  ZbError closedErr() const;  // ZB_CLOSED: `Reader "<name>" is closed` / `Writer ...`

  bool isPeerConnected();  // false once closing, or when the segment was truncated
  OiebValues snapshot();   // ZB_CLOSED once closing; ZB_INVALID_OIEB when truncated
  SemValues semValues();   // ZB_CLOSED once closing

  // Worker bracket: enter returns false if closing (the worker must not touch anything then).
  bool enterNative();
  void leaveNative();

  // Idempotent. The binding detaches its views between beginClose() and finishClose(); close()
  // does both for native-only callers.
  void beginClose();
  void finishClose();
  void close() {
    beginClose();
    finishClose();
  }

 protected:
  // role: "Reader" | "Writer"; peerPidOffset: the OIEB field of the other side's PID;
  // segmentBytes: 128 + M + P, what this side accesses of the mapping.
  SessionBase(const char* role, size_t peerPidOffset, std::string name, int shmFd, std::shared_ptr<Mapping> mapping,
              sem_t* semW, sem_t* semR, uint64_t segmentBytes);

  // A segment truncated under us (another process's ftruncate) raises SIGBUS at the next access
  // beyond its new end, and no SIGBUS handler may be installed (§14.4). So whenever a wait returns,
  // and before close touches the OIEB, fstat tells whether the object still covers segmentBytes.
  // If not, the session stops touching the mapping where it can (releases, close). This narrows the
  // window but cannot close it: a truncation between the check and an access still raises SIGBUS.
  bool segmentIntact();      // false (and remembered) when truncated
  void checkSegmentSize();   // ZB_INVALID_OIEB when truncated
  bool truncated() const { return truncated_.load(); }

  // Called with mu_ held, once closing is set and only while an operation is in native: post the
  // semaphore that operation waits on (a post, never a wait).
  virtual void wakeOwnOp() = 0;
  // Called with mu_ held, exactly once, after any in-flight operation left: release everything
  // in the order the protocol prescribes for this side.
  virtual void teardown() = 0;
  // The tail both teardowns end with: close both semaphores, drop the mapping (unmapped once no
  // frame view references it any more), close the shm descriptor.
  void closeHandles();

  const char* role_;
  size_t peerPidOffset_;
  std::string name_;
  int shmFd_;
  std::shared_ptr<Mapping> mapping_;
  sem_t* semW_;
  sem_t* semR_;

  std::mutex mu_;  // protects inNative_ (and what a derived session says); never held across a semaphore wait
  std::condition_variable cv_;
  bool inNative_ = false;
  uint64_t segmentBytes_;
  std::atomic<bool> truncated_{false};
  std::atomic<bool> closing_{false};
  std::atomic<bool> closed_{false};
};

}  // namespace zb
