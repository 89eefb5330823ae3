// Read-only inspection of a buffer by name (CLI `inspect`, diagnostics). Never modifies anything.
#pragma once
#include <optional>
#include <string>

#include "core/layout.hpp"

namespace zb {

struct Inspection {
  bool exists = false;
  uint64_t segmentSize = 0;
  std::optional<OiebValues> oieb;
  bool readerAlive = false;
  bool writerAlive = false;
  std::optional<int> semData, semSpace;
  bool lockExists = false;
  bool lockHeld = false;
};

Inspection inspectBuffer(const std::string& name);

// sem_open(name, 0) + sem_getvalue + sem_close; nullopt when it cannot be opened.
std::optional<int> semaphoreProbe(const std::string& semName);

}  // namespace zb
