// Start-up timings (see startup_timings.h).
#include "cli/startup_timings.h"

#include <time.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace heron::cli {
namespace {

int64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t g_constructor_ns = 0;
int64_t g_main_ns = 0;

__attribute__((constructor(101))) void record_process_start() {
  g_constructor_ns = monotonic_ns();
}

double ms(int64_t ns) { return double(ns) / 1e6; }

}  // namespace

void note_main_entry() { g_main_ns = monotonic_ns(); }

StartupTimings::StartupTimings(bool enabled) : enabled_(enabled) {
  if (!enabled_) return;
  command_ns_ = last_ns_ = monotonic_ns();
  if (g_main_ns == 0) g_main_ns = command_ns_;
  origin_ns_ = g_constructor_ns;
  if (const char* launch = std::getenv("HERON_LAUNCH_NS")) {
    int64_t value = 0;
    const char* end = launch + std::strlen(launch);
    auto [ptr, ec] = std::from_chars(launch, end, value);
    // A timestamp from the future or from another boot is ignored.
    if (ec == std::errc() && ptr == end && value > 0 && value <= g_main_ns) {
      origin_ns_ = value;
      from_launcher_ = true;
    }
  }
}

void StartupTimings::mark(std::string_view phase) {
  if (!enabled_) return;
  const int64_t now = monotonic_ns();
  phases_.emplace_back(std::string(phase), now - last_ns_);
  last_ns_ = now;
}

void StartupTimings::add(std::string_view phase, int64_t ns) {
  if (!enabled_) return;
  phases_.emplace_back(std::string(phase), ns);
  last_ns_ += ns;
}

void StartupTimings::report(std::string_view target) {
  if (!enabled_) return;
  const int64_t now = monotonic_ns();
  fmt::print(stderr, "timings: {:<22} {:9.3f} ms\n",
             from_launcher_ ? "launch -> main" : "constructor -> main",
             ms(g_main_ns - origin_ns_));
  fmt::print(stderr, "timings: {:<22} {:9.3f} ms\n", "command line",
             ms(command_ns_ - g_main_ns));
  for (const auto& [name, ns] : phases_)
    fmt::print(stderr, "timings: {:<22} {:9.3f} ms\n", name, ms(ns));
  if (now - last_ns_ >= 1000)
    fmt::print(stderr, "timings: {:<22} {:9.3f} ms\n", "other",
               ms(now - last_ns_));
  fmt::print(stderr, "timings: to {} {:.3f} ms (from {})\n", target,
             ms(now - origin_ns_),
             from_launcher_ ? "HERON_LAUNCH_NS" : "heron's first constructor");
  std::fflush(stderr);
}

}  // namespace heron::cli
