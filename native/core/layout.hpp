// OIEB layout, atomic accessors, frame headers and the placement rule (protocol.md §3, §5, §12).
// Pure protocol logic: no syscalls.
#pragma once
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace zb {

static_assert(std::endian::native == std::endian::little, "ZeroBuffer requires a little-endian target");
static_assert(sizeof(void*) == 8, "ZeroBuffer requires a 64-bit target");
static_assert(std::atomic_ref<uint64_t>::is_always_lock_free, "8-byte atomics must be lock-free");
static_assert(std::atomic_ref<uint32_t>::is_always_lock_free, "4-byte atomics must be lock-free");

inline constexpr uint64_t kOiebSize = 128;
inline constexpr uint64_t kHeaderSize = 16;
inline constexpr uint64_t kMetadataPrefix = 8;
inline constexpr uint64_t kMaxConfigSize = uint64_t(1) << 35;
inline constexpr uint8_t kVersionMajor = 1;

namespace off {
inline constexpr size_t kOiebSize = 0x00;
inline constexpr size_t kVersion = 0x04;
inline constexpr size_t kMetadataSize = 0x08;
inline constexpr size_t kMetadataFree = 0x10;
inline constexpr size_t kMetadataWritten = 0x18;
inline constexpr size_t kPayloadSize = 0x20;
inline constexpr size_t kPayloadFree = 0x28;
inline constexpr size_t kWritePos = 0x30;
inline constexpr size_t kReadPos = 0x38;
inline constexpr size_t kWrittenCount = 0x40;
inline constexpr size_t kReadCount = 0x48;
inline constexpr size_t kWriterPid = 0x50;
inline constexpr size_t kReaderPid = 0x58;
inline constexpr size_t kReserved = 0x60;
}  // namespace off

constexpr uint64_t align64(uint64_t x) { return (x + 63) & ~uint64_t(63); }
static_assert(align64(0) == 0 && align64(100) == 128 && align64(1000) == 1024 && align64(10240) == 10240);

// Typed atomic view of the 128-byte OIEB at the start of a mapping. The mapping is page-aligned,
// so every field is naturally aligned.
class Oieb {
 public:
  explicit Oieb(uint8_t* base) : base_(base) {}
  explicit Oieb(const uint8_t* base) : base_(const_cast<uint8_t*>(base)) {}

  std::atomic_ref<uint64_t> field(size_t offset) const {
    return std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(base_ + offset));
  }
  uint64_t load(size_t offset) const { return field(offset).load(std::memory_order_acquire); }
  void store(size_t offset, uint64_t v) const { field(offset).store(v, std::memory_order_release); }
  void storeRelaxed(size_t offset, uint64_t v) const { field(offset).store(v, std::memory_order_relaxed); }
  uint64_t fetchAdd(size_t offset, uint64_t v) const { return field(offset).fetch_add(v, std::memory_order_acq_rel); }
  uint64_t fetchSub(size_t offset, uint64_t v) const { return field(offset).fetch_sub(v, std::memory_order_acq_rel); }
  bool cas(size_t offset, uint64_t& expected, uint64_t desired) const {
    return field(offset).compare_exchange_strong(expected, desired, std::memory_order_acq_rel,
                                                 std::memory_order_acquire);
  }

  std::atomic_ref<uint32_t> field32(size_t offset) const {
    return std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(base_ + offset));
  }
  uint32_t oiebSize() const { return field32(off::kOiebSize).load(std::memory_order_acquire); }
  // The four version bytes as one u32 (major is the lowest byte on little-endian).
  uint32_t versionWord() const { return field32(off::kVersion).load(std::memory_order_acquire); }

 private:
  uint8_t* base_;
};

struct Version {
  uint8_t major, minor, patch, reserved;
};
inline Version decodeVersion(uint32_t w) {
  return Version{uint8_t(w & 0xff), uint8_t((w >> 8) & 0xff), uint8_t((w >> 16) & 0xff), uint8_t(w >> 24)};
}

// Publication order of a fresh OIEB (§3.3): u64 fields 0x08–0x50 relaxed, reader_pid release,
// version bytes, oieb_size release last.
inline void publishFreshOieb(uint8_t* segment, uint64_t M, uint64_t P, uint64_t readerPid) {
  Oieb o(segment);
  o.storeRelaxed(off::kMetadataSize, M);
  o.storeRelaxed(off::kMetadataFree, M);
  o.storeRelaxed(off::kMetadataWritten, 0);
  o.storeRelaxed(off::kPayloadSize, P);
  o.storeRelaxed(off::kPayloadFree, P);
  o.storeRelaxed(off::kWritePos, 0);
  o.storeRelaxed(off::kReadPos, 0);
  o.storeRelaxed(off::kWrittenCount, 0);
  o.storeRelaxed(off::kReadCount, 0);
  o.storeRelaxed(off::kWriterPid, 0);
  o.store(off::kReaderPid, readerPid);
  o.field32(off::kVersion).store(uint32_t(kVersionMajor), std::memory_order_relaxed);  // {1,0,0,0}
  o.field32(off::kOiebSize).store(uint32_t(kOiebSize), std::memory_order_release);
}

// All OIEB fields, loaded with acquire (diagnostics, inspection).
struct OiebValues {
  uint32_t oiebSize;
  Version version;
  uint64_t metadataSize, metadataFree, metadataWritten, payloadSize, payloadFree, writePos, readPos,
      writtenCount, readCount, writerPid, readerPid;
  uint64_t reserved[4];
};
inline OiebValues loadOiebValues(const uint8_t* segment) {
  Oieb o(segment);
  OiebValues v{};
  v.oiebSize = o.oiebSize();
  v.version = decodeVersion(o.versionWord());
  v.metadataSize = o.load(off::kMetadataSize);
  v.metadataFree = o.load(off::kMetadataFree);
  v.metadataWritten = o.load(off::kMetadataWritten);
  v.payloadSize = o.load(off::kPayloadSize);
  v.payloadFree = o.load(off::kPayloadFree);
  v.writePos = o.load(off::kWritePos);
  v.readPos = o.load(off::kReadPos);
  v.writtenCount = o.load(off::kWrittenCount);
  v.readCount = o.load(off::kReadCount);
  v.writerPid = o.load(off::kWriterPid);
  v.readerPid = o.load(off::kReaderPid);
  for (int i = 0; i < 4; ++i) v.reserved[i] = o.load(off::kReserved + 8 * size_t(i));
  return v;
}

// ---- Frame headers (§5.1): always via memcpy, headers are usually unaligned -------------------
struct FrameHeader {
  uint64_t size;
  uint64_t sequence;
};
inline FrameHeader readHeader(const uint8_t* p) {
  FrameHeader h;
  std::memcpy(&h.size, p, 8);
  std::memcpy(&h.sequence, p + 8, 8);
  return h;
}
inline void writeHeader(uint8_t* p, uint64_t size, uint64_t sequence) {
  std::memcpy(p, &size, 8);
  std::memcpy(p + 8, &sequence, 8);
}

// ---- Placeability (§5.4) and placement (§5.5) -------------------------------------------------
constexpr bool placeable(uint64_t size, uint64_t P) {
  if (size == 0) return false;
  if (P >= 32 && size <= P - 32) return true;
  return P >= 16 && size == P - 16;
}
static_assert(placeable(10224, 10240) && placeable(10208, 10240) && !placeable(10209, 10240) &&
              !placeable(10223, 10240) && !placeable(10225, 10240));
static_assert(placeable(32, 64) && placeable(48, 64) && !placeable(33, 64) && !placeable(47, 64) &&
              !placeable(49, 64) && !placeable(0, 64));

struct Placement {
  bool wrap;          // marker/tail handling first, frame at 0
  uint64_t offset;    // ring offset of the frame header
  uint64_t required;  // free bytes needed
  uint64_t ste;       // space to end at the current wp
};
// Precondition: wp <= P, total >= 17.
constexpr Placement placement(uint64_t wp, uint64_t total, uint64_t P) {
  const uint64_t ste = P - wp;
  if (ste == total || ste >= total + kHeaderSize) return Placement{false, wp, total, ste};
  return Placement{true, 0, ste + total, ste};
}
static_assert(placement(10140, 216, 10240).wrap && placement(10140, 216, 10240).required == 316);
static_assert(!placement(10140, 100, 10240).wrap);  // exact fit
static_assert(!placement(10140, 84, 10240).wrap);   // leaves a 16-byte tail
static_assert(placement(10140, 96, 10240).wrap && placement(10140, 96, 10240).required == 196);

}  // namespace zb
