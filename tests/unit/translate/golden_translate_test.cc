// Golden-file tests of the translator: every tests/golden/translate/*.wat
// holds a module (optionally preceded by `;; options: NAME...` with
// TranslateOptions switches), a line `;; expected:`, then, as `;; ` comment
// lines so the file stays valid WAT, the IR of each defined function after
// translation and after optimize(O2). The verifier runs on both. Set
// HERON_GOLDEN_UPDATE=1 to rewrite the expectations with the actual output.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ir/printer.h"
#include "ir/verifier.h"
#include "opt/passes.h"
#include "translate_test_util.h"

namespace heron::test {
namespace {

namespace fs = std::filesystem;

const char kExpectedMarker[] = ";; expected:\n";

fs::path golden_dir() {
  return fs::path(HERON_SOURCE_DIR) / "tests" / "golden" / "translate";
}

bool parse_options(const std::string& input, TranslateOptions* out) {
  const std::string header = ";; options:";
  if (input.compare(0, header.size(), header) != 0) return true;
  std::istringstream words(
      input.substr(header.size(), input.find('\n') - header.size()));
  std::string word;
  while (words >> word) {
    if (word == "explicit_bounds_checks") {
      out->explicit_bounds_checks = true;
    } else if (word == "epoch_interruption") {
      out->epoch_interruption = true;
    } else {
      ADD_FAILURE() << "unknown option " << word;
      return false;
    }
  }
  return true;
}

// Every line prefixed with ";; " (";;" for empty lines).
std::string as_comments(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    out += line.empty() ? ";;\n" : ";; " + line + "\n";
  }
  return out;
}

void check_file(const fs::path& path) {
  SCOPED_TRACE(path.string());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  size_t marker = text.find(kExpectedMarker);
  ASSERT_NE(marker, std::string::npos) << "no `;; expected:` line";
  std::string input = text.substr(0, marker);
  std::string expected = text.substr(marker + sizeof(kExpectedMarker) - 1);

  TranslateOptions options;
  ASSERT_TRUE(parse_options(input, &options));
  auto loaded = load_wat(input);
  ASSERT_TRUE(loaded);
  auto env = ModuleEnv::create(loaded->module, options);
  ASSERT_TRUE(env) << env.error().message;

  std::string actual;
  const Module& m = loaded->module;
  for (uint32_t fi = m.num_imported_funcs; fi < m.funcs.size(); ++fi) {
    ir::Function f = translate_ok(*env, fi);
    actual += ir::print_function(f);
    opt::optimize(f, opt::OptLevel::O2);
    auto v = ir::verify(f);
    ASSERT_TRUE(v.ok()) << "after O2: " << v.error().message;
    actual += "\n-O2:\n" + ir::print_function(f) + "\n";
  }
  actual = as_comments(actual);
  const char* update = std::getenv("HERON_GOLDEN_UPDATE");
  if (update && std::string(update) == "1") {
    std::ofstream out(path);
    out << input << kExpectedMarker << actual;
    return;
  }
  EXPECT_EQ(actual, expected);
}

TEST(GoldenTranslate, AllFiles) {
  size_t count = 0;
  for (const auto& entry : fs::directory_iterator(golden_dir())) {
    if (entry.path().extension() != ".wat") continue;
    check_file(entry.path());
    ++count;
  }
  EXPECT_GT(count, 0u) << "no golden files in " << golden_dir();
}

}  // namespace
}  // namespace heron::test
