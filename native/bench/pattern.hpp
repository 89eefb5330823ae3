// The benchmark's frame content (the CLI's `sequential` pattern): byte i of frame k (k from 0) is
// (k + i) mod 256, so frame k is the window [k mod 256, k mod 256 + size) of one table, written
// and verified with one memcpy/memcmp per frame. A latency frame carries the writer's
// CLOCK_MONOTONIC nanoseconds in bytes [0, 8) instead of pattern bytes.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

namespace zb::bench {

inline constexpr uint64_t kStampBytes = 8;

class Pattern {
 public:
  explicit Pattern(uint64_t size) : size_(size), table_(size + 256) {
    for (size_t j = 0; j < table_.size(); ++j) table_[j] = uint8_t(j);
  }
  const uint8_t* frame(uint64_t k) const { return table_.data() + (k & 0xff); }
  // Bytes [from, size) of frame k match the pattern.
  bool matches(const uint8_t* data, uint64_t k, uint64_t from) const {
    return std::memcmp(data + from, frame(k) + from, size_t(size_ - from)) == 0;
  }

 private:
  uint64_t size_;
  std::vector<uint8_t> table_;
};

inline void putStamp(uint8_t* frame, int64_t ns) { std::memcpy(frame, &ns, kStampBytes); }
inline int64_t getStamp(const uint8_t* frame) {
  int64_t ns;
  std::memcpy(&ns, frame, kStampBytes);
  return ns;
}

}  // namespace zb::bench
