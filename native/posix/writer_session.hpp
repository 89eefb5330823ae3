// A Writer's OS resources + WriterCore, and the Writer's whole protocol: frames (W1–W12 of
// protocol.md §5.7), zero-copy acquisitions (§10.1), metadata (§4.2, §4.3), waiting (§8.2.3),
// connect and close (§7). Plain C++: usable without N-API.
//
// Threads: frame and metadata operations are called from one thread at a time (the binding: the JS
// thread). The one exception is awaitSpace(), which may run on a wait thread while that thread
// only watches the OIEB and sem-r; it is ended by close() within one slice (§15.3).
#pragma once
#include <semaphore.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/writer_core.hpp"
#include "posix/spin.hpp"
#include "posix/semaphore.hpp"
#include "posix/session_base.hpp"

namespace zb {

// A frame placed at the current write position (W2–W4) and not published yet.
struct PlannedFrame {
  Placement placement;
  uint64_t size;      // payload bytes
  uint64_t sequence;  // the sequence it will carry once published
  uint8_t* data;      // where its `size` payload bytes go in the ring
};

// A pending zero-copy metadata acquisition (§4.3).
struct PendingMetadata {
  uint8_t* data;  // the content bytes (segment offset 136)
  uint64_t size;
};

class WriterSession final : public SessionBase {
 public:
  // §7.1 (name already validated). Throws ZbError; rolls back.
  static std::shared_ptr<WriterSession> connect(const std::string& name);
  ~WriterSession() override;

  uint64_t M() const { return core_.M(); }
  uint64_t P() const { return core_.P(); }
  uint64_t nextSequence() const { return core_.nextSequence(); }
  bool metadataWritten() const { return core_.metadataWritten(); }

  // ---- frames (§5.7, §10.1) ----
  // Errors name the calling operation `op` (e.g. "writeSync") where the message mentions one.

  // W1: ZB_CLOSED; ZB_INVALID_STATE while a frame is acquired.
  void checkCanWrite(const char* op) const;
  // W1–W12: copies `size` bytes from `src` (which may itself point into the ring) and publishes
  // them; returns the frame's sequence. Waits for space until the monotonic deadline.
  uint64_t write(const uint8_t* src, uint64_t size, int64_t deadlineNs, const char* op = "write");
  // W1–W5: reserves a frame and remembers it as the pending one (§10.1 step 1; nothing is written
  // to the OIEB). Its bytes are filled through `data` until commit() or abort().
  const PlannedFrame& acquire(uint64_t size, int64_t deadlineNs, const char* op = "acquire");
  // The acquired frame; nullptr when there is none (or the session is closing).
  const PlannedFrame* pending() const;
  // W6–W12 for the acquired frame (§10.1 step 2); returns its sequence.
  uint64_t commit();
  // Drops the acquired frame; writes nothing, consumes no sequence (§10.1 step 3).
  void abort();

  // The same protocol in steps, for a caller that waits on another thread (§15.4):
  //   plan() → spaceNow() → [awaitSpace() on the wait thread] → completeWrite() / completeAcquire().
  // W1–W4.
  PlannedFrame plan(uint64_t size, const char* op);
  // W5, one pass without waiting: true if the frame fits now. Without it and !mayWait (a timeout
  // of 0) → ZB_BUFFER_FULL.
  bool spaceNow(const PlannedFrame& f, bool mayWait);
  // spaceNow(f, true), polled (spin.hpp) for up to timeoutMs: the JS thread's attempt before it
  // hands a wait to the wait thread (which then calls awaitSpace without polling again).
  bool spaceWithin(const PlannedFrame& f, double timeoutMs);
  // W5 until the monotonic deadline, polling before it sleeps unless the caller just did:
  // ZB_BUFFER_FULL, ZB_READER_DEAD, ZB_CLOSED, ...
  void awaitSpace(const PlannedFrame& f, int64_t deadlineNs, bool poll = true);
  // W6–W12 with the payload copied from `src` (copyIntoRing), f.size bytes. Returns the sequence.
  uint64_t completeWrite(const PlannedFrame& f, const uint8_t* src);
  // Remembers `f` as the pending frame (end of §10.1 step 1).
  const PlannedFrame& completeAcquire(const PlannedFrame& f);

  // ---- metadata (§4.2, §4.3) ----
  // Check 1 and the single pending acquisition: ZB_CLOSED; ZB_INVALID_STATE while one is pending.
  void checkCanSetMetadata(const char* op) const;
  // Checks 1–4, step 5.
  void setMetadata(const uint8_t* src, uint64_t n);
  // Checks 1–4; remembers the acquisition. The content is filled through the returned data.
  const PendingMetadata& acquireMetadata(uint64_t n);
  // nullptr when there is none (or the session is closing).
  const PendingMetadata* pendingMetadata() const;
  void commitMetadata();  // step 5 for the pending acquisition
  void abortMetadata();   // writes nothing

 private:
  WriterSession(std::string name, int fd, std::shared_ptr<Mapping> m, sem_t* w, sem_t* r, const WriterGeometry& g);

  // One non-waiting pass (§8.2.3): true if free >= required. Throws ZB_READER_DEAD/ZB_INVALID_OIEB.
  // The liveness check runs if forced or if 100 ms passed since the last one.
  bool trySpace(uint64_t required, bool forceLiveness, uint64_t& freeOut);
  // W6–W12 of a frame whose payload is in place.
  uint64_t publish(const PlannedFrame& f);
  // ZB_CLOSED, or ZB_INVALID_STATE when `f` no longer matches the write position (another frame
  // was published or acquired since it was planned).
  void checkCurrent(const PlannedFrame& f) const;

  void wakeOwnOp() override;  // posts sem-r
  void teardown() override;   // §7.2

  WriterCore core_;
  SpinBudget spin_;  // polls for space
  std::atomic<int64_t> lastLivenessNs_;
  std::optional<PlannedFrame> pending_;
  std::optional<PendingMetadata> pendingMeta_;
};

}  // namespace zb
