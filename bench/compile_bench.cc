// Compile throughput on one core: compiles a module (by default the large
// generated one) through the public API, Module::from_bytes, which runs the
// whole pipeline (decode, validate, translate, optimize, lower, allocate
// registers, emit, link). The runs alternate -O0 and -O2 so that both see the
// same machine load, and the medians are printed in MB/s of function-body
// bytes. A plain timed loop: the figures are for people, CI never asserts
// them.
#include <cstdio>
#include <cstdlib>
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

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODULE.wasm [RUNS]\n", argv[0]);
    return 1;
  }
  pin_to_one_cpu();
  int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  if (runs < 1) runs = 1;
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

  heron::api::Config o0_config;
  o0_config.opt_level = heron::api::OptLevel::O0;
  heron::api::Config o2_config;
  o2_config.opt_level = heron::api::OptLevel::O2;
  heron::api::Engine o0(o0_config), o2(o2_config);

  std::vector<double> o0_times, o2_times;
  for (int i = 0; i < runs; ++i) {
    double t;
    if (!compile_once(o0, bytes, &t)) return 1;
    o0_times.push_back(t);
    if (!compile_once(o2, bytes, &t)) return 1;
    o2_times.push_back(t);
  }

  const double mb = 1e6;
  std::printf("module: %s, %.2f MB, %zu function bodies, %.2f MB of code\n",
              argv[1], bytes.size() / mb, decoded->bodies.size(),
              body_bytes / mb);
  for (auto [name, times] : {std::pair{"-O0", &o0_times}, {"-O2", &o2_times}}) {
    double t = median(*times);
    std::printf(
        "compile %s, median of %d runs, one thread: %.0f ms, %.2f MB/s of "
        "code\n",
        name, runs, t * 1e3, body_bytes / mb / t);
  }
  return 0;
}
