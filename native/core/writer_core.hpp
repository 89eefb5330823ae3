// Writer algorithm (protocol.md §3.4, §4.2, §5.4–§5.8, §8.2.3 decision step). No syscalls.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "core/errors.hpp"
#include "core/layout.hpp"

namespace zb {

struct WriterGeometry {
  uint64_t M, P, writePos, writtenCount, metadataWritten;
};

class WriterCore {
 public:
  // §3.4 checks 2–4 on a mapping of segmentSize (>= 128) bytes. Throws ZB_INVALID_OIEB /
  // ZB_INCOMPATIBLE_VERSION.
  static WriterGeometry validate(const uint8_t* segment, uint64_t segmentSize);

  WriterCore(uint8_t* segment, const WriterGeometry& g, std::string name);

  uint8_t* segment() const { return seg_; }
  uint8_t* ring() const { return seg_ + kOiebSize + M_; }
  uint64_t M() const { return M_; }
  uint64_t P() const { return P_; }
  uint64_t writePos() const { return wp_; }
  uint64_t nextSequence() const { return seq_; }

  // §7.1 step 8: write_pos == P is taken over as 0 (and stored).
  void normaliseWritePos();

  // W2 + W3 + W4: throws ZB_INVALID_FRAME_SIZE / ZB_FRAME_TOO_LARGE / ZB_FRAME_UNPLACEABLE.
  Placement plan(uint64_t size) const;

  enum class Space { Enough, Insufficient };
  // One pass of the waitForSpace decision (§8.2.3) without waiting. Throws ZB_READER_DEAD /
  // ZB_INVALID_OIEB. freeOut receives the free count read.
  Space checkSpace(uint64_t required, bool livenessDue, const std::function<bool(uint64_t)>& isLive,
                   uint64_t& freeOut) const;
  ZbError bufferFull(uint64_t required, uint64_t freeBytes) const;

  // Where the payload of a planned frame goes.
  uint8_t* dataPtr(const Placement& p) const { return ring() + p.offset + kHeaderSize; }
  // W6–W11 (payload already in place). Returns the frame's sequence. Caller posts sem-w (W12).
  uint64_t publish(const Placement& p, uint64_t size);

  // Metadata (§4.2 checks 2–4, step 5).
  bool metadataWritten() const { return metadataWritten_; }
  void checkMetadata(uint64_t n) const;
  uint8_t* metadataContent() const { return seg_ + kOiebSize + kMetadataPrefix; }
  void commitMetadata(uint64_t n);

 private:
  uint8_t* seg_;
  uint64_t M_, P_;
  std::string name_;
  uint64_t wp_;
  uint64_t written_;
  uint64_t seq_ = 1;
  bool metadataWritten_;
};

}  // namespace zb
