// Helpers for the translator's tests: a WAT module made into a validated
// Module (bytes kept alive beside it), its ModuleEnv, and translation of its
// functions with the verifier run on each result.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "format/decoder.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "text/script.h"
#include "translate/func_translator.h"
#include "validate/validator.h"

namespace heron::test {

// A decoded and validated module; the Module points into `bytes`.
struct LoadedModule {
  std::vector<uint8_t> bytes;
  Module module;
};

// Decodes and validates binary bytes; null (with a test failure) on error.
inline std::unique_ptr<LoadedModule> load_binary(std::vector<uint8_t> bytes) {
  auto loaded = std::make_unique<LoadedModule>();
  loaded->bytes = std::move(bytes);
  auto m = decode_module(loaded->bytes);
  if (!m) {
    ADD_FAILURE() << "decode: " << m.error().message;
    return nullptr;
  }
  loaded->module = std::move(m).value();
  if (auto v = validate_module(loaded->module); !v) {
    ADD_FAILURE() << "validate: " << v.error().message;
    return nullptr;
  }
  return loaded;
}

inline std::unique_ptr<LoadedModule> load_wat(std::string_view wat) {
  auto bytes = text::parse_wat_module(wat);
  if (!bytes) {
    ADD_FAILURE() << "parse: " << bytes.error().message;
    return nullptr;
  }
  return load_binary(std::move(bytes).value());
}

// Translates and verifies function `func_index`; fails the test on error.
inline ir::Function translate_ok(const ModuleEnv& env, uint32_t func_index) {
  auto f = translate_function(env, func_index);
  if (!f) {
    ADD_FAILURE() << "translate f" << func_index << ": " << f.error().message;
    return ir::Function();
  }
  if (auto v = ir::verify(*f); !v) {
    ADD_FAILURE() << v.error().message << "\n" << ir::print_function(*f);
  }
  return std::move(f).value();
}

// The whole pipeline for a one-function test: WAT -> IR of function
// `func_index` (the first defined one by default).
struct Translated {
  std::unique_ptr<LoadedModule> loaded;
  ir::Function func;
  std::string text;
};

inline Translated translate_wat(std::string_view wat,
                                const TranslateOptions& options = {},
                                int func_index = -1) {
  Translated t;
  t.loaded = load_wat(wat);
  if (!t.loaded) return t;
  auto env = ModuleEnv::create(t.loaded->module, options);
  if (!env) {
    ADD_FAILURE() << "env: " << env.error().message;
    return t;
  }
  uint32_t index = func_index >= 0 ? uint32_t(func_index)
                                   : t.loaded->module.num_imported_funcs;
  t.func = translate_ok(*env, index);
  t.text = ir::print_function(t.func);
  return t;
}

// Number of instructions with this opcode in the function's layout.
inline size_t count_opcode(const ir::Function& f, ir::Opcode op) {
  size_t n = 0;
  for (ir::Block b : f.layout_blocks()) {
    for (ir::Inst i : f.block_insts(b)) n += f.inst(i).opcode == op;
  }
  return n;
}

// Number of occurrences of `needle` in `hay`.
inline size_t count_text(const std::string& hay, std::string_view needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos;
       at = hay.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

}  // namespace heron::test
