// Golden disassembly tests of the x64 backend: every tests/golden/x64/*.clif
// holds comment lines, an IR function, a line `;; expected:` and the Zydis
// disassembly of compile_function's output (wasm options, host CPU
// features must include lzcnt/tzcnt/popcnt/SSE4.1 for the recorded forms).
// Set HERON_GOLDEN_UPDATE=1 to re-record.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "lower_test_support.h"

namespace heron::x64 {
namespace {

namespace fs = std::filesystem;

const char kExpectedMarker[] = ";; expected:\n";

fs::path golden_dir() {
  return fs::path(HERON_SOURCE_DIR) / "tests" / "golden" / "x64";
}

void check_file(const fs::path& path) {
  SCOPED_TRACE(path.string());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const size_t marker = text.find(kExpectedMarker);
  ASSERT_NE(marker, std::string::npos) << "no `;; expected:` line";
  const std::string input = text.substr(0, marker);
  const std::string expected =
      text.substr(marker + sizeof(kExpectedMarker) - 1);
  CompiledFunction cf = testing::compile_ir(input);
  const std::string actual =
      disassemble_to_text(cf.code.data(), cf.code.size());
  const char* update = std::getenv("HERON_GOLDEN_UPDATE");
  if (update && std::string(update) == "1") {
    std::ofstream out(path);
    out << input << kExpectedMarker << actual;
    return;
  }
  EXPECT_EQ(actual, expected);
}

TEST(GoldenX64, AllFiles) {
  const CpuFeatures& cpu = host_cpu_features();
  if (!cpu.lzcnt || !cpu.bmi1 || !cpu.popcnt || !cpu.sse41)
    GTEST_SKIP() << "golden files are recorded with lzcnt/bmi1/popcnt/sse4.1";
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(golden_dir())) {
    if (entry.path().extension() != ".clif") continue;
    check_file(entry.path());
    ++count;
  }
  EXPECT_GT(count, 0u) << "no golden files in " << golden_dir();
}

}  // namespace
}  // namespace heron::x64
