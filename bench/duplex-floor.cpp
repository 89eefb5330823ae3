// The floor of the duplex round trip (bench/duplex.ts): the same echo exchange as
// DuplexClient + ImmutableDuplexServer, through the same ReaderSession/WriterSession code, without
// JavaScript. Per round trip: the client fills the request in place and commits it (post 1), the
// server wakes, copies the request into the response ring and releases it (post 2), the client
// wakes and releases the response. Two semaphore wake-ups and the copies the echo needs.
//
//   zerobuffer_duplex_floor server <channel> <payload>              prints "ready", echoes until the client closes
//   zerobuffer_duplex_floor client <channel> <payload> <size> <count> <warmup>
//                                      prints {"rtt_us":[…]}, one round trip per sample
// Both ignore SIGINT: a Ctrl-C of the benchmark reaches the whole process group, and the peers
// end cleanly (unlinking their buffers) once the benchmark process has gone.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "posix/clock.hpp"
#include "posix/reader_session.hpp"
#include "posix/writer_session.hpp"

using namespace zb;

namespace {

constexpr double kWaitMs = 5000;

// Byte i of request k is (k + i) mod 256, filled by doubling copies like Buffer.fill(pattern).
void fillRequest(uint8_t* p, uint64_t n, uint64_t k) {
  const uint64_t first = std::min<uint64_t>(n, 256);
  for (uint64_t i = 0; i < first; ++i) p[i] = uint8_t(k + i);
  for (uint64_t done = first; done < n;) {
    const uint64_t chunk = std::min(done, n - done);
    std::memcpy(p + done, p, chunk);
    done += chunk;
  }
}

std::shared_ptr<WriterSession> connectWithRetry(const std::string& name) {
  for (int attempt = 0;; ++attempt) {
    try {
      return WriterSession::connect(name);
    } catch (const ZbError& e) {
      if (attempt >= 50) throw;
      usleep(100000);
    }
  }
}

int serve(const std::string& channel, uint64_t payload) {
  auto requests = ReaderSession::create(channel + "_request", 0, payload, std::nullopt);
  std::printf("ready\n");
  std::fflush(stdout);
  std::shared_ptr<WriterSession> responses;
  for (;;) {
    std::optional<ReadFrame> f;
    try {
      f = requests->read(kWaitMs);
    } catch (const ZbError& e) {
      return e.code == code::kWriterDead && e.graceful ? 0 : 1;  // the client closed: done
    }
    if (!f) continue;
    if (!responses) responses = connectWithRetry(channel + "_response");
    responses->write(requests->ring() + f->dataOffset, f->size, deadlineAfterMs(kWaitMs));
    requests->release(f->token);
  }
}

int request(const std::string& channel, uint64_t payload, uint64_t size, uint64_t count, uint64_t warmup) {
  auto requests = WriterSession::connect(channel + "_request");
  auto responses = ReaderSession::create(channel + "_response", 0, payload, std::nullopt);
  std::vector<double> rtt;
  rtt.reserve(count);
  for (uint64_t k = 0; k < warmup + count; ++k) {
    const int64_t t0 = monotonicNs();
    const PlannedFrame& slot = requests->acquire(size, deadlineAfterMs(kWaitMs));
    fillRequest(slot.data, size, k);
    requests->commit();
    const std::optional<ReadFrame> f = responses->read(kWaitMs);
    if (!f || f->size != size) return 1;
    responses->release(f->token);
    if (k >= warmup) rtt.push_back(double(monotonicNs() - t0) / 1000.0);
  }
  requests->close();  // the server sees the client gone and exits
  std::string out = "{\"rtt_us\":[";
  for (size_t i = 0; i < rtt.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(rtt[i]);
  }
  std::printf("%s]}\n", out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGINT, SIG_IGN);
  const std::string mode = argc > 1 ? argv[1] : "";
  try {
    if (mode == "server" && argc == 4) return serve(argv[2], std::stoull(argv[3]));
    if (mode == "client" && argc == 7) {
      return request(argv[2], std::stoull(argv[3]), std::stoull(argv[4]), std::stoull(argv[5]), std::stoull(argv[6]));
    }
  } catch (const ZbError& e) {
    std::fprintf(stderr, "zerobuffer_duplex_floor: %s: %s\n", e.code.c_str(), e.message.c_str());
    return 1;
  }
  std::fprintf(stderr, "usage: zerobuffer_duplex_floor server <channel> <payload> | client <channel> <payload> <size> <count> <warmup>\n");
  return 2;
}
