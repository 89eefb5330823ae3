// A Writer's OS resources + WriterCore + waitForSpace (protocol.md §7, §8.2.3, §15.3).
#pragma once
#include <semaphore.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/writer_core.hpp"
#include "posix/reader_session.hpp"
#include "posix/semaphore.hpp"
#include "posix/shm.hpp"

namespace zb {

class WriterSession {
 public:
  // §7.1 (name already validated). Throws ZbError; rolls back.
  static std::shared_ptr<WriterSession> connect(const std::string& name);
  ~WriterSession();
  WriterSession(const WriterSession&) = delete;
  WriterSession& operator=(const WriterSession&) = delete;

  const std::string& name() const { return name_; }
  bool closed() const { return closed_.load(); }
  bool closing() const { return closing_.load(); }
  const std::shared_ptr<Mapping>& mapping() const { return mapping_; }
  WriterCore& core() { return core_; }

  // One non-waiting pass (§8.2.3): true if free >= required. Throws ZB_READER_DEAD/ZB_INVALID_OIEB.
  // The liveness check runs if forced or if 100 ms passed since the last one.
  bool trySpace(uint64_t required, bool forceLiveness, uint64_t& freeOut);
  // Full loop until the monotonic deadline. Throws ZB_BUFFER_FULL, ZB_READER_DEAD, ZB_CLOSED, ...
  void waitForSpace(uint64_t required, int64_t deadlineNs);
  void postData() { semPostOnce(semW_); }  // W12

  bool isReaderConnected();
  OiebValues snapshot();
  SemValues semValues();

  bool enterNative();
  void leaveNative();
  void beginClose();
  void finishClose();
  void close() {
    beginClose();
    finishClose();
  }

 private:
  WriterSession(std::string name, int fd, std::shared_ptr<Mapping> m, sem_t* w, sem_t* r, const WriterGeometry& g);

  std::string name_;
  int fd_;
  std::shared_ptr<Mapping> mapping_;
  sem_t* semW_;
  sem_t* semR_;
  WriterCore core_;
  std::atomic<int64_t> lastLivenessNs_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool inNative_ = false;
  std::atomic<bool> closing_{false};
  std::atomic<bool> closed_{false};
};

}  // namespace zb
