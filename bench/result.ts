// What the JavaScript endpoints share with the native ones (native/bench/report.hpp,
// native/bench/pattern.hpp): the one JSON result line, the latency timestamp and the measured part.
//   {"frames":N,"seconds":S,"errors":E,"cpuSeconds":C[,"latency":{"p50":ns,"p90":ns,"p99":ns,"max":ns,"n":count}]}
// The first quarter of the frames is a warm-up and not measured (why: native/bench/report.hpp).

/** The frames before the measured part (at least one: a reader's clock starts at a frame). */
export function warmUpFrames(frames: number): number {
  return Math.max(1, Math.floor(frames / 4));
}

/** Bytes [0, 8) of a latency frame: the writer's CLOCK_MONOTONIC nanoseconds (process.hrtime). */
export const STAMP_BYTES = 8;

export function writeStamp(frame: Uint8Array): void {
  new DataView(frame.buffer, frame.byteOffset, STAMP_BYTES).setBigInt64(0, process.hrtime.bigint(), true);
}

export function readStamp(frame: Uint8Array): bigint {
  return new DataView(frame.buffer, frame.byteOffset, STAMP_BYTES).getBigInt64(0, true);
}

/** Nearest-rank percentile of sorted samples (the native programs use the same rule). */
export function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.floor(p * (sorted.length - 1) + 0.5)]!;
}

/** `cpu`: CPU time of the process (all threads) since `start`, a process.cpuUsage() of the first measured frame. */
export function printResult(frames: number, seconds: number, errors: number, start: NodeJS.CpuUsage, latencyNs: number[]): void {
  const cpu = process.cpuUsage(start);
  const r: Record<string, unknown> = { frames, seconds, errors, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  if (latencyNs.length > 0) {
    const s = [...latencyNs].sort((a, b) => a - b);
    r.latency = { p50: percentile(s, 0.5), p90: percentile(s, 0.9), p99: percentile(s, 0.99), max: s[s.length - 1], n: s.length };
  }
  process.stdout.write(`${JSON.stringify(r)}\n`);
}

/** Pauses about `us` microseconds without blocking (timers have millisecond resolution). */
export function sleepUs(us: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.round(us / 1000))));
}

/** A writer's measurement: from the first frame k at or past the warm-up to the end. */
export function measurement(frames: number): { at(k: number): void; print(): void } {
  const warm = warmUpFrames(frames);
  let from = -1;
  let start = 0n;
  let cpu = process.cpuUsage();
  return {
    at(k) {
      if (from >= 0 || k < warm) return;
      from = k;
      start = process.hrtime.bigint();
      cpu = process.cpuUsage();
    },
    print() {
      printResult(frames - from, Number(process.hrtime.bigint() - start) / 1e9, 0, cpu, []);
    },
  };
}
