// Test support for the x64 back end: compiles hand-built VCode (register
// allocation + emission), loads the code into an mmap'd region that is
// never writable and executable at once, resolves its relocations and
// hands back a callable address.
#pragma once

#include <asmjit/x86.h>
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "isa/x64/disassembler.h"
#include "isa/x64/emit.h"
#include "isa/x64/regalloc.h"

namespace heron::x64::testing {

// Resolves a relocation: returns the absolute target address.
using RelocResolver = std::function<uint64_t(const Relocation&)>;

class LoadedCode {
 public:
  // Places the functions one after another (16-byte aligned) and resolves
  // CallRel32ToFunc relocations to them by index, the others via `resolve`.
  LoadedCode(const std::vector<const CompiledFunction*>& funcs,
             const RelocResolver& resolve = nullptr) {
    size_t total = 0;
    for (const CompiledFunction* f : funcs) {
      starts_.push_back(total);
      total += (f->code.size() + 15) & ~size_t{15};
    }
    size_ = std::max<size_t>(total, 1);
    void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) std::abort();
    base_ = static_cast<uint8_t*>(p);
    for (size_t k = 0; k < funcs.size(); k++) {
      const CompiledFunction& f = *funcs[k];
      uint8_t* at = base_ + starts_[k];
      std::memcpy(at, f.code.data(), f.code.size());
      for (const Relocation& r : f.relocations) {
        if (r.kind == RelocKind::CallRel32ToFunc) {
          const int64_t s = int64_t(uint64_t(base_ + starts_[r.target]));
          const int64_t pc = int64_t(uint64_t(at + r.offset));
          const int32_t rel = int32_t(s + r.addend - pc);
          std::memcpy(at + r.offset, &rel, 4);
        } else {
          const uint64_t v = resolve(r) + uint64_t(r.addend);
          std::memcpy(at + r.offset, &v, 8);
        }
      }
    }
    if (mprotect(base_, size_, PROT_READ | PROT_EXEC) != 0) std::abort();
  }
  ~LoadedCode() { munmap(base_, size_); }
  LoadedCode(const LoadedCode&) = delete;
  LoadedCode& operator=(const LoadedCode&) = delete;

  template <class Fn>
  Fn entry(size_t k = 0) const {
    return reinterpret_cast<Fn>(base_ + starts_[k]);
  }
  const uint8_t* address(size_t k = 0) const { return base_ + starts_[k]; }

 private:
  uint8_t* base_ = nullptr;
  size_t size_ = 0;
  std::vector<size_t> starts_;
};

// Allocates registers and emits; fails the test on error.
inline CompiledFunction compile(VCode& vc, RegAllocStats* stats = nullptr,
                                EmitOptions opt = {}) {
  auto st = allocate_registers(vc);
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
  if (!st.ok()) return {};
  if (stats) *stats = *st;
  auto cf = emit_function(vc, opt);
  EXPECT_TRUE(cf.ok()) << (cf.ok() ? "" : cf.error().message);
  if (!cf.ok()) return {};
  if (std::getenv("HERON_DUMP_ASM"))
    std::printf("%s\n",
                disassemble_to_text(cf->code.data(), cf->code.size()).c_str());
  return std::move(cf).value();
}

// Test functions take no vmctx that needs a stack limit by default.
inline EmitOptions no_stack_check() {
  EmitOptions o;
  o.stack_check = false;
  return o;
}

// A host function (in its own code region) that trashes every caller-saved
// register before it returns a + b, so values kept in them across a call would
// be lost.
struct HostClobberer {
  CompiledFunction cf;
  std::unique_ptr<LoadedCode> code;
  int64_t (*fn)(int64_t, int64_t) = nullptr;
  HostClobberer() {
    namespace x86 = asmjit::x86;
    asmjit::CodeHolder holder;
    holder.init(asmjit::Environment(asmjit::Arch::kX64));
    x86::Assembler a(&holder);
    a.lea(x86::rax, x86::ptr(x86::rdi, x86::rsi));
    for (auto r : {x86::rcx, x86::rdx, x86::rsi, x86::rdi, x86::r8, x86::r9,
                   x86::r10, x86::r11})
      a.mov(r, asmjit::Imm(0x5a5a5a5a5a5aLL));
    for (unsigned k = 0; k < 16; k++) a.pcmpeqd(x86::xmm(k), x86::xmm(k));
    a.ret();
    const asmjit::CodeBuffer& buf = holder.textSection()->buffer();
    cf.code.assign(buf.data(), buf.data() + buf.size());
    code =
        std::make_unique<LoadedCode>(std::vector<const CompiledFunction*>{&cf});
    fn = code->entry<int64_t (*)(int64_t, int64_t)>();
  }
};

}  // namespace heron::x64::testing
