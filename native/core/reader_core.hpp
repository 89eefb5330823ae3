// Reader algorithm (protocol.md §6): R3–R13, wrap handling, poisoning, release queue, metadata.
// Operates on a mapped segment with private M/P; no syscalls (PID liveness is injected).
// Not thread-safe: the owner serialises calls (ReaderSession holds its mutex).
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/layout.hpp"

namespace zb {

struct ReadFrame {
  uint64_t token;
  uint64_t dataOffset;  // ring offset of the payload
  uint64_t size;
  uint64_t sequence;
};

class ReaderCore {
 public:
  ReaderCore(uint8_t* segment, uint64_t M, uint64_t P, std::string name);

  uint8_t* segment() const { return seg_; }
  uint8_t* ring() const { return seg_ + kOiebSize + M_; }
  uint64_t M() const { return M_; }
  uint64_t P() const { return P_; }

  // R1 (poison part): throws a fresh copy of the stored error.
  void throwIfPoisoned() const;
  // R3–R13, called after a post on sem-w was consumed.
  ReadFrame consume();
  // §6.3 steps 2–3 after a slice without a post; throws WriterDeadError.
  void checkWriterAfterSlice(const std::function<bool(uint64_t)>& isLive);
  bool writerSeen() const { return writerSeen_; }

  // §6.7 for `n` tokens at once: the bytes of every entry this frees go back with one fetch_add.
  // Returns the number of sem-r posts owed (K). Idempotent per token.
  uint64_t release(const uint64_t* tokens, size_t n);
  uint64_t release(uint64_t token) { return release(&token, 1); }
  bool isReleased(uint64_t token) const;
  // Close: discard queue without posting (§2.8 step 2).
  void discardQueue();
  size_t queueLength() const { return queue_.size(); }

  // §4.4: copy of the metadata content.
  std::vector<uint8_t> metadata() const;

 private:
  struct Entry {
    uint64_t bytes;
    bool frame;
    bool released;
  };
  void enqueueTail(uint64_t bytes);
  void storeMirrors();
  [[noreturn]] void poison(ZbError e);

  uint8_t* seg_;
  uint64_t M_, P_;
  std::string name_;
  uint64_t rp_ = 0;
  uint64_t readCount_ = 0;
  uint64_t expected_ = 1;
  bool writerSeen_ = false;
  std::optional<ZbError> poison_;
  std::deque<Entry> queue_;
  // Queue position of a token still in the queue: tokens are handed out in queue order and leave it
  // in that order, so the live ones are [firstToken_, nextToken_) and a deque of their positions
  // maps them (no per-frame allocation, unlike a hash map).
  std::optional<size_t> positionOf(uint64_t token) const;

  uint64_t queueBase_ = 0;  // absolute index of queue_.front()
  std::deque<uint64_t> frameIndex_;  // absolute queue index of token firstToken_ + i
  uint64_t firstToken_ = 1;
  uint64_t nextToken_ = 1;
};

}  // namespace zb
