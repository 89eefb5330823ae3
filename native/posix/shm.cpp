#include "posix/shm.hpp"

#include <errno.h>
#include <sys/mman.h>

#include "posix/os_error.hpp"

namespace zb {

std::string shmName(const std::string& name) { return "/" + name; }
std::string shmPath(const std::string& name) { return "/dev/shm/" + name; }

Mapping::~Mapping() {
  if (base_ != nullptr) munmap(base_, length_);
}

std::shared_ptr<Mapping> mapShared(int fd, size_t length, bool writable, const std::string& path) {
  void* p = mmap(nullptr, length, writable ? (PROT_READ | PROT_WRITE) : PROT_READ, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) throw osError(errno, "mmap", path, length);
  return std::make_shared<Mapping>(static_cast<uint8_t*>(p), length);
}

}  // namespace zb
