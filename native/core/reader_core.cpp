#include "core/reader_core.hpp"

#include <atomic>
#include <cstring>

#include "core/mutant.hpp"
#include "core/names.hpp"

namespace zb {

ReaderCore::ReaderCore(uint8_t* segment, uint64_t M, uint64_t P, std::string name)
    : seg_(segment), M_(M), P_(P), name_(std::move(name)) {}

void ReaderCore::throwIfPoisoned() const {
  if (poison_) throw ZbError(*poison_);
}

void ReaderCore::poison(ZbError e) {
  poison_ = e;
  throw e;
}

void ReaderCore::storeMirrors() {
  Oieb o(seg_);
  o.store(off::kReadPos, rp_);
  o.store(off::kReadCount, readCount_);
}

void ReaderCore::enqueueTail(uint64_t bytes) {
  if (queue_.empty()) {
    Oieb(seg_).fetchAdd(off::kPayloadFree, bytes);
    return;
  }
  queue_.push_back(Entry{bytes, false, true});
}

ReadFrame ReaderCore::consume() {
  std::atomic_thread_fence(std::memory_order_acquire);  // R3
  Oieb o(seg_);
  // R4: a post was consumed but nothing is left and the writer is gone.
  if (o.load(off::kWrittenCount) <= readCount_ && o.load(off::kWriterPid) == 0) {
    throw writerClosedError("Writer closed: no frame left to read in buffer " + jsonQuoteUtf8(name_));
  }
  uint8_t* ring = seg_ + kOiebSize + M_;
  // R5: implicit wrap of a tail shorter than a header (left by another Writer).
  if (P_ - rp_ > 0 && P_ - rp_ < kHeaderSize) {
    enqueueTail(P_ - rp_);
    rp_ = 0;
    storeMirrors();
  }
  // Invariant here: rp_ + 16 <= P_.
  FrameHeader h = readHeader(ring + rp_);  // R6
  if (h.size == 0 && rp_ != 0) {           // R7: wrap marker
    if constexpr (ZB_MUTANT(TAIL_LEAK)) {
      // MUTANT tail-leak: the marker's tail is skipped but never charged back (§6.4): its bytes
      // are lost from payload_free_bytes for good, and the ring shrinks at every wrap.
    } else {
      enqueueTail(P_ - rp_);
    }
    rp_ = 0;
    readCount_ += 1;
    storeMirrors();
    h = readHeader(ring);
  }
  if (h.sequence != expected_) poison(sequenceError(expected_, h.sequence));  // R8
  if (h.size == 0) poison(ZbError(code::kCorruptFrame, "Invalid frame size: 0 (at offset " + std::to_string(rp_) + ")"));  // R9
  if (h.size > P_ - rp_ - kHeaderSize) {  // R10
    poison(ZbError(code::kCorruptFrame, "Frame extends past buffer boundary: offset " + std::to_string(rp_) +
                                            ", size " + std::to_string(h.size) + ", P " + std::to_string(P_)));
  }
  // R11
  ReadFrame f{nextToken_++, rp_ + kHeaderSize, h.size, h.sequence};
  frameIndex_.push_back(queueBase_ + queue_.size());
  queue_.push_back(Entry{kHeaderSize + h.size, true, false});
  // R12
  rp_ += kHeaderSize + h.size;
  if (rp_ == P_) rp_ = 0;
  readCount_ += 1;
  storeMirrors();
  // R13
  expected_ += 1;
  writerSeen_ = true;
  return f;
}

void ReaderCore::checkWriterAfterSlice(const std::function<bool(uint64_t)>& isLive) {
  Oieb o(seg_);
  const uint64_t pid = o.load(off::kWriterPid);
  if (pid != 0) {
    writerSeen_ = true;
    if (!isLive(pid)) {
      throw ZbError(code::kWriterDead, "Writer process is dead (pid " + std::to_string(pid) + ", buffer " +
                                           jsonQuoteUtf8(name_) + ")");
    }
    return;
  }
  if (writerSeen_ && o.load(off::kWrittenCount) <= readCount_) {
    throw writerClosedError("Writer closed: all frames of buffer " + jsonQuoteUtf8(name_) + " consumed");
  }
}

uint64_t ReaderCore::release(const uint64_t* tokens, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (const std::optional<size_t> at = positionOf(tokens[i])) {
      if constexpr (ZB_MUTANT(RELEASE_ORDER)) {
        // MUTANT release-order: marks the queue head (the oldest held frame) instead of the frame
        // named, so releasing a later frame hands the Writer the bytes of an earlier one still held.
        queue_.front().released = true;
      } else {
        queue_[*at].released = true;
      }
    }
  }
  uint64_t bytes = 0, posts = 0;
  while (!queue_.empty() && queue_.front().released) {
    const Entry& h = queue_.front();
    bytes += h.bytes;
    if (h.frame) {
      ++posts;
      frameIndex_.pop_front();  // h is the live frame with the lowest token
      ++firstToken_;
    }
    queue_.pop_front();
    ++queueBase_;
  }
  if (bytes > 0) Oieb(seg_).fetchAdd(off::kPayloadFree, bytes);
  return posts;
}

std::optional<size_t> ReaderCore::positionOf(uint64_t token) const {
  if (token < firstToken_ || token >= nextToken_) return std::nullopt;
  return size_t(frameIndex_[token - firstToken_] - queueBase_);
}

bool ReaderCore::isReleased(uint64_t token) const {
  if (const std::optional<size_t> at = positionOf(token)) return queue_[*at].released;
  return token >= 1 && token < nextToken_;  // left the queue (released), or never handed out
}

void ReaderCore::discardQueue() {
  queue_.clear();
  frameIndex_.clear();
  queueBase_ = 0;
  firstToken_ = nextToken_;
}

std::vector<uint8_t> ReaderCore::metadata() const {
  Oieb o(seg_);
  const uint64_t w = o.load(off::kMetadataWritten);
  if (w == 0) return {};
  if (w < kMetadataPrefix || w > M_) {
    throw ZbError(code::kCorruptMetadata, "Invalid metadata size: metadata_written_bytes " + std::to_string(w) +
                                              " (metadata block " + std::to_string(M_) + ")");
  }
  uint64_t n;
  std::memcpy(&n, seg_ + kOiebSize, 8);
  if (n == 0) return {};
  if (n > w - kMetadataPrefix) {
    throw ZbError(code::kCorruptMetadata, "Invalid metadata size: prefix " + std::to_string(n) +
                                              " exceeds written bytes " + std::to_string(w) + " - 8");
  }
  const uint8_t* p = seg_ + kOiebSize + kMetadataPrefix;
  return std::vector<uint8_t>(p, p + n);
}

}  // namespace zb
