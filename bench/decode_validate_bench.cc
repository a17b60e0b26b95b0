// Decode+validate throughput on one core: loads a module (by default the
// large generated one, see CMakeLists.txt), runs decode_module and
// validate_module on it N times, and prints the median time and the rate in
// MB/s of function-body bytes and of the whole module. A plain timed loop:
// the figure is for people, CI never asserts it.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bench_util.h"
#include "format/decoder.h"
#include "validate/validator.h"

using namespace heron::bench;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODULE.wasm [RUNS]\n", argv[0]);
    return 1;
  }
  pin_to_one_cpu();

  int runs = argc > 2 ? std::atoi(argv[2]) : 11;
  if (runs < 1) runs = 1;
  std::vector<uint8_t> bytes = read_all(argv[1]);
  if (bytes.empty()) {
    std::fprintf(stderr, "%s: cannot read the module\n", argv[1]);
    return 1;
  }

  // One checked run first: the figure means nothing for a rejected module.
  uint64_t body_bytes = 0;
  size_t functions = 0;
  {
    heron::Result<heron::Module> module = heron::decode_module(bytes);
    if (!module.ok()) {
      std::fprintf(stderr, "%s: decode failed at %llu: %s\n", argv[1],
                   (unsigned long long)module.error().offset,
                   module.error().message.c_str());
      return 1;
    }
    heron::Result<void> valid = heron::validate_module(*module);
    if (!valid.ok()) {
      std::fprintf(stderr, "%s: invalid at %llu: %s\n", argv[1],
                   (unsigned long long)valid.error().offset,
                   valid.error().message.c_str());
      return 1;
    }
    for (const heron::FuncBody& body : module->bodies) {
      body_bytes += body.range.size;
    }
    functions = module->bodies.size();
  }

  std::vector<double> decode_times, validate_times, total_times;
  for (int i = 0; i < runs; ++i) {
    Clock::time_point start = Clock::now();
    heron::Result<heron::Module> module = heron::decode_module(bytes);
    double decoded = seconds_since(start);
    heron::Result<void> valid = heron::validate_module(*module);
    double total = seconds_since(start);
    if (!valid.ok()) return 1;
    decode_times.push_back(decoded);
    validate_times.push_back(total - decoded);
    total_times.push_back(total);
  }

  const double mb = 1e6;
  double t = median(total_times);
  std::printf("module: %s, %.2f MB, %zu function bodies, %.2f MB of code\n",
              argv[1], bytes.size() / mb, functions, body_bytes / mb);
  std::printf(
      "median of %d runs, one core: decode %.1f ms, validate %.1f ms, "
      "decode+validate %.1f ms (min %.1f, max %.1f)\n",
      runs, median(decode_times) * 1e3, median(validate_times) * 1e3, t * 1e3,
      *std::min_element(total_times.begin(), total_times.end()) * 1e3,
      *std::max_element(total_times.begin(), total_times.end()) * 1e3);
  std::printf("decode+validate: %.1f MB/s of code, %.1f MB/s of module\n",
              body_bytes / mb / t, bytes.size() / mb / t);
  return 0;
}
