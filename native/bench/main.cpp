// zb_bench: the native programs of `npm run bench` (bench/run.ts starts them; not shipped).
//
//   zb_bench reader   <name> <frames> <size> <copy|zerocopy|blocking> <ringBytes> <latency 0|1>
//   zb_bench writer   <name> <frames> <size> <copy|zerocopy> <latency 0|1> <intervalUs>
//   zb_bench pingpong <samples> <intervalUs>
//   zb_bench memcpy   <size> <ringBytes> <seconds>
//   zb_bench pipeline <size> <ringBytes> <frames>
//
// Each prints one JSON result line (report.hpp); a reader prints "ready" first, once its buffer
// exists. Exit code 0 only when every frame arrived and matched. A native reader always blocks in
// its waits: `blocking` is its copy path. A latency frame is stamped right before it is published
// (copy: before write() copies it; zero-copy: before the commit).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "bench/frames.hpp"
#include "core/errors.hpp"

namespace {

uint64_t num(const char* s) { return std::strtoull(s, nullptr, 10); }

int usage() {
  std::fprintf(stderr, "usage: zb_bench reader|writer|pingpong|memcpy|pipeline ... (see native/bench/main.cpp)\n");
  return 2;
}

int dispatch(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string cmd = argv[1];
  if ((cmd == "reader" || cmd == "writer") && argc == 8) {
    zb::bench::FrameArgs a{argv[2], num(argv[3]), num(argv[4]), 0, std::strcmp(argv[5], "zerocopy") == 0, false, 0};
    if (cmd == "reader") {
      a.ringBytes = num(argv[6]);
      a.latency = num(argv[7]) != 0;
      return zb::bench::runReader(a);
    }
    a.latency = num(argv[6]) != 0;
    a.intervalUs = num(argv[7]);
    return zb::bench::runWriter(a);
  }
  if (cmd == "pingpong" && argc == 4) return zb::bench::runPingPong(num(argv[2]), num(argv[3]));
  if (cmd == "memcpy" && argc == 5) return zb::bench::runMemcpy(num(argv[2]), num(argv[3]), std::strtod(argv[4], nullptr));
  if (cmd == "pipeline" && argc == 5) return zb::bench::runPipeline(num(argv[2]), num(argv[3]), num(argv[4]));
  return usage();
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const zb::ZbError& e) {
    std::fprintf(stderr, "zb_bench %s: %s: %s\n", argc > 1 ? argv[1] : "", e.code.c_str(), e.message.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "zb_bench %s: %s\n", argc > 1 ? argv[1] : "", e.what());
  }
  return 1;
}
