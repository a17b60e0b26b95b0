// Config::perf_map: compiled functions appear in /tmp/perf-PID.map with
// their addresses, sizes and names, in the format perf reads.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "api_test_support.h"
#include "runtime/compiled_module.h"

namespace heron {
namespace {

TEST(PerfMap, ListsCompiledFunctionsWithTheirNames) {
  api::Config config;
  config.perf_map = true;
  api::Engine engine(config);
  api::Module module = testing::compile_wat(engine, R"((module $m
    (func $first (export "first") (result i32) (i32.const 1))
    (func $second (export "second") (result i32) (i32.const 2)))
  )");
  const LoadedCode& code = *module.impl().code;
  const std::string path =
      "/tmp/perf-" + std::to_string(long(getpid())) + ".map";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  for (size_t k = 0; k < 2; k++) {
    char line[128];
    std::snprintf(line, sizeof line, "%llx %x wasm[m]::func[%zu] %s\n",
                  (unsigned long long)uintptr_t(code.code(k)),
                  code.function(k).size, k, k == 0 ? "first" : "second");
    EXPECT_NE(text.str().find(line), std::string::npos) << line << "not in:\n"
                                                        << text.str();
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace heron
