// Stale resource cleanup (protocol.md §13) and the name-specific orphan sweep used by
// cleanStaleResources(name).
#pragma once
#include <string>
#include <vector>

namespace zb {

// §13 over the lock directory open as `lockDirFd` (a LockDir), restricted to `only` when non-null.
// Never throws. Appends the paths it removed to `removed` when non-null.
void staleScan(int lockDirFd, const std::string* only, std::vector<std::string>* removed);

// NativeBinding.cleanStaleResources(name?): the lock directory is checked as for Reader creation
// (throws ZB_OS_ERROR when it is not a real directory), then §13 runs relative to it.
std::vector<std::string> cleanStaleResources(const std::string* name);

}  // namespace zb
