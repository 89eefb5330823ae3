// A Reader's OS resources + ReaderCore + the waiting/closing protocol shared by the JS thread and
// one worker (protocol.md §2.7, §2.8, §6, §15.3).
#pragma once
#include <semaphore.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/reader_core.hpp"
#include "posix/session_base.hpp"

namespace zb {

class ReaderSession final : public SessionBase {
 public:
  // §2.7 (arguments already validated). Throws ZbError; rolls back everything it created.
  static std::shared_ptr<ReaderSession> create(const std::string& name, uint64_t metadataSize,
                                               uint64_t payloadSize, std::optional<mode_t> permissions);
  ~ReaderSession() override;

  uint64_t M() const { return core_.M(); }
  uint64_t P() const { return core_.P(); }
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

 private:
  ReaderSession(std::string name, int shmFd, int lockFd, std::shared_ptr<Mapping> mapping, sem_t* semW,
                sem_t* semR, uint64_t M, uint64_t P);

  void wakeOwnOp() override;  // posts sem-w
  // §2.8: step 1 is beginClose(); the binding detaches its views (step 2) before finishClose()
  // runs this.
  void teardown() override;

  int lockFd_;
  ReaderCore core_;  // protected by mu_
};

}  // namespace zb
