// The view a Writer hands to JavaScript for a frame or metadata it fills in place.
#pragma once
#include <napi.h>

#include <cstdint>
#include <cstring>
#include <memory>

#include "binding/js_util.hpp"

namespace zb::js {

// A writable view handed to JS over ring or metadata bytes (§10.1, §4.3): external over the mapping,
// or, where the runtime refuses that, a copy whose bytes go back at commit (§10.3).
class WritableView {
 public:
  Napi::ArrayBuffer open(Napi::Env env, const std::shared_ptr<Mapping>& mapping, uint8_t* ptr, uint64_t size) {
    Napi::ArrayBuffer ab = makeView(env, mapping, ptr, size_t(size), zeroCopy_);
    ref_ = Napi::Persistent(ab);
    return ab;
  }
  bool isOpen() const { return !ref_.IsEmpty(); }
  // The open view's ArrayBuffer (isOpen() first).
  Napi::ArrayBuffer buffer() const { return ref_.Value(); }
  // Where bytes written into the frame at `ring` go: the fallback's copy while it is open and not
  // detached (its bytes go back at commit), else the ring itself.
  uint8_t* target(uint8_t* ring) const {
    if (zeroCopy_ || ref_.IsEmpty()) return ring;
    Napi::ArrayBuffer ab = ref_.Value();
    return ab.IsDetached() ? ring : static_cast<uint8_t*>(ab.Data());
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
