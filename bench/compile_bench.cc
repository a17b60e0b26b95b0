// Compile throughput: compiles a module (by default the large generated one)
// through the public API, Module::from_bytes, which runs the whole pipeline
// (decode, validate, translate, optimize, lower, allocate registers, emit,
// link). A plain timed loop: the figures are for people, CI never asserts
// them.
//
//   compile_bench MODULE.wasm [RUNS]
//       one core (the process is pinned to one CPU, compile_threads = 1):
//       runs alternate -O0 and -O2 so that both see the same machine load;
//       prints the medians in MB/s of function-body bytes.
//   compile_bench MODULE.wasm [RUNS] --threads 1,2[,N...]
//       -O2 at each thread count (not pinned); each round compiles once per
//       count, in turn, so that every count sees the same machine load;
//       prints the medians and the speedup of each count over the first
//       (ratio of the medians, and median of the ratios within a round),
//       and how many CPUs the compiles kept busy (process CPU time / wall).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "bench_util.h"
#include "format/decoder.h"
#include "heron/heron.h"

using namespace heron::bench;

namespace {

bool compile_once(const heron::api::Engine& engine,
                  const std::vector<uint8_t>& bytes, double* seconds) {
  Clock::time_point start = Clock::now();
  heron::Result<heron::api::Module> module =
      heron::api::Module::from_bytes(engine, bytes);
  *seconds = seconds_since(start);
  if (!module.ok()) {
    std::fprintf(stderr, "compile failed at %llu: %s\n",
                 (unsigned long long)module.error().offset,
                 module.error().message.c_str());
    return false;
  }
  return true;
}

// CPU time of the whole process, every thread. Divided by the wall time of a
// compile, it says how many CPUs the compile got: on a shared machine, fewer
// than its threads means other processes took the rest.
double process_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// "1,2,4" -> {1, 2, 4}; empty on anything else.
std::vector<uint32_t> parse_counts(const char* text) {
  std::vector<uint32_t> counts;
  for (const char* p = text; *p;) {
    char* end = nullptr;
    unsigned long n = std::strtoul(p, &end, 10);
    if (end == p || n == 0 || n > 1024) return {};
    counts.push_back(uint32_t(n));
    p = end;
    if (*p == ',')
      ++p;
    else if (*p)
      return {};
  }
  return counts;
}

int usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s MODULE.wasm [RUNS] [--threads 1,2[,N...]]\n",
               argv0);
  return 1;
}

int bench_threads(const std::vector<uint8_t>& bytes,
                  const std::vector<uint32_t>& counts, int runs) {
  std::vector<heron::api::Engine> engines;
  for (uint32_t n : counts) {
    heron::api::Config config;
    config.opt_level = heron::api::OptLevel::O2;
    config.compile_threads = n;
    engines.emplace_back(config);
  }
  std::vector<std::vector<double>> times(counts.size());
  std::vector<std::vector<double>> cpus(counts.size());
  for (int i = 0; i < runs; ++i) {
    for (size_t c = 0; c < counts.size(); ++c) {
      double t;
      const double cpu_start = process_cpu_seconds();
      if (!compile_once(engines[c], bytes, &t)) return 1;
      times[c].push_back(t);
      cpus[c].push_back((process_cpu_seconds() - cpu_start) / t);
    }
  }
  const double base = median(times[0]);
  for (size_t c = 0; c < counts.size(); ++c) {
    const double t = median(times[c]);
    // The ratio within each round too: neighbours in time see about the same
    // machine load, so its median is steadier on a shared machine.
    std::vector<double> ratios;
    for (int i = 0; i < runs; ++i) ratios.push_back(times[0][i] / times[c][i]);
    std::printf(
        "compile -O2, %u thread%s, median of %d runs: %.0f ms "
        "(min %.0f, max %.0f), speedup over %u: %.2fx "
        "(median of per-round ratios %.2fx), CPUs busy %.2f\n",
        counts[c], counts[c] == 1 ? "" : "s", runs, t * 1e3,
        *std::min_element(times[c].begin(), times[c].end()) * 1e3,
        *std::max_element(times[c].begin(), times[c].end()) * 1e3, counts[0],
        base / t, median(ratios), median(cpus[c]));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage(argv[0]);
  int runs = 5;
  std::vector<uint32_t> thread_counts;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      thread_counts = parse_counts(argv[++i]);
      if (thread_counts.empty()) return usage(argv[0]);
    } else {
      runs = std::atoi(argv[i]);
      if (runs < 1) return usage(argv[0]);
    }
  }
  std::vector<uint8_t> bytes = read_all(argv[1]);
  if (bytes.empty()) {
    std::fprintf(stderr, "%s: cannot read the module\n", argv[1]);
    return 1;
  }
  heron::Result<heron::Module> decoded = heron::decode_module(bytes);
  if (!decoded.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[1], decoded.error().message.c_str());
    return 1;
  }
  uint64_t body_bytes = 0;
  for (const heron::FuncBody& body : decoded->bodies) {
    body_bytes += body.range.size;
  }
  const double mb = 1e6;
  std::printf("module: %s, %.2f MB, %zu function bodies, %.2f MB of code\n",
              argv[1], bytes.size() / mb, decoded->bodies.size(),
              body_bytes / mb);
  if (!thread_counts.empty()) return bench_threads(bytes, thread_counts, runs);

  pin_to_one_cpu();
  heron::api::Config o0_config;
  o0_config.opt_level = heron::api::OptLevel::O0;
  o0_config.compile_threads = 1;
  heron::api::Config o2_config;
  o2_config.opt_level = heron::api::OptLevel::O2;
  o2_config.compile_threads = 1;
  heron::api::Engine o0(o0_config), o2(o2_config);

  std::vector<double> o0_times, o2_times;
  for (int i = 0; i < runs; ++i) {
    double t;
    if (!compile_once(o0, bytes, &t)) return 1;
    o0_times.push_back(t);
    if (!compile_once(o2, bytes, &t)) return 1;
    o2_times.push_back(t);
  }

  for (auto [name, times] : {std::pair{"-O0", &o0_times}, {"-O2", &o2_times}}) {
    double t = median(*times);
    std::printf(
        "compile %s, median of %d runs, one thread: %.0f ms, %.2f MB/s of "
        "code\n",
        name, runs, t * 1e3, body_bytes / mb / t);
  }
  return 0;
}
