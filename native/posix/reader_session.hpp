// A Reader's OS resources + ReaderCore + the waiting/closing protocol shared by the JS thread and
// one worker (protocol.md §2.7, §2.8, §6, §15.3).
#pragma once
#include <semaphore.h>
#include <sys/types.h>

#include <cstdint>
#include <exception>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/reader_core.hpp"
#include "posix/spin.hpp"
#include "posix/session_base.hpp"

namespace zb {

class ReaderSession final : public SessionBase {
 public:
  // §2.7 (arguments already validated). Throws ZbError; rolls back everything it created.
  static std::shared_ptr<ReaderSession> create(const std::string& name, uint64_t metadataSize,
                                               uint64_t payloadSize, std::optional<mode_t> permissions);
  ~ReaderSession() override;

  uint64_t M() const { return core_.M(); }
  uint64_t P() const { return core_.P(); }
  uint8_t* ring() const { return core_.ring(); }

  // R1 and the §6.3 wait: true once a post on sem-w was consumed — the caller must then consume
  // the frame (consumeReady) before anything else reads —, false on timeout (0: one sem_trywait,
  // after which a gone Writer is reported). Polls before it sleeps (spin.hpp) unless the caller
  // just did (tryReadWithin). Throws ZbError (ZB_CLOSED, ZB_WRITER_DEAD, poison errors, OS
  // errors). Callable from the JS thread or a wait thread (one at a time).
  bool awaitFrame(double timeoutMs, bool poll = true);
  // awaitFrame's steps, for a wait carried out elsewhere (the addon's io_uring read, on the JS
  // thread, that consumes sem-w's posts itself): before waiting (ZB_CLOSED, poison errors); after
  // a post was consumed (a truncated segment); after a slice without one (closed, truncated, a
  // gone Writer).
  void checkWaitable();
  void checkAfterPost() { checkSegmentSize(); }
  void checkAfterSlice();
  // sem-w, valid until close() (the io_uring read withdraws from it before that).
  sem_t* dataSemaphore() const { return semW_; }
  // R2–R13 for the post awaitFrame consumed.
  ReadFrame consumeReady();
  // Instead of consumeReady, when the caller cannot take the frame after all: the post goes back to
  // sem-w, so the next read finds the frame (no-op once closing: close discards what is unread).
  void returnReady();
  // Both: nullopt on timeout.
  std::optional<ReadFrame> read(double timeoutMs) {
    return awaitFrame(timeoutMs) ? std::optional<ReadFrame>(consumeReady()) : std::nullopt;
  }

  // A frame only if one is ready now (sem_trywait); nullopt if the caller must wait (no Writer
  // check: that belongs to the wait). How batches continue.
  std::optional<ReadFrame> tryReadNow();
  // tryReadNow, polled (spin.hpp) for up to timeoutMs: the JS thread's attempt before it hands a
  // wait to the wait thread (which then calls awaitFrame without polling again).
  std::optional<ReadFrame> tryReadWithin(double timeoutMs) { return spin_.poll(limitNs(timeoutMs), [&] { return tryReadNow(); }); }

  // What drain() does with a frame: release it with the batch, release it and end the batch, or
  // keep it (the caller releases it later; ends the batch).
  enum class Take { Release, ReleaseAndStop, Keep };
  // `first` (consumed) and then every frame that is ready now, up to `max`, each handed to
  // `take(frame)`. The session lock is held for the whole batch, its releases included (one lock
  // instead of one per frame; `take` must not call back into the session). The frames `take` is
  // done with are released together at the end: their bytes go back with one fetch_add before the
  // first post, so a Writer waiting for space wakes to all of it rather than to one frame at a
  // time. An error after the first frame ends the batch (the frames so far are the caller's; it
  // recurs on the next read). Returns the number of frames.
  template <typename F>
  size_t drain(const ReadFrame& first, size_t max, F&& take) {
    Drained d;
    {
      std::lock_guard<std::mutex> g(mu_);
      d = drainLocked(first, max, take);
    }
    return finish(d);
  }
  // drain() of the frames ready now (the first by sem_trywait under the same lock): 0 when none is.
  // Throws what tryReadNow throws when the first frame fails (nothing taken then).
  template <typename F>
  size_t drainReady(size_t max, F&& take) {
    Drained d;
    {
      std::lock_guard<std::mutex> g(mu_);
      const std::optional<ReadFrame> first = tryReadLocked();
      if (!first) return 0;
      d = drainLocked(*first, max, take);
    }
    return finish(d);
  }
  // drainReady, polled (spin.hpp) for up to timeoutMs: a wake-up that finds frames costs one lock.
  template <typename F>
  size_t pollDrain(double timeoutMs, size_t max, F&& take) {
    return spin_.poll(limitNs(timeoutMs), [&] { return drainReady(max, take); });
  }

  // §6.7: JS thread; never throws for EOVERFLOW. Several tokens at once return their bytes
  // together before the first post, so a Writer waiting for space wakes to all of it.
  void release(const uint64_t* tokens, size_t n);
  void release(uint64_t token) { release(&token, 1); }
  bool isReleased(uint64_t token);
  std::vector<uint8_t> metadata();

 private:
  ReaderSession(std::string name, int shmFd, int lockFd, std::shared_ptr<Mapping> mapping, sem_t* semW,
                sem_t* semR, uint64_t M, uint64_t P);

  std::optional<ReadFrame> tryReadLocked();  // tryReadNow with mu_ held
  // The frames' bytes back and their posts owed (mu_ held); 0 once closing, closed or truncated.
  uint64_t releaseLocked(const uint64_t* tokens, size_t n);
  void postSpace(uint64_t posts);

  // A batch taken with mu_ held: its size, the posts its releases owe (made once mu_ is released,
  // so a woken Writer never waits for our lock) and what `take` threw, if anything.
  struct Drained {
    size_t n = 0;
    uint64_t posts = 0;
    std::exception_ptr failure;
  };
  template <typename F>
  Drained drainLocked(const ReadFrame& first, size_t max, F& take) {
    done_.clear();
    Drained d;
    try {
      std::optional<ReadFrame> f = first;
      while (f) {
        ++d.n;
        const Take t = take(*f);
        if (t != Take::Keep) done_.push_back(f->token);
        if (t != Take::Release || d.n == max) break;
        try {
          f = tryReadLocked();
        } catch (const ZbError&) {
          break;
        }
      }
    } catch (...) {  // `take` failed: what it was done with still goes back
      d.failure = std::current_exception();
    }
    d.posts = releaseLocked(done_.data(), done_.size());
    return d;
  }
  size_t finish(const Drained& d) {
    postSpace(d.posts);
    if (d.failure) std::rethrow_exception(d.failure);
    return d.n;
  }

  void wakeOwnOp() override;  // posts sem-w
  // §2.8: step 1 is beginClose(); the binding detaches its views (step 2) before finishClose()
  // runs this.
  void teardown() override;

  int lockFd_;
  ReaderCore core_;  // protected by mu_
  std::vector<uint64_t> done_;  // drain(): tokens to release at the end of the batch
  SpinBudget spin_;             // polls for frames
};

}  // namespace zb
