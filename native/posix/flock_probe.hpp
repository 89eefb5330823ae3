// Non-blocking flock probe of a lock file (§2.5): never creates, unlinks or keeps a lock. Shared by
// inspectBuffer and the harness's test-support addon, so it depends on nothing but libc.
#pragma once
#include <string>

namespace zb {

// The descriptor a probe uses: open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), -1 if that fails.
int openForProbe(const std::string& path);
// Probes a descriptor from openForProbe and closes it: "missing" (fd < 0) | "free" | "held".
const char* probeAndClose(int fd);

inline const char* flockProbe(const std::string& path) { return probeAndClose(openForProbe(path)); }

}  // namespace zb
