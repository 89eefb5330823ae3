// Non-blocking flock probe of a lock file (§2.5): never creates, unlinks or keeps a lock. Shared by
// inspectBuffer, the stale scan and the harness's test-support addon, so it depends on nothing but
// libc.
#pragma once
#include <fcntl.h>

#include <string>

namespace zb {

// Opens a lock file for probing (protocol.md §13 step 1): O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
// O_NONBLOCK, relative to `dirfd` (AT_FDCWD: `path` as given), and keeps it only if it is a regular
// file. A FIFO, socket or device planted as a lock file must never block the caller (opening a FIFO
// without O_NONBLOCK waits for a writer) nor count as a lock. -1 if not opened or not regular.
int openForProbe(const std::string& path, int dirfd = AT_FDCWD);
// Probes a descriptor from openForProbe and closes it: "missing" (fd < 0) | "free" | "held".
const char* probeAndClose(int fd);

inline const char* flockProbe(const std::string& path) { return probeAndClose(openForProbe(path)); }

}  // namespace zb
