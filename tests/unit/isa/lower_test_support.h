// Test support for the IR -> x86-64 pipeline: parses IR text, compiles it
// with compile_function and loads it, either plainly (LoadedCode of
// jit_test_support.h) or registered with the runtime's CodeRegistry so that
// traps come back through enter_wasm.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "ir/parser.h"
#include "ir/verifier.h"
#include "isa/x64/compile.h"
#include "jit_test_support.h"
#include "runtime/code_memory.h"
#include "runtime/code_registry.h"

namespace heron::x64::testing {

// A stand-in VMContext: field 0 points to a "RuntimeLimits" whose field 0
// is the stack limit (0: never below), as the prologue check reads it.
struct FakeVmctx {
  uint64_t* limits = &stack_limit;
  uint64_t pad[7] = {};
  uint64_t stack_limit = 0;
};

inline CompileOptions wasm_options() {
  CompileOptions o;
  o.emit.stack_check = true;
  o.emit.limits_ptr_offset = 0;
  o.emit.stack_limit_offset = 0;
  return o;
}

inline ir::Function parse_ir(const std::string& text) {
  auto f = ir::parse_function(text);
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().message) << "\n" << text;
  if (!f.ok()) return ir::Function();
  auto v = ir::verify(*f);
  EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().message) << "\n" << text;
  return std::move(f).value();
}

inline CompiledFunction compile_ir(const std::string& text,
                                   const CompileOptions& o = wasm_options(),
                                   RegAllocStats* stats = nullptr) {
  ir::Function f = parse_ir(text);
  auto cf = compile_function(f, o, stats);
  EXPECT_TRUE(cf.ok()) << (cf.ok() ? "" : cf.error().message) << "\n" << text;
  if (!cf.ok()) return {};
  if (std::getenv("HERON_DUMP_ASM"))
    std::printf("%s\n",
                disassemble_to_text(cf->code.data(), cf->code.size()).c_str());
  return std::move(cf).value();
}

// One compiled function in runtime code memory, registered with its trap
// table (relocations: only libcalls, resolved by `resolve`).
class RegisteredCode {
 public:
  explicit RegisteredCode(const CompiledFunction& cf,
                          const RelocResolver& resolve = nullptr) {
    auto mem = CodeMemory::allocate(cf.code.size());
    if (!mem.ok()) fatal_invariant("test code memory");
    mem_ = std::move(mem.value());
    auto bytes = mem_.writable();
    std::memcpy(bytes.data(), cf.code.data(), cf.code.size());
    for (const Relocation& r : cf.relocations) {
      const uint64_t v = resolve(r) + uint64_t(r.addend);
      std::memcpy(bytes.data() + r.offset, &v, 8);
    }
    EXPECT_TRUE(mem_.make_executable().ok());
    std::vector<heron::TrapSite> sites;
    for (const auto& t : cf.traps) sites.push_back({t.offset, t.code});
    reg_ = CodeRegistration(start(), start() + mem_.size(), sites, this);
  }
  uintptr_t start() const { return uintptr_t(mem_.data()); }
  template <class F>
  F entry() const {
    return reinterpret_cast<F>(start());
  }

 private:
  CodeMemory mem_;
  CodeRegistration reg_;
};

}  // namespace heron::x64::testing
