// Small helpers the benchmarks share: reading a file, medians, timing, and
// pinning the process to one CPU (the figures are single-core rates).
#pragma once

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace heron::bench {

using Clock = std::chrono::steady_clock;

inline std::vector<uint8_t> read_all(const char* path) {
  std::vector<uint8_t> bytes;
  std::FILE* f = std::fopen(path, "rb");
  if (!f) return bytes;
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    bytes.insert(bytes.end(), buf, buf + n);
  }
  std::fclose(f);
  return bytes;
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Whatever the measured code does internally, it runs on one core.
inline void pin_to_one_cpu() {
  cpu_set_t one_cpu;
  CPU_ZERO(&one_cpu);
  int cpu = sched_getcpu();
  CPU_SET(cpu < 0 ? 0 : cpu, &one_cpu);
  if (sched_setaffinity(0, sizeof one_cpu, &one_cpu) != 0) {
    std::fprintf(stderr, "warning: could not pin to one CPU\n");
  }
}

}  // namespace heron::bench
