// Shared memory objects and mappings (protocol.md §2.3).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace zb {

std::string shmName(const std::string& name);  // "/<name>"
std::string shmPath(const std::string& name);  // "/dev/shm/<name>"

// A mapping, unmapped when the last owner lets go. Frame views hold a reference too, so a view
// that outlives its Reader/Writer (e.g. on a GC-finaliser path) can never touch unmapped memory.
class Mapping {
 public:
  Mapping(uint8_t* base, size_t length) : base_(base), length_(length) {}
  ~Mapping();
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  uint8_t* base() const { return base_; }
  size_t length() const { return length_; }

 private:
  uint8_t* base_;
  size_t length_;
};

// mmap(fd) read/write shared (or read-only). Throws mapped OS errors.
std::shared_ptr<Mapping> mapShared(int fd, size_t length, bool writable, const std::string& path);

}  // namespace zb
