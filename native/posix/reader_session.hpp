// A Reader's OS resources + ReaderCore + the waiting/closing protocol shared by the JS thread and
// one worker (protocol.md §2.7, §2.8, §6, §15.3).
#pragma once
#include <semaphore.h>
#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/reader_core.hpp"
#include "posix/shm.hpp"

namespace zb {

struct SemValues {
  int data;   // sem-w
  int space;  // sem-r
};

class ReaderSession {
 public:
  // §2.7 (arguments already validated). Throws ZbError; rolls back everything it created.
  static std::shared_ptr<ReaderSession> create(const std::string& name, uint64_t metadataSize,
                                               uint64_t payloadSize, std::optional<mode_t> permissions);
  ~ReaderSession();
  ReaderSession(const ReaderSession&) = delete;
  ReaderSession& operator=(const ReaderSession&) = delete;

  const std::string& name() const { return name_; }
  uint64_t M() const { return core_.M(); }
  uint64_t P() const { return core_.P(); }
  bool closed() const { return closed_.load(); }
  bool closing() const { return closing_.load(); }
  const std::shared_ptr<Mapping>& mapping() const { return mapping_; }
  uint8_t* ring() const { return core_.ring(); }

  // R1–R13 with the §6.3 wait. nullopt on timeout. Throws ZbError (ZB_CLOSED, ZB_WRITER_DEAD,
  // poison errors, OS errors). Callable from the JS thread or the worker (one at a time).
  std::optional<ReadFrame> read(double timeoutMs);

  // Fast path of the async read on the JS thread: consumes a post only if one is already there
  // (sem_trywait) and returns the frame; nullopt if the caller must wait on a worker.
  std::optional<ReadFrame> tryReadNow();

  // §6.7: JS thread; never throws for EOVERFLOW.
  void release(uint64_t token);
  bool isReleased(uint64_t token);
  std::vector<uint8_t> metadata();
  bool isWriterConnected();
  OiebValues snapshot();
  SemValues semValues();

  // Worker bracket: enter returns false if closing (the worker must not touch anything then).
  bool enterNative();
  void leaveNative();

  // §2.8. Idempotent. Step 2's view detaching is done by the binding between beginClose() and
  // finishClose(); close() does both for native-only callers.
  void beginClose();
  void finishClose();
  void close() {
    beginClose();
    finishClose();
  }

 private:
  ReaderSession(std::string name, int shmFd, int lockFd, std::shared_ptr<Mapping> mapping, sem_t* semW,
                sem_t* semR, uint64_t M, uint64_t P);

  std::string name_;
  int shmFd_;
  int lockFd_;
  std::shared_ptr<Mapping> mapping_;
  sem_t* semW_;
  sem_t* semR_;
  ReaderCore core_;

  std::mutex mu_;  // protects core_, inNative_; never held across a semaphore wait
  std::condition_variable cv_;
  bool inNative_ = false;
  std::atomic<bool> closing_{false};
  std::atomic<bool> closed_{false};
};

}  // namespace zb
