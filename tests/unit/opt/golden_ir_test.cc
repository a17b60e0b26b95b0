// Golden-file tests of the mid-end: every tests/golden/ir/*.clif holds a
// header line `; pass: NAME...` (passes run in order; `O2` is the whole
// pipeline), the input function, a line `;; expected:` and the function as
// the passes leave it. The verifier runs after each pass. Set
// HERON_GOLDEN_UPDATE=1 to rewrite the expectations with the actual output.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "opt/passes.h"

namespace heron::opt {
namespace {

namespace fs = std::filesystem;

const char kExpectedMarker[] = ";; expected:\n";

fs::path golden_dir() {
  return fs::path(HERON_SOURCE_DIR) / "tests" / "golden" / "ir";
}

bool run_pass(const std::string& name, ir::Function& f) {
  if (name == "fold_constants") {
    fold_constants(f);
  } else if (name == "simplify_branches") {
    simplify_branches(f);
  } else if (name == "remove_unreachable_blocks") {
    remove_unreachable_blocks(f);
  } else if (name == "eliminate_dead_code") {
    eliminate_dead_code(f);
  } else if (name == "O2") {
    optimize(f, OptLevel::O2);
  } else if (name == "O0") {
    optimize(f, OptLevel::O0);
  } else {
    return false;
  }
  return true;
}

void check_file(const fs::path& path) {
  SCOPED_TRACE(path.string());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const std::string header = "; pass:";
  ASSERT_EQ(text.compare(0, header.size(), header), 0)
      << "first line must be `; pass: NAME...`";
  size_t marker = text.find(kExpectedMarker);
  ASSERT_NE(marker, std::string::npos) << "no `;; expected:` line";
  std::string input = text.substr(0, marker);
  std::string expected = text.substr(marker + sizeof(kExpectedMarker) - 1);

  auto parsed = ir::parse_function(input);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ir::Function f = std::move(parsed).value();
  auto v = ir::verify(f);
  ASSERT_TRUE(v.ok()) << "input: " << v.error().message;

  std::istringstream passes(
      text.substr(header.size(), text.find('\n') - header.size()));
  std::string pass;
  while (passes >> pass) {
    ASSERT_TRUE(run_pass(pass, f)) << "unknown pass " << pass;
    auto r = ir::verify(f);
    ASSERT_TRUE(r.ok()) << "after " << pass << ": " << r.error().message;
  }
  std::string actual = ir::print_function(f);
  const char* update = std::getenv("HERON_GOLDEN_UPDATE");
  if (update && std::string(update) == "1") {
    std::ofstream out(path);
    out << input << kExpectedMarker << actual;
    return;
  }
  EXPECT_EQ(actual, expected);
}

TEST(GoldenIr, AllFiles) {
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(golden_dir())) {
    if (entry.path().extension() != ".clif") continue;
    check_file(entry.path());
    ++count;
  }
  EXPECT_GT(count, 0u) << "no golden files in " << golden_dir();
}

}  // namespace
}  // namespace heron::opt
