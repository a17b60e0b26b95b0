// The Wasm -> IR translator: one defined function body becomes one
// ir::Function in SSA form, following the calling convention and the
// VMContext layout the backend and the runtime share (see
// translate/README.md for how each Wasm construct is expressed in the IR).
//
// A FuncTranslator keeps its scratch state (operand and control stacks, SSA
// variable maps) between calls, so a compiler thread reuses one for every
// function it translates. It is not thread-safe; the ModuleEnv is shared.
#pragma once

#include <cstdint>
#include <memory>

#include "heron/error.h"
#include "ir/function.h"
#include "translate/module_env.h"

namespace heron {

class FuncTranslation;

class FuncTranslator {
 public:
  FuncTranslator();
  ~FuncTranslator();
  FuncTranslator(const FuncTranslator&) = delete;
  FuncTranslator& operator=(const FuncTranslator&) = delete;

  // `func_index` is over the whole function index space and must name a
  // defined function of a module that validated. Errors: Unsupported for
  // operators outside WebAssembly 2.0 without SIMD (GC, exceptions, tail
  // calls, SIMD, threads...), Malformed if the body cannot be read, Internal
  // if the produced IR fails the verifier (in debug builds).
  Result<ir::Function> translate(const ModuleEnv& env, uint32_t func_index);

 private:
  std::unique_ptr<FuncTranslation> state_;
};

// One-shot convenience: a fresh FuncTranslator for one function.
Result<ir::Function> translate_function(const ModuleEnv& env,
                                        uint32_t func_index);

}  // namespace heron
