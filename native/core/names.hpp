// Buffer name rules (protocol.md §2.2). Pure logic: no syscalls.
#pragma once
#include <string>
#include <string_view>

namespace zb {

inline constexpr size_t kMaxNameBytes = 245;

// Validates a JavaScript string given as UTF-16 code units. Returns the UTF-8 form or throws
// ZbError ZB_INVALID_NAME whose message contains the JSON-quoted name and the failed rule.
std::string validateNameUtf16(std::u16string_view name);

// Same rules for a name given as bytes (directory entries of the stale scan). No throw.
bool isValidNameBytes(std::string_view name);

// JSON.stringify of a UTF-16 string (lone surrogates escaped as \udXXX).
std::string jsonQuote(std::u16string_view s);
std::string jsonQuoteUtf8(std::string_view s);

}  // namespace zb
