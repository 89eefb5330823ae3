// The view a Writer hands to JavaScript for a frame or metadata it fills in place.
#pragma once
#include <napi.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "binding/js_util.hpp"
#include "posix/ring_copy.hpp"

namespace zb::js {

// A writable view handed to JS over ring or metadata bytes (§10.1, §4.3): external over the mapping,
// or, where the runtime refuses that, a copy whose bytes go back at commit (§10.3).
class WritableView {
 public:
  // A Uint8Array over [ptr, ptr + size), the view opened first unless it is open already (one
  // view per frame or metadata block, however often JS asks).
  Napi::Uint8Array array(Napi::Env env, const std::shared_ptr<Mapping>& mapping, uint8_t* ptr, uint64_t size) {
    if (ref_.IsEmpty()) ref_ = Napi::Persistent(makeView(env, mapping, ptr, size_t(size), zeroCopy_));
    return Napi::Uint8Array::New(env, size_t(size), ref_.Value(), 0);
  }
  // Copies `source` to `offset` of the `size` bytes at `ring` with the ring copy (posix/ring_copy.hpp):
  // into the ring, or into the fallback's copy while it is open and not detached (its bytes go back
  // at commit). ZB_INVALID_ARGUMENT when it does not fit.
  void fill(uint8_t* ring, uint64_t size, uint64_t offset, const ByteSpan& source) const {
    if (offset > size || source.length > size - offset) {
      throw ZbError(code::kInvalidArgument, "Invalid argument source: " + std::to_string(source.length) + " bytes at offset " +
                                                std::to_string(offset) + " do not fit in a frame of " + std::to_string(size));
    }
    uint8_t* target = ring;
    if (!zeroCopy_ && !ref_.IsEmpty()) {
      Napi::ArrayBuffer ab = ref_.Value();
      if (!ab.IsDetached()) target = static_cast<uint8_t*>(ab.Data());
    }
    copyIntoRing(target + offset, source.data, source.length);
  }
  // The copying fallback's bytes go back to [dst, dst + size) (a no-op for a zero-copy view).
  void copyBack(uint8_t* dst, uint64_t size) {
    if (!zeroCopy_ && !ref_.IsEmpty()) {
      Napi::ArrayBuffer ab = ref_.Value();
      if (!ab.IsDetached() && ab.ByteLength() == size) std::memcpy(dst, ab.Data(), size_t(size));
    }
  }
  // Commit: the bytes go back, then the view is detached.
  void commitTo(uint8_t* dst, uint64_t size) {
    copyBack(dst, size);
    detach();
  }
  void detach() { detachQuietly(ref_); }

 private:
  Napi::Reference<Napi::ArrayBuffer> ref_;
  bool zeroCopy_ = false;
};

}  // namespace zb::js
