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
#include "posix/spin.hpp"
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

  // R1 and the §6.3 wait: true once a post on sem-w was consumed — the caller must then consume
  // the frame (consumeReady) before anything else reads —, false on timeout (0: one sem_trywait,
  // after which a gone Writer is reported). Polls before it sleeps (spin.hpp) unless the caller
  // just did (tryReadWithin). Throws ZbError (ZB_CLOSED, ZB_WRITER_DEAD, poison errors, OS
  // errors). Callable from the JS thread or a wait thread (one at a time).
  bool awaitFrame(double timeoutMs, bool poll = true);
  // R2–R13 for the post awaitFrame consumed.
  ReadFrame consumeReady();
  // Both: nullopt on timeout.
  std::optional<ReadFrame> read(double timeoutMs) {
    return awaitFrame(timeoutMs) ? std::optional<ReadFrame>(consumeReady()) : std::nullopt;
  }

  // A frame only if one is ready now (sem_trywait); nullopt if the caller must wait (no Writer
  // check: that belongs to the wait).
  std::optional<ReadFrame> tryReadNow();
  // tryReadNow, polled (spin.hpp) for up to timeoutMs: the JS thread's attempt before it hands a
  // wait to the wait thread (which then calls awaitFrame without polling again).
  std::optional<ReadFrame> tryReadWithin(double timeoutMs) { return spin_.poll(limitNs(timeoutMs), [&] { return tryReadNow(); }); }

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
  SpinBudget spin_;  // polls for frames
};

}  // namespace zb
