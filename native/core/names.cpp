#include "core/names.hpp"

#include <cstdint>
#include <cstdio>

#include "core/errors.hpp"

namespace zb {
namespace {

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (cp >> 18)));
    out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
}

// §2.2.1: glibc keeps named semaphores in /dev/shm/sem.<sem name>, so the shared memory object of
// a buffer named "sem.sem-w-<x>" would be buffer <x>'s data semaphore, and the orphan handling of
// §2.7 step 4 would unlink it under a live <x>.
constexpr const char* kSemaphorePrefixRule = "must not start with 'sem.' (glibc's semaphore files are /dev/shm/sem.*)";
bool hasSemaphorePrefix(std::string_view utf8) { return utf8.substr(0, 4) == "sem."; }

bool isHigh(char16_t c) { return c >= 0xD800 && c <= 0xDBFF; }
bool isLow(char16_t c) { return c >= 0xDC00 && c <= 0xDFFF; }

void appendEscape(std::string& out, uint32_t unit) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(unit));
  out += buf;
}

[[noreturn]] void fail(std::u16string_view name, const char* rule) {
  throw ZbError(code::kInvalidName, "Invalid buffer name " + jsonQuote(name) + ": " + rule);
}

// Decodes one UTF-8 sequence; returns its length or 0 when malformed.
size_t utf8Seq(std::string_view s, size_t i, uint32_t& cp) {
  const auto b = [&](size_t k) { return uint8_t(s[k]); };
  uint8_t c = b(i);
  if (c < 0x80) { cp = c; return 1; }
  size_t n;
  uint32_t min;
  if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1F; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0F; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07; min = 0x10000; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::string jsonQuote(std::u16string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    char16_t c = s[i];
    switch (c) {
      case u'"': out += "\\\""; continue;
      case u'\\': out += "\\\\"; continue;
      case u'\b': out += "\\b"; continue;
      case u'\f': out += "\\f"; continue;
      case u'\n': out += "\\n"; continue;
      case u'\r': out += "\\r"; continue;
      case u'\t': out += "\\t"; continue;
      default: break;
    }
    if (c < 0x20) { appendEscape(out, c); continue; }
    if (isHigh(c) && i + 1 < s.size() && isLow(s[i + 1])) {
      uint32_t cp = 0x10000 + ((uint32_t(c) - 0xD800) << 10) + (uint32_t(s[i + 1]) - 0xDC00);
      appendUtf8(out, cp);
      ++i;
      continue;
    }
    if (isHigh(c) || isLow(c)) { appendEscape(out, c); continue; }
    appendUtf8(out, c);
  }
  out += "\"";
  return out;
}

std::string jsonQuoteUtf8(std::string_view s) {
  std::u16string u;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    size_t n = utf8Seq(s, i, cp);
    if (n == 0) { cp = 0xFFFD; n = 1; }
    if (cp >= 0x10000) {
      u.push_back(char16_t(0xD800 + ((cp - 0x10000) >> 10)));
      u.push_back(char16_t(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      u.push_back(char16_t(cp));
    }
    i += n;
  }
  return jsonQuote(u);
}

std::string validateNameUtf16(std::u16string_view name) {
  if (name.empty()) fail(name, "must not be empty");
  std::string utf8;
  for (size_t i = 0; i < name.size(); ++i) {
    char16_t c = name[i];
    if (isHigh(c)) {
      if (i + 1 >= name.size() || !isLow(name[i + 1])) fail(name, "contains a lone surrogate (not well-formed UTF-16)");
      appendUtf8(utf8, 0x10000 + ((uint32_t(c) - 0xD800) << 10) + (uint32_t(name[i + 1]) - 0xDC00));
      ++i;
      continue;
    }
    if (isLow(c)) fail(name, "contains a lone surrogate (not well-formed UTF-16)");
    if (c == u'/') fail(name, "must not contain '/'");
    if (c == 0) fail(name, "must not contain the NUL character");
    appendUtf8(utf8, c);
  }
  if (utf8 == "." || utf8 == "..") fail(name, "must not be '.' or '..'");
  if (hasSemaphorePrefix(utf8)) fail(name, kSemaphorePrefixRule);
  if (utf8.size() > kMaxNameBytes) {
    throw ZbError(code::kInvalidName, "Invalid buffer name " + jsonQuote(name) + ": longer than 245 bytes in UTF-8 (" +
                                          std::to_string(utf8.size()) + " bytes)");
  }
  return utf8;
}

bool isValidNameBytes(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes || name == "." || name == ".." || hasSemaphorePrefix(name)) return false;
  for (size_t i = 0; i < name.size();) {
    uint32_t cp;
    size_t n = utf8Seq(name, i, cp);
    if (n == 0 || cp == 0 || cp == '/') return false;
    i += n;
  }
  return true;
}

}  // namespace zb
