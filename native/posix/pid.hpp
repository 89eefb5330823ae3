// PID liveness (protocol.md §8.1).
#pragma once
#include <cstdint>

namespace zb {
bool pidLive(uint64_t v);           // §8.1.1; a zombie (state Z) counts as dead
bool pidLiveForReader(uint64_t v);  // §8.1.3: live and != getpid()
uint64_t selfPid();
}  // namespace zb
