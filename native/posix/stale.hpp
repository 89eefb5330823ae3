// Stale resource cleanup (protocol.md §13) and the name-specific orphan sweep used by
// cleanStaleResources(name).
#pragma once
#include <string>
#include <vector>

namespace zb {

// §13 over /tmp/zerobuffer (restricted to `only` when non-null). Never throws. Appends the paths it
// removed to `removed` when non-null.
void staleScan(const std::string* only, std::vector<std::string>* removed);

// NativeBinding.cleanStaleResources(name?).
std::vector<std::string> cleanStaleResources(const std::string* name);

}  // namespace zb
