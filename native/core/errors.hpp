// ZeroBuffer error value used by every native layer (protocol.md §9). Pure C++, no syscalls.
#pragma once
#include <cstdint>
#include <exception>
#include <string>

namespace zb {

// Every stable code of §9, once: X(constant, "code"). Adding a code is one line here and one line
// in the table of src/errors.ts; test/error-codes.test.ts checks that both list the same codes.
#define ZB_ERROR_CODES(X)                                      \
  X(kInvalidName, "ZB_INVALID_NAME")                           \
  X(kInvalidConfig, "ZB_INVALID_CONFIG")                       \
  X(kInvalidArgument, "ZB_INVALID_ARGUMENT")                   \
  X(kReaderExists, "ZB_READER_EXISTS")                         \
  X(kBufferNotFound, "ZB_BUFFER_NOT_FOUND")                    \
  X(kInvalidOieb, "ZB_INVALID_OIEB")                           \
  X(kIncompatibleVersion, "ZB_INCOMPATIBLE_VERSION")           \
  X(kNoReader, "ZB_NO_READER")                                 \
  X(kReaderDead, "ZB_READER_DEAD")                             \
  X(kWriterExists, "ZB_WRITER_EXISTS")                         \
  X(kWriterDead, "ZB_WRITER_DEAD")                             \
  X(kBufferFull, "ZB_BUFFER_FULL")                             \
  X(kFrameUnplaceable, "ZB_FRAME_UNPLACEABLE")                 \
  X(kFrameTooLarge, "ZB_FRAME_TOO_LARGE")                      \
  X(kInvalidFrameSize, "ZB_INVALID_FRAME_SIZE")                \
  X(kMetadataAlreadyWritten, "ZB_METADATA_ALREADY_WRITTEN")    \
  X(kMetadataTooLarge, "ZB_METADATA_TOO_LARGE")                \
  X(kSequenceError, "ZB_SEQUENCE_ERROR")                       \
  X(kCorruptFrame, "ZB_CORRUPT_FRAME")                         \
  X(kCorruptMetadata, "ZB_CORRUPT_METADATA")                   \
  X(kClosed, "ZB_CLOSED")                                      \
  X(kInvalidState, "ZB_INVALID_STATE")                         \
  X(kNoSpace, "ZB_NO_SPACE")                                   \
  X(kPermissionDenied, "ZB_PERMISSION_DENIED")                 \
  X(kResourceLimit, "ZB_RESOURCE_LIMIT")                       \
  X(kOsError, "ZB_OS_ERROR")

namespace code {
#define ZB_ERROR_CODE_CONSTANT(name, text) inline constexpr const char* name = text;
ZB_ERROR_CODES(ZB_ERROR_CODE_CONSTANT)
#undef ZB_ERROR_CODE_CONSTANT

// All codes, in the order above.
#define ZB_ERROR_CODE_ENTRY(name, text) name,
inline constexpr const char* kAll[] = {ZB_ERROR_CODES(ZB_ERROR_CODE_ENTRY)};
#undef ZB_ERROR_CODE_ENTRY
}  // namespace code

struct ZbError : std::exception {
  std::string code;
  std::string message;
  // OS errors (ResourceError): errno name, syscall, optional path.
  std::string errnoName;
  std::string syscall;
  std::string path;
  // WriterDeadError: the Writer closed normally and every frame it wrote was consumed (not a crash).
  bool graceful = false;
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

// ZB_WRITER_DEAD after a normal close of the Writer (writer_pid 0, nothing left to read).
inline ZbError writerClosedError(const std::string& message) {
  ZbError e(code::kWriterDead, message);
  e.graceful = true;
  return e;
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
