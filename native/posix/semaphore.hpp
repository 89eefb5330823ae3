// POSIX named semaphores (protocol.md §2.4, §8.2, §14.1).
#pragma once
#include <semaphore.h>

#include <cstdint>
#include <string>

namespace zb {

std::string semNameData(const std::string& name);   // "/sem-w-<name>"
std::string semNameSpace(const std::string& name);  // "/sem-r-<name>"
std::string semPath(const std::string& semName);    // "/dev/shm/sem.<semName without '/'>"

// O_CREAT|O_EXCL, 0666, value 0; on EEXIST unlink and create once more (§2.4.2); a second EEXIST
// throws ZB_READER_EXISTS. Other failures throw the mapped OS error.
sem_t* semCreateFresh(const std::string& semName, const std::string& bufferName);
// sem_open(name, 0). Returns nullptr with errno set on failure.
sem_t* semOpenExisting(const std::string& semName);

// Posts once; EOVERFLOW counts as success. Never throws.
void semPostOnce(sem_t* sem);

enum class WaitResult { Posted, TimedOut };
// One bounded wait until the monotonic deadline (ns); EINTR retried with the same deadline.
// Other errors throw ZB_OS_ERROR.
WaitResult semWaitUntil(sem_t* sem, int64_t deadlineNs);
// sem_trywait: true if a post was consumed.
bool semTryWait(sem_t* sem);
int semValue(sem_t* sem);

}  // namespace zb
