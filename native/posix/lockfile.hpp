// Lock directory and lock file (protocol.md §2.5).
#pragma once
#include <string>

namespace zb {

inline constexpr const char* kLockDir = "/tmp/zerobuffer";
std::string lockPath(const std::string& name);  // /tmp/zerobuffer/<name>.lock

// §2.5.1: mkdir 0777 (+ chmod 01777 only if created); lstat must show a directory.
void ensureLockDir();

// §2.5.2–2.5.4: returns the locked descriptor. Throws ZB_READER_EXISTS after 100 ms of
// EWOULDBLOCK, or a mapped OS error.
int acquireLock(const std::string& name);

// §2.8 step 6: unlink while still holding the flock, then close.
void releaseLock(int fd, const std::string& name);

}  // namespace zb
