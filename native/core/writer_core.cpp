#include "core/writer_core.hpp"

#include <cstring>

#include "core/mutant.hpp"
#include "core/names.hpp"

namespace zb {
namespace {
ZbError invalidOieb(const std::string& what) { return ZbError(code::kInvalidOieb, "Invalid OIEB: " + what); }
std::string s(uint64_t v) { return std::to_string(v); }
}  // namespace

WriterGeometry WriterCore::validate(const uint8_t* segment, uint64_t size) {
  Oieb o(segment);
  const uint32_t oiebSize = o.oiebSize();
  if (oiebSize != kOiebSize) {
    throw invalidOieb("oieb_size is " + s(oiebSize) + ", expected 128 (segment missing or still initialising)");
  }
  const Version v = decodeVersion(o.versionWord());
  if (v.major != kVersionMajor) {
    throw ZbError(code::kIncompatibleVersion, "Incompatible protocol version " + s(v.major) + "." + s(v.minor) + "." +
                                                  s(v.patch) + " (this implementation speaks 1.x)");
  }
  WriterGeometry g{};
  g.M = o.load(off::kMetadataSize);
  g.P = o.load(off::kPayloadSize);
  g.writePos = o.load(off::kWritePos);
  const uint64_t rp = o.load(off::kReadPos);
  const uint64_t freeBytes = o.load(off::kPayloadFree);
  g.metadataWritten = o.load(off::kMetadataWritten);
  g.writtenCount = o.load(off::kWrittenCount);
  const uint64_t avail = size - kOiebSize;
  if (g.P <= kHeaderSize) throw invalidOieb("payload_size " + s(g.P) + " must be > 16");
  if (g.M > avail) throw invalidOieb("metadata_size " + s(g.M) + " exceeds segment size " + s(size));
  if (g.P > avail - g.M) throw invalidOieb("payload_size " + s(g.P) + " exceeds segment size " + s(size));
  if (g.writePos > g.P) throw invalidOieb("payload_write_pos " + s(g.writePos) + " > payload_size " + s(g.P));
  if (rp > g.P) throw invalidOieb("payload_read_pos " + s(rp) + " > payload_size " + s(g.P));
  if (freeBytes > g.P) throw invalidOieb("payload_free_bytes " + s(freeBytes) + " > payload_size " + s(g.P));
  if (g.metadataWritten > g.M) {
    throw invalidOieb("metadata_written_bytes " + s(g.metadataWritten) + " > metadata_size " + s(g.M));
  }
  return g;
}

WriterCore::WriterCore(uint8_t* segment, const WriterGeometry& g, std::string name)
    : seg_(segment),
      M_(g.M),
      P_(g.P),
      name_(std::move(name)),
      wp_(g.writePos),
      written_(g.writtenCount),
      metadataWritten_(g.metadataWritten > 0) {}

void WriterCore::normaliseWritePos() {
  if (wp_ == P_) {
    wp_ = 0;
    Oieb(seg_).store(off::kWritePos, 0);
  }
}

Placement WriterCore::plan(uint64_t size) const {
  if (size == 0) throw ZbError(code::kInvalidFrameSize, "Invalid frame size: zero (size 0 is reserved for the wrap marker)");
  if (!placeable(size, P_)) {
    throw ZbError(code::kFrameTooLarge, "Frame too large: size " + s(size) + " is not placeable in a ring of " + s(P_) +
                                            " bytes (maximum P - 32 = " + s(P_ >= 32 ? P_ - 32 : 0) +
                                            ", or exactly P - 16 = " + s(P_ - 16) + ")");
  }
  Placement p = placement(wp_, kHeaderSize + size, P_);
  if constexpr (ZB_MUTANT(SHORT_TAIL)) {
    // MUTANT short-tail: "fits before the end" tested as ste >= total, without the early wrap of
    // §5.5: the frame stays at wp and leaves a tail of 1–15 bytes that can hold no marker (§5.9).
    if (p.wrap && p.ste >= kHeaderSize + size) p = Placement{false, wp_, kHeaderSize + size, p.ste};
  }
  if (p.required > P_) {
    throw ZbError(code::kFrameUnplaceable, "Frame of size " + s(size) + " cannot be placed at write position wp " +
                                               s(wp_) + " in a ring of P " + s(P_) + " bytes (requires " +
                                               s(p.required) + " free bytes)");
  }
  return p;
}

WriterCore::Space WriterCore::checkSpace(uint64_t required, bool livenessDue,
                                         const std::function<bool(uint64_t)>& isLive, uint64_t& freeOut) const {
  Oieb o(seg_);
  const uint64_t rpid = o.load(off::kReaderPid);
  if (rpid == 0) throw ZbError(code::kReaderDead, "Reader closed the buffer " + jsonQuoteUtf8(name_));
  if (livenessDue && !isLive(rpid)) {
    throw ZbError(code::kReaderDead, "Reader process is dead (pid " + s(rpid) + ", buffer " + jsonQuoteUtf8(name_) + ")");
  }
  const uint64_t f = o.load(off::kPayloadFree);
  freeOut = f;
  if (f > P_) throw invalidOieb("payload_free_bytes " + s(f) + " > payload_size " + s(P_));
  if constexpr (ZB_MUTANT(WRAP_UNDERFLOW)) {
    // MUTANT wrap-underflow: for a frame that wraps (required = tail + total) the wasted tail is
    // taken off `free` first, in u64: with free < tail the difference wraps to ~2^64, the frame is
    // "enough" and its marker and payload land on unread frames; `free` itself then underflows.
    const uint64_t tail = P_ - wp_;
    if (required > tail) return f - tail >= required - tail ? Space::Enough : Space::Insufficient;
  }
  return f >= required ? Space::Enough : Space::Insufficient;
}

ZbError WriterCore::bufferFull(uint64_t required, uint64_t freeBytes) const {
  return ZbError(code::kBufferFull, "Buffer is full: required " + s(required) + " bytes, free " + s(freeBytes) +
                                        " bytes (buffer " + jsonQuoteUtf8(name_) + ")");
}

uint64_t WriterCore::publish(const Placement& p, uint64_t size) {
  Oieb o(seg_);
  uint8_t* r = ring();
  if (p.wrap) {  // W6, §5.6
    if (p.ste >= kHeaderSize) {
      writeHeader(r + wp_, 0, 0);
      written_ += 1;
      o.store(off::kWrittenCount, written_);
    }
    if (p.ste > 0) o.fetchSub(off::kPayloadFree, p.ste);
    wp_ = 0;
  }
  const uint64_t total = kHeaderSize + size;
  const uint64_t seq = seq_;
  writeHeader(r + wp_, size, seq);  // W7 (payload already at wp + 16)
  wp_ += total;                     // W8
  if (wp_ == P_) wp_ = 0;
  o.store(off::kWritePos, wp_);
  o.fetchSub(off::kPayloadFree, total);  // W9
  written_ += 1;                         // W10
  o.store(off::kWrittenCount, written_);
  seq_ += 1;  // W11
  return seq;
}

void WriterCore::checkMetadata(uint64_t n) const {
  if (metadataWritten_) throw ZbError(code::kMetadataAlreadyWritten, "Metadata already written for buffer " + jsonQuoteUtf8(name_));
  if (n == 0) throw ZbError(code::kInvalidArgument, "Metadata must not be empty");
  if (n > M_ || kMetadataPrefix + n > M_) {
    throw ZbError(code::kMetadataTooLarge, "Metadata too large for buffer: 8 + " + s(n) + " = " + s(kMetadataPrefix + n) +
                                               " bytes exceed the metadata block M = " + s(M_));
  }
}

void WriterCore::commitMetadata(uint64_t n) {
  Oieb o(seg_);
  std::memcpy(seg_ + kOiebSize, &n, 8);
  o.store(off::kMetadataFree, M_ - kMetadataPrefix - n);
  o.store(off::kMetadataWritten, kMetadataPrefix + n);
  metadataWritten_ = true;
}

}  // namespace zb
