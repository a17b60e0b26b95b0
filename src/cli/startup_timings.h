// `heron run --timings`: how long start-up took, from process start to the
// first call into wasm (_start or the --invoke'd export), and its phases,
// printed on stderr.
//
// "Process start" is HERON_LAUNCH_NS when the environment has it: a
// CLOCK_MONOTONIC timestamp in nanoseconds that a launcher (a benchmark)
// takes just before spawning heron, so that exec, dynamic linking and
// static initialization count too. Without it, the clock starts in a
// constructor of heron's own code that runs before the others of the
// binary (priority 101), which misses exec and the shared libraries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace heron::cli {

// Records the moment main() starts (call it first thing in main).
void note_main_entry();

class StartupTimings {
 public:
  explicit StartupTimings(bool enabled);

  bool enabled() const { return enabled_; }
  // Closes the phase that ran since the previous mark (or since main).
  void mark(std::string_view phase);
  // Adds a phase measured elsewhere (nanoseconds); the next mark starts
  // after it.
  void add(std::string_view phase, int64_t ns);
  // Prints the phases and the total up to now, the moment `target` (an
  // export name) is about to be called.
  void report(std::string_view target);

 private:
  bool enabled_;
  int64_t origin_ns_ = 0;
  bool from_launcher_ = false;
  int64_t command_ns_ = 0;
  int64_t last_ns_ = 0;
  std::vector<std::pair<std::string, int64_t>> phases_;
};

}  // namespace heron::cli
