// errno → ZeroBuffer error mapping (protocol.md §9).
#pragma once
#include <string>

#include "core/errors.hpp"

namespace zb {

std::string errnoName(int err);
// ENOSPC/ENOMEM/EFBIG → ZB_NO_SPACE, EACCES/EPERM → ZB_PERMISSION_DENIED,
// EMFILE/ENFILE → ZB_RESOURCE_LIMIT, else ZB_OS_ERROR. `bytes` (if nonzero) is quoted for NO_SPACE.
ZbError osError(int err, const std::string& syscall, const std::string& path, uint64_t bytes = 0);

}  // namespace zb
