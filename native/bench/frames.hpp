// Native-only benchmark endpoints and anchors (see frames.cpp, anchors.cpp).
#pragma once
#include <cstdint>
#include <string>

namespace zb::bench {

struct FrameArgs {
  std::string name;
  uint64_t frames;
  uint64_t size;
  uint64_t ringBytes;    // reader: payload size P of the buffer it creates
  bool zeroCopy;         // path: zerocopy or copy
  bool latency;          // frames carry a timestamp; the reader reports one-way latency
  uint64_t intervalUs;   // writer: pause before each frame (latency runs)
};

int runReader(const FrameArgs& a);
int runWriter(const FrameArgs& a);

// Two processes alternately post a named semaphore the other waits on, each ping after a pause of
// intervalUs; the woken side records post → wake-up on CLOCK_MONOTONIC: the one-way latency floor.
int runPingPong(uint64_t samples, uint64_t intervalUs);
// memcpy of `size`-byte blocks cycling through two ringBytes-sized buffers for about `seconds`.
int runMemcpy(uint64_t size, uint64_t ringBytes, double seconds);
// `frames` frames of `size` bytes from one process to another through ringBytes of shared memory,
// with no protocol: the writer memcpy's the pattern frame into a free slot, the reader memcmp's it
// in place, both spin on two counters. The floor of any zero-copy pair whose writer fills with
// memcpy, on this machine's CPUs (docs/performance.md, "The 1 MiB cliff").
int runPipeline(uint64_t size, uint64_t ringBytes, uint64_t frames);

}  // namespace zb::bench
