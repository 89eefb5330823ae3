// JS <-> native helpers: error objects, argument validation, snapshots, frame views.
#pragma once
#include <napi.h>

#include <exception>
#include <memory>
#include <optional>
#include <string>

#include "core/errors.hpp"
#include "core/layout.hpp"
#include "posix/session_base.hpp"
#include "posix/shm.hpp"

namespace zb::js {

// Error with `code` and the extra fields of src/native.ts.
Napi::Error toJsError(Napi::Env env, const ZbError& e);
[[noreturn]] void throwJs(Napi::Env env, const ZbError& e);
// An already rejected promise: how an asynchronous call reports an error it finds synchronously.
Napi::Promise rejected(Napi::Env env, const ZbError& e);

// Runs f; converts ZbError into a thrown JS error.
template <typename F>
auto guard(Napi::Env env, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ZbError& e) {
    throwJs(env, e);
  }
}

// Runs f off the JS thread; returns the error it ended with (any other std::exception becomes
// ZB_OS_ERROR), or nullopt.
template <typename F>
std::optional<ZbError> captureError(F&& f) {
  try {
    f();
  } catch (const ZbError& e) {
    return e;
  } catch (const std::exception& e) {
    return ZbError(code::kOsError, e.what());
  }
  return std::nullopt;
}

std::string validateName(const Napi::Value& v);                       // ZB_INVALID_NAME
uint64_t validateSize(const Napi::Value& v, const char* field, uint64_t min, uint64_t max);  // ZB_INVALID_CONFIG
std::optional<mode_t> validatePermissions(const Napi::Value& v);       // ZB_INVALID_ARGUMENT
double validateTimeout(const Napi::Value& v, bool allowInfinity);      // ZB_INVALID_ARGUMENT
uint64_t validateCount(const Napi::Value& v, const char* name);         // non-negative safe integer
// Uint8Array (Buffer included); returns pointer/length; ZB_INVALID_ARGUMENT otherwise.
Napi::Uint8Array validateBytes(const Napi::Value& v, const char* name);
// The bytes of a Uint8Array with a single N-API call (the per-frame path of batched writes);
// ZB_INVALID_ARGUMENT naming `name` (and `index` when given) otherwise.
struct ByteSpan {
  const uint8_t* data;
  size_t length;
};
ByteSpan bytesOf(napi_env env, napi_value v, const char* name, int64_t index = -1);
// The numbers of a Float64Array with a single N-API call; ZB_INVALID_ARGUMENT otherwise.
struct DoubleSpan {
  double* data;
  size_t length;
};
DoubleSpan doublesOf(napi_env env, napi_value v, const char* name);

Napi::Object oiebToJs(Napi::Env env, const OiebValues& v);
Napi::Object semValuesToJs(Napi::Env env, const SemValues& v);

// An ArrayBuffer over [ptr, ptr+len) of a mapping: external (zero-copy) when the runtime allows
// it, otherwise an ordinary copy. The external buffer keeps the mapping alive until finalised.
Napi::ArrayBuffer makeView(Napi::Env env, const std::shared_ptr<Mapping>& mapping, uint8_t* ptr, size_t len,
                           bool& zeroCopy);
// Whether makeView makes external (zero-copy) views in this runtime.
bool externalViewsAllowed(Napi::Env env);
void detachQuietly(Napi::Reference<Napi::ArrayBuffer>& ref);

}  // namespace zb::js
