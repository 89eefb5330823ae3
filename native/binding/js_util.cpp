#include "binding/js_util.hpp"

#include <atomic>
#include <cmath>
#include <cstring>

#include "core/names.hpp"

namespace zb::js {

Napi::Error toJsError(Napi::Env env, const ZbError& e) {
  Napi::Error err = Napi::Error::New(env, e.message);
  Napi::Object o = err.Value();
  o.Set("code", Napi::String::New(env, e.code));
  if (e.code == code::kWriterDead) o.Set("graceful", Napi::Boolean::New(env, e.graceful));
  if (e.hasSequence) {
    o.Set("expected", Napi::BigInt::New(env, e.expected));
    o.Set("got", Napi::BigInt::New(env, e.got));
  }
  if (!e.errnoName.empty()) o.Set("errno", Napi::String::New(env, e.errnoName));
  if (!e.syscall.empty()) o.Set("syscall", Napi::String::New(env, e.syscall));
  if (!e.path.empty()) o.Set("path", Napi::String::New(env, e.path));
  return err;
}

void throwJs(Napi::Env env, const ZbError& e) { throw toJsError(env, e); }

Napi::Promise rejected(Napi::Env env, const ZbError& e) {
  auto d = Napi::Promise::Deferred::New(env);
  d.Reject(toJsError(env, e).Value());
  return d.Promise();
}

static ZbError invalidArg(const std::string& msg) { return ZbError(code::kInvalidArgument, msg); }

static std::string describe(const Napi::Value& v) {
  if (v.IsString()) return jsonQuote(v.As<Napi::String>().Utf16Value());
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber() || v.IsBoolean() || v.IsBigInt()) return v.ToString().Utf8Value();
  return "a value of type " + std::string(v.IsObject() ? "object" : "other");
}

std::string validateName(const Napi::Value& v) {
  if (!v.IsString()) throw ZbError(code::kInvalidName, "Invalid buffer name " + describe(v) + ": must be a string");
  return validateNameUtf16(v.As<Napi::String>().Utf16Value());
}

uint64_t validateSize(const Napi::Value& v, const char* field, uint64_t min, uint64_t max) {
  if (v.IsNumber()) {
    const double d = v.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && d == std::floor(d) && d >= double(min) && d <= double(max)) return uint64_t(d);
  }
  throw ZbError(code::kInvalidConfig, std::string("Invalid ") + field + ": " + describe(v) +
                                          " (must be an integer in [" + std::to_string(min) + ", " +
                                          std::to_string(max) + "])");
}

std::optional<mode_t> validatePermissions(const Napi::Value& v) {
  if (v.IsUndefined() || v.IsNull()) return std::nullopt;
  if (v.IsNumber()) {
    const double d = v.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && d == std::floor(d) && d >= 0 && d <= 07777) return mode_t(d);
  }
  throw invalidArg("Invalid argument permissions: " + describe(v) + " (must be an integer mode in [0, 0o7777])");
}

double validateTimeout(const Napi::Value& v, bool allowInfinity) {
  if (!v.IsNumber()) throw invalidArg("Invalid argument timeoutMs: " + describe(v) + " (must be a number >= 0)");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (std::isnan(d) || d < 0) throw invalidArg("Invalid argument timeoutMs: " + describe(v) + " (must be >= 0)");
  if (std::isinf(d) && !allowInfinity) {
    throw invalidArg("Invalid argument timeoutMs: Infinity is only allowed for asynchronous calls");
  }
  return d;
}

uint64_t validateCount(const Napi::Value& v, const char* name) {
  if (v.IsNumber()) {
    const double d = v.As<Napi::Number>().DoubleValue();
    if (std::isfinite(d) && d == std::floor(d) && d >= 0 && d <= 9007199254740991.0) return uint64_t(d);
  }
  throw invalidArg(std::string("Invalid argument ") + name + ": " + describe(v) + " (must be a non-negative integer)");
}

Napi::Uint8Array validateBytes(const Napi::Value& v, const char* name) {
  if (v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) return v.As<Napi::Uint8Array>();
  throw invalidArg(std::string("Invalid argument ") + name + ": must be a Uint8Array");
}

ByteSpan bytesOf(napi_env env, napi_value v, const char* name, int64_t index) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok || type != napi_uint8_array) {
    const std::string what = index < 0 ? std::string(name) : std::string(name) + "[" + std::to_string(index) + "]";
    throw invalidArg("Invalid argument " + what + ": must be a Uint8Array");
  }
  return ByteSpan{static_cast<const uint8_t*>(data), length};
}

DoubleSpan doublesOf(napi_env env, napi_value v, const char* name) {
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok || type != napi_float64_array) {
    throw invalidArg(std::string("Invalid argument ") + name + ": must be a Float64Array");
  }
  return DoubleSpan{static_cast<double*>(data), length};
}

Napi::Object oiebToJs(Napi::Env env, const OiebValues& v) {
  auto big = [&](uint64_t x) { return Napi::BigInt::New(env, x); };
  Napi::Object o = Napi::Object::New(env);
  o.Set("oiebSize", Napi::Number::New(env, v.oiebSize));
  Napi::Object ver = Napi::Object::New(env);
  ver.Set("major", Napi::Number::New(env, v.version.major));
  ver.Set("minor", Napi::Number::New(env, v.version.minor));
  ver.Set("patch", Napi::Number::New(env, v.version.patch));
  ver.Set("reserved", Napi::Number::New(env, v.version.reserved));
  o.Set("version", ver);
  o.Set("metadataSize", big(v.metadataSize));
  o.Set("metadataFreeBytes", big(v.metadataFree));
  o.Set("metadataWrittenBytes", big(v.metadataWritten));
  o.Set("payloadSize", big(v.payloadSize));
  o.Set("payloadFreeBytes", big(v.payloadFree));
  o.Set("payloadWritePos", big(v.writePos));
  o.Set("payloadReadPos", big(v.readPos));
  o.Set("payloadWrittenCount", big(v.writtenCount));
  o.Set("payloadReadCount", big(v.readCount));
  o.Set("writerPid", big(v.writerPid));
  o.Set("readerPid", big(v.readerPid));
  Napi::Array r = Napi::Array::New(env, 4);
  for (uint32_t i = 0; i < 4; ++i) r.Set(i, big(v.reserved[i]));
  o.Set("reserved", r);
  return o;
}

Napi::Object semValuesToJs(Napi::Env env, const SemValues& v) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("data", Napi::Number::New(env, v.data));
  o.Set("space", Napi::Number::New(env, v.space));
  return o;
}

static void releaseMappingRef(napi_env, void*, void* hint) {
  delete static_cast<std::shared_ptr<Mapping>*>(hint);
}

Napi::ArrayBuffer makeView(Napi::Env env, const std::shared_ptr<Mapping>& mapping, uint8_t* ptr, size_t len,
                           bool& zeroCopy) {
  auto* hint = new std::shared_ptr<Mapping>(mapping);
  napi_value result = nullptr;
  const napi_status st = napi_create_external_arraybuffer(env, ptr, len, releaseMappingRef, hint, &result);
  if (st == napi_ok) {
    zeroCopy = true;
    return Napi::ArrayBuffer(env, result);
  }
  delete hint;
  // e.g. napi_no_external_buffers_allowed (V8 sandbox): copying fallback (§10.3).
  if (env.IsExceptionPending()) env.GetAndClearPendingException();
  zeroCopy = false;
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, len);
  if (len > 0) std::memcpy(ab.Data(), ptr, len);
  return ab;
}

bool externalViewsAllowed(Napi::Env env) {
  // A property of the runtime (a V8 sandbox refuses them all), so one probe per process.
  static std::atomic<int> known{-1};
  int k = known.load(std::memory_order_relaxed);
  if (k < 0) {
    static uint8_t probe = 0;
    napi_value ab = nullptr;
    const bool ok = napi_create_external_arraybuffer(env, &probe, 1, nullptr, nullptr, &ab) == napi_ok;
    if (ok) {
      napi_detach_arraybuffer(env, ab);
    } else if (env.IsExceptionPending()) {
      env.GetAndClearPendingException();
    }
    k = ok ? 1 : 0;
    known.store(k, std::memory_order_relaxed);
  }
  return k == 1;
}

void detachQuietly(Napi::Reference<Napi::ArrayBuffer>& ref) {
  if (ref.IsEmpty()) return;
  Napi::ArrayBuffer ab = ref.Value();
  if (!ab.IsEmpty() && !ab.IsDetached()) napi_detach_arraybuffer(ref.Env(), ab);
  ref.Reset();
}

}  // namespace zb::js
