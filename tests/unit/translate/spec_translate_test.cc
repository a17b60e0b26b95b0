// Property test: every defined function of every module of the spec
// testsuite (top-level scripts, without the SIMD ones) that decodes and
// validates must translate to IR the verifier accepts. Functions that use
// proposals the translator does not handle yet (GC, exceptions, tail calls,
// typed function references, threads, wide arithmetic, SIMD) must fail with
// ErrorKind::Unsupported and nothing else; they are counted by operator.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "format/decoder.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "text/script.h"
#include "translate/func_translator.h"
#include "validate/validator.h"

namespace heron::test {
namespace {

namespace fs = std::filesystem;

fs::path testsuite_dir() {
  if (const char* dir = std::getenv("HERON_TESTSUITE_DIR")) return dir;
  return HERON_TESTSUITE_DIR;
}

bool is_simd_script(const std::string& name) {
  return name.rfind("simd_", 0) == 0 || name.find("relaxed") != name.npos;
}

struct Counts {
  size_t scripts = 0, modules = 0, invalid_modules = 0, functions = 0,
         translated = 0;
  std::map<std::string, size_t> unsupported;  // by message
};

void translate_module(const std::string& script, uint32_t line,
                      const std::vector<uint8_t>& bytes, FuncTranslator& tr,
                      Counts& counts) {
  auto module = decode_module(bytes);
  if (!module || !validate_module(*module)) {
    ++counts.invalid_modules;
    return;
  }
  ++counts.modules;
  auto env = ModuleEnv::create(*module, {});
  ASSERT_TRUE(env) << script << ":" << line << ": " << env.error().message;
  for (uint32_t fi = module->num_imported_funcs; fi < module->funcs.size();
       ++fi) {
    ++counts.functions;
    auto f = tr.translate(*env, fi);
    if (!f) {
      EXPECT_EQ(f.error().kind, ErrorKind::Unsupported)
          << script << ":" << line << ": function " << fi << ": "
          << f.error().message;
      ++counts.unsupported[f.error().message];
      continue;
    }
    auto v = ir::verify(*f);
    EXPECT_TRUE(v.ok()) << script << ":" << line << ": function " << fi << ": "
                        << v.error().message << "\n"
                        << ir::print_function(*f);
    if (v.ok()) ++counts.translated;
  }
}

TEST(SpecTranslate, EveryValidFunctionVerifies) {
  fs::path dir = testsuite_dir();
  if (!fs::is_directory(dir)) GTEST_SKIP() << "no testsuite at " << dir;
  std::vector<fs::path> scripts;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".wast" && !is_simd_script(name)) {
      scripts.push_back(entry.path());
    }
  }
  std::sort(scripts.begin(), scripts.end());
  Counts counts;
  FuncTranslator tr;
  for (const fs::path& path : scripts) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    auto script = text::parse_script(ss.str());
    std::string name = path.filename().string();
    EXPECT_TRUE(script.ok()) << name << ": " << script.error().message;
    if (!script) continue;
    ++counts.scripts;
    using Kind = text::ScriptCommand::Kind;
    for (const text::ScriptCommand& cmd : script->commands) {
      // Modules meant to be malformed or invalid are the front end's tests.
      bool meant_bad = cmd.kind == Kind::AssertMalformed ||
                       cmd.kind == Kind::AssertInvalid ||
                       cmd.kind == Kind::AssertMalformedCustom ||
                       cmd.kind == Kind::AssertInvalidCustom;
      if (meant_bad || !cmd.module || cmd.module->text_error ||
          cmd.module->form == text::ScriptModule::Form::Quote) {
        continue;
      }
      translate_module(name, cmd.line, cmd.module->binary, tr, counts);
    }
  }
  size_t skipped = 0;
  std::string reasons;
  for (const auto& [message, n] : counts.unsupported) {
    skipped += n;
    reasons += "\n  " + std::to_string(n) + " x " + message;
  }
  std::printf(
      "[ spec     ] %zu scripts, %zu modules (%zu not valid), %zu functions: "
      "%zu translated and verified, %zu unsupported:%s\n",
      counts.scripts, counts.modules, counts.invalid_modules, counts.functions,
      counts.translated, skipped, reasons.c_str());
  EXPECT_GT(counts.translated, 1000u);
}

}  // namespace
}  // namespace heron::test
