// ZeroBuffer error value used by every native layer (protocol.md §9). Pure C++, no syscalls.
#pragma once
#include <cstdint>
#include <exception>
#include <string>

namespace zb {

namespace code {
inline constexpr const char* kInvalidName = "ZB_INVALID_NAME";
inline constexpr const char* kInvalidConfig = "ZB_INVALID_CONFIG";
inline constexpr const char* kInvalidArgument = "ZB_INVALID_ARGUMENT";
inline constexpr const char* kReaderExists = "ZB_READER_EXISTS";
inline constexpr const char* kBufferNotFound = "ZB_BUFFER_NOT_FOUND";
inline constexpr const char* kInvalidOieb = "ZB_INVALID_OIEB";
inline constexpr const char* kIncompatibleVersion = "ZB_INCOMPATIBLE_VERSION";
inline constexpr const char* kNoReader = "ZB_NO_READER";
inline constexpr const char* kWriterExists = "ZB_WRITER_EXISTS";
inline constexpr const char* kReaderDead = "ZB_READER_DEAD";
inline constexpr const char* kWriterDead = "ZB_WRITER_DEAD";
inline constexpr const char* kBufferFull = "ZB_BUFFER_FULL";
inline constexpr const char* kFrameUnplaceable = "ZB_FRAME_UNPLACEABLE";
inline constexpr const char* kFrameTooLarge = "ZB_FRAME_TOO_LARGE";
inline constexpr const char* kInvalidFrameSize = "ZB_INVALID_FRAME_SIZE";
inline constexpr const char* kMetadataAlreadyWritten = "ZB_METADATA_ALREADY_WRITTEN";
inline constexpr const char* kMetadataTooLarge = "ZB_METADATA_TOO_LARGE";
inline constexpr const char* kSequenceError = "ZB_SEQUENCE_ERROR";
inline constexpr const char* kCorruptFrame = "ZB_CORRUPT_FRAME";
inline constexpr const char* kCorruptMetadata = "ZB_CORRUPT_METADATA";
inline constexpr const char* kClosed = "ZB_CLOSED";
inline constexpr const char* kInvalidState = "ZB_INVALID_STATE";
inline constexpr const char* kNoSpace = "ZB_NO_SPACE";
inline constexpr const char* kPermissionDenied = "ZB_PERMISSION_DENIED";
inline constexpr const char* kResourceLimit = "ZB_RESOURCE_LIMIT";
inline constexpr const char* kOsError = "ZB_OS_ERROR";
}  // namespace code

struct ZbError : std::exception {
  std::string code;
  std::string message;
  // OS errors (ResourceError): errno name, syscall, optional path.
  std::string errnoName;
  std::string syscall;
  std::string path;
  // SequenceError
  bool hasSequence = false;
  uint64_t expected = 0;
  uint64_t got = 0;

  ZbError() = default;
  ZbError(std::string c, std::string m) : code(std::move(c)), message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
};

inline ZbError closedError(const std::string& what) {
  return ZbError(code::kClosed, what + " is closed");
}

inline ZbError sequenceError(uint64_t expected, uint64_t got) {
  ZbError e(code::kSequenceError,
            "Sequence error: expected " + std::to_string(expected) + ", got " + std::to_string(got));
  e.hasSequence = true;
  e.expected = expected;
  e.got = got;
  return e;
}

}  // namespace zb
