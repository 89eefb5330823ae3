#include "posix/uring_futex.hpp"

#include <errno.h>
#include <linux/io_uring.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <vector>

namespace zb {
namespace {

// Not in the 6.1 uapi headers this is built against (include/uapi/linux/io_uring.h, futex.h of 6.7).
constexpr uint8_t kOpFutexWait = 51;      // IORING_OP_FUTEX_WAIT
constexpr uint32_t kFutex2SizeU32 = 0x02;  // FUTEX2_SIZE_U32; no FUTEX2_PRIVATE (128): shared
constexpr uint64_t kFutexBitsetAny = 0xffffffffu;  // FUTEX_BITSET_MATCH_ANY, what FUTEX_WAKE matches
constexpr unsigned kEntries = 4;  // one wait and its cancellation in flight at most

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#define __NR_io_uring_enter 426
#define __NR_io_uring_register 427
#endif

int sysSetup(unsigned entries, io_uring_params* p) { return int(syscall(__NR_io_uring_setup, entries, p)); }
int sysEnter(int fd, unsigned toSubmit, unsigned minComplete, unsigned flags) {
  return int(syscall(__NR_io_uring_enter, fd, toSubmit, minComplete, flags, nullptr, 0));
}
int sysRegister(int fd, unsigned op, void* arg, unsigned nr) { return int(syscall(__NR_io_uring_register, fd, op, arg, nr)); }

template <typename T>
T* at(void* base, uint32_t off) {
  return reinterpret_cast<T*>(static_cast<uint8_t*>(base) + off);
}

// The ring indices are shared with the kernel: acquire what it wrote, release what we write.
uint32_t loadAcquire(uint32_t* p) { return std::atomic_ref<uint32_t>(*p).load(std::memory_order_acquire); }
void storeRelease(uint32_t* p, uint32_t v) { std::atomic_ref<uint32_t>(*p).store(v, std::memory_order_release); }

}  // namespace

std::unique_ptr<UringFutex> UringFutex::open(std::string* whyNot) {
  auto fail = [&](const char* what, int err) -> std::unique_ptr<UringFutex> {
    *whyNot = std::string(what) + ": " + strerror(err);
    return nullptr;
  };
  std::unique_ptr<UringFutex> u(new UringFutex());
  io_uring_params p;
  memset(&p, 0, sizeof p);
  // Deferred task work: the futex wake only queues the completion and signals the eventfd (no
  // task-work interruption of the event loop's epoll_wait); runDeferred() posts it.
  p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  u->fd_ = sysSetup(kEntries, &p);
  u->deferred_ = u->fd_ >= 0;
  if (u->fd_ < 0 && errno == EINVAL) {
    memset(&p, 0, sizeof p);
    u->fd_ = sysSetup(kEntries, &p);
  }
  if (u->fd_ < 0) return fail("io_uring_setup", errno);
  if ((p.features & IORING_FEAT_SINGLE_MMAP) == 0) return fail("io_uring without IORING_FEAT_SINGLE_MMAP", ENOSYS);

  // Probe before anything else: a kernel < 6.7 has io_uring but rejects the opcode.
  std::vector<uint8_t> probeMem(sizeof(io_uring_probe) + 256 * sizeof(io_uring_probe_op), 0);
  auto* probe = reinterpret_cast<io_uring_probe*>(probeMem.data());
  if (sysRegister(u->fd_, IORING_REGISTER_PROBE, probe, 256) < 0) return fail("IORING_REGISTER_PROBE", errno);
  if (probe->last_op < kOpFutexWait || (probe->ops[kOpFutexWait].flags & IO_URING_OP_SUPPORTED) == 0) {
    return fail("IORING_OP_FUTEX_WAIT (Linux >= 6.7)", EOPNOTSUPP);
  }

  const size_t sqBytes = p.sq_off.array + p.sq_entries * sizeof(uint32_t);
  const size_t cqBytes = p.cq_off.cqes + p.cq_entries * sizeof(io_uring_cqe);
  u->ringBytes_ = sqBytes > cqBytes ? sqBytes : cqBytes;
  u->ringMem_ = mmap(nullptr, u->ringBytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, u->fd_, IORING_OFF_SQ_RING);
  if (u->ringMem_ == MAP_FAILED) {
    u->ringMem_ = nullptr;
    return fail("mmap(io_uring rings)", errno);
  }
  u->sqesBytes_ = p.sq_entries * sizeof(io_uring_sqe);
  u->sqesMem_ = mmap(nullptr, u->sqesBytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, u->fd_, IORING_OFF_SQES);
  if (u->sqesMem_ == MAP_FAILED) {
    u->sqesMem_ = nullptr;
    return fail("mmap(io_uring sqes)", errno);
  }
  u->sqHead_ = at<uint32_t>(u->ringMem_, p.sq_off.head);
  u->sqTail_ = at<uint32_t>(u->ringMem_, p.sq_off.tail);
  u->sqMask_ = *at<uint32_t>(u->ringMem_, p.sq_off.ring_mask);
  u->sqArray_ = at<uint32_t>(u->ringMem_, p.sq_off.array);
  u->sqes_ = static_cast<io_uring_sqe*>(u->sqesMem_);
  u->cqHead_ = at<uint32_t>(u->ringMem_, p.cq_off.head);
  u->cqTail_ = at<uint32_t>(u->ringMem_, p.cq_off.tail);
  u->cqMask_ = *at<uint32_t>(u->ringMem_, p.cq_off.ring_mask);
  u->cqes_ = at<io_uring_cqe>(u->ringMem_, p.cq_off.cqes);

  u->efd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (u->efd_ < 0) return fail("eventfd", errno);
  if (sysRegister(u->fd_, IORING_REGISTER_EVENTFD, &u->efd_, 1) < 0) return fail("IORING_REGISTER_EVENTFD", errno);
  return u;
}

UringFutex::~UringFutex() {
  if (sqesMem_ != nullptr) munmap(sqesMem_, sqesBytes_);
  if (ringMem_ != nullptr) munmap(ringMem_, ringBytes_);
  if (fd_ >= 0) ::close(fd_);  // cancels whatever is still armed
  if (efd_ >= 0) ::close(efd_);
}

void UringFutex::drainEventFd() {
  uint64_t v;
  while (::read(efd_, &v, sizeof v) < 0 && errno == EINTR) {
  }
}

int UringFutex::submit(const io_uring_sqe& sqe) {
  const uint32_t tail = *sqTail_;  // only we write it
  if (tail - loadAcquire(sqHead_) > sqMask_) return -EBUSY;
  const uint32_t i = tail & sqMask_;
  sqes_[i] = sqe;
  sqArray_[i] = i;
  storeRelease(sqTail_, tail + 1);
  for (;;) {
    const int rc = sysEnter(fd_, 1, 0, 0);
    if (rc >= 0) return rc == 1 ? 0 : -EAGAIN;
    if (errno != EINTR) return -errno;
  }
}

int UringFutex::submitFutexWait(const uint32_t* word, uint32_t expected, uint64_t userData) {
  io_uring_sqe sqe;
  memset(&sqe, 0, sizeof sqe);
  sqe.opcode = kOpFutexWait;
  sqe.fd = int32_t(kFutex2SizeU32);  // io_futex_prep: the futex2 flags travel in sqe->fd
  sqe.addr = uint64_t(reinterpret_cast<uintptr_t>(word));
  sqe.addr2 = expected;
  sqe.addr3 = kFutexBitsetAny;
  sqe.user_data = userData;
  return submit(sqe);
}

int UringFutex::submitCancel(uint64_t target, uint64_t userData) {
  io_uring_sqe sqe;
  memset(&sqe, 0, sizeof sqe);
  sqe.opcode = IORING_OP_ASYNC_CANCEL;
  sqe.fd = -1;
  sqe.addr = target;
  sqe.user_data = userData;
  return submit(sqe);
}

bool UringFutex::popCqe(uint64_t& userData, int32_t& res) {
  const uint32_t head = *cqHead_;  // only we write it
  if (head == loadAcquire(cqTail_)) return false;
  const io_uring_cqe& c = cqes_[head & cqMask_];
  userData = c.user_data;
  res = c.res;
  storeRelease(cqHead_, head + 1);
  return true;
}

int UringFutex::getEvents(unsigned minComplete) {
  for (;;) {
    if (sysEnter(fd_, 0, minComplete, IORING_ENTER_GETEVENTS) >= 0) return 0;
    if (errno != EINTR) return -errno;
  }
}

int UringFutex::runDeferred() { return deferred_ ? getEvents(0) : 0; }

int UringFutex::waitCompletion() { return getEvents(1); }

}  // namespace zb
