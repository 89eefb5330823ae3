// The arguments of a Reader's batch calls (readBatch, readBatchSync, pollBatch), checked, and a
// batch's arrays held while an asynchronous read waits.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>

#include "binding/js_util.hpp"
#include "core/errors.hpp"

namespace zb::js {

// Where a batch goes (src/native.ts, NativeReader.readBatch): `pool[used..]` receives the copied
// payloads; `out` the count and one entry of kEntry numbers per frame.
struct BatchTarget {
  uint8_t* pool;
  size_t poolLength;
  size_t used;
  double* out;
  uint64_t maxFrames;
  uint64_t copyMax;
};
constexpr size_t kEntry = 4;        // token, sequence, size, offset
constexpr double kZeroCopyView = -1;  // offset of a frame handed out as the returned view
constexpr double kCopiedView = -2;    // the same where the runtime refused external buffers

// Arguments (pool, used, out, maxFrames, copyMax) of readBatch/readBatchSync/pollBatch, checked.
// A batch call is made per wake-up (a few frames when a reader keeps up), so the checks use one
// napi_get_typedarray_info per array rather than node-addon-api's three.
struct BatchArgs {
  napi_value pool;
  napi_value out;
  ByteSpan poolBytes;
  double* outData;
  size_t outLength;
  uint64_t used, maxFrames, copyMax;

  explicit BatchArgs(const Napi::CallbackInfo& info)
      : pool(info[0]),
        out(info[2]),
        poolBytes(bytesOf(info.Env(), info[0], "pool", -1)),
        used(validateCount(info[1], "used")),
        maxFrames(validateCount(info[3], "maxFrames")),
        copyMax(validateCount(info[4], "copyMax")) {
    const DoubleSpan o = doublesOf(info.Env(), out, "out");
    outData = o.data;
    outLength = o.length;
    if (used > poolBytes.length) throw ZbError(code::kInvalidArgument, "Invalid argument used: beyond the pool");
    if (maxFrames == 0 || outLength < 1 + kEntry * maxFrames) {
      throw ZbError(code::kInvalidArgument, "Invalid argument out: needs 1 + 4 * maxFrames (>= 1) numbers");
    }
  }
  BatchTarget target() const {
    return BatchTarget{const_cast<uint8_t*>(poolBytes.data), poolBytes.length, size_t(used), outData, maxFrames, copyMax};
  }
};

// A batch's arrays held across an asynchronous wait: only references are kept, and target() looks
// the arrays up again once the wait is over — they may have been detached or resized meanwhile.
class HeldBatch {
 public:
  HeldBatch(Napi::Env env, const BatchArgs& a)
      : pool_(Napi::Persistent(Napi::Uint8Array(env, a.pool))),
        out_(Napi::Persistent(Napi::Float64Array(env, a.out))),
        used_(size_t(a.used)),
        maxFrames_(a.maxFrames),
        copyMax_(a.copyMax) {}

  BatchTarget target() const {
    Napi::Uint8Array pool = pool_.Value().As<Napi::Uint8Array>();
    Napi::Float64Array out = out_.Value().As<Napi::Float64Array>();
    if (used_ > pool.ByteLength() || out.ElementLength() < 1 + kEntry * maxFrames_) {
      throw ZbError(code::kInvalidArgument, "Invalid argument pool/out: detached or resized while the read waited");
    }
    return BatchTarget{pool.Data(), pool.ByteLength(), used_, out.Data(), maxFrames_, copyMax_};
  }

 private:
  Napi::Reference<Napi::Uint8Array> pool_;
  Napi::Reference<Napi::Float64Array> out_;
  size_t used_;
  uint64_t maxFrames_, copyMax_;
};

}  // namespace zb::js
