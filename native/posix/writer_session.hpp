// A Writer's OS resources + WriterCore + waitForSpace (protocol.md §7, §8.2.3, §15.3).
#pragma once
#include <semaphore.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/writer_core.hpp"
#include "posix/semaphore.hpp"
#include "posix/session_base.hpp"

namespace zb {

class WriterSession final : public SessionBase {
 public:
  // §7.1 (name already validated). Throws ZbError; rolls back.
  static std::shared_ptr<WriterSession> connect(const std::string& name);
  ~WriterSession() override;

  uint64_t M() const { return core_.M(); }
  uint64_t P() const { return core_.P(); }
  WriterCore& core() { return core_; }

  // One non-waiting pass (§8.2.3): true if free >= required. Throws ZB_READER_DEAD/ZB_INVALID_OIEB.
  // The liveness check runs if forced or if 100 ms passed since the last one.
  bool trySpace(uint64_t required, bool forceLiveness, uint64_t& freeOut);
  // Full loop until the monotonic deadline. Throws ZB_BUFFER_FULL, ZB_READER_DEAD, ZB_CLOSED, ...
  void waitForSpace(uint64_t required, int64_t deadlineNs);
  void postData() { semPostOnce(semW_); }  // W12

 private:
  WriterSession(std::string name, int fd, std::shared_ptr<Mapping> m, sem_t* w, sem_t* r, const WriterGeometry& g);

  void wakeOwnOp() override;  // posts sem-r
  void teardown() override;   // §7.2

  WriterCore core_;
  std::atomic<int64_t> lastLivenessNs_;
};

}  // namespace zb
