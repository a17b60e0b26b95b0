// Test helper: assembles a small piece of x86-64 machine code with asmjit's
// Assembler, loads it into CodeMemory (RW, then RX) and registers it with its
// trap table, the way the real linker will load compiled functions.
#pragma once

#include <asmjit/x86.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "runtime/code_memory.h"
#include "runtime/code_registry.h"

namespace heron::testing {

// A trap site: the label is bound right before the faulting instruction.
struct LabeledTrap {
  asmjit::Label label;
  TrapCode code;
};

class Snippet {
 public:
  using Builder =
      std::function<void(asmjit::x86::Assembler&, std::vector<LabeledTrap>&)>;

  // Assembles `build`; entry() is the start of the code unless `entry_label`
  // is bound by the builder (look it up with address_of).
  explicit Snippet(const Builder& build) {
    asmjit::CodeHolder code;
    code.init(asmjit::Environment::host());
    asmjit::x86::Assembler a(&code);
    std::vector<LabeledTrap> traps;
    build(a, traps);
    EXPECT_EQ(code.flatten(), asmjit::kErrorOk);
    EXPECT_EQ(code.resolveUnresolvedLinks(), asmjit::kErrorOk);
    size_t size = code.codeSize();
    auto mem = CodeMemory::allocate(size);
    if (!mem.ok()) fatal_invariant("test code memory");
    mem_ = std::move(mem.value());
    auto bytes = mem_.writable();
    EXPECT_EQ(code.relocateToBase(uint64_t(uintptr_t(bytes.data()))),
              asmjit::kErrorOk);
    EXPECT_EQ(code.copyFlattenedData(bytes.data(), bytes.size()),
              asmjit::kErrorOk);
    for (const LabeledTrap& t : traps)
      sites_.push_back({uint32_t(code.labelOffset(t.label)), t.code});
    for (uint32_t id = 0; id < code.labelCount(); id++)
      if (code.isLabelBound(id))
        label_offsets_.push_back(code.labelOffset(id));
      else
        label_offsets_.push_back(UINT64_MAX);
    EXPECT_TRUE(mem_.make_executable().ok());
    reg_ = CodeRegistration(start(), start() + mem_.size(), sites_, this);
  }

  uintptr_t start() const { return uintptr_t(mem_.data()); }
  uintptr_t address_of(const asmjit::Label& label) const {
    return start() + uintptr_t(label_offsets_.at(label.id()));
  }
  template <class F>
  F entry() const {
    return reinterpret_cast<F>(start());
  }
  template <class F>
  F entry(const asmjit::Label& label) const {
    return reinterpret_cast<F>(address_of(label));
  }
  const CodeMemory& memory() const { return mem_; }
  const std::vector<TrapSite>& sites() const { return sites_; }

 private:
  CodeMemory mem_;
  std::vector<TrapSite> sites_;
  std::vector<uint64_t> label_offsets_;
  CodeRegistration reg_;
};

// Emits `push rbp; mov rbp, rsp; <stack-limit check>`: the prologue compiled
// functions use. `vmctx` holds the VMContext (whose field 0 points to the
// RuntimeLimits, whose field 0 is stack_limit); clobbers rax.
inline void emit_prologue_with_stack_check(asmjit::x86::Assembler& a,
                                           asmjit::x86::Gp vmctx,
                                           std::vector<LabeledTrap>& traps,
                                           asmjit::Label overflow) {
  using namespace asmjit::x86;
  a.push(rbp);
  a.mov(rbp, rsp);
  a.mov(rax, qword_ptr(vmctx, 0));
  a.cmp(rsp, qword_ptr(rax, 0));
  a.jb(overflow);
}

// Binds `label` at an out-of-line `ud2` trap site with `code`.
inline void emit_trap_site(asmjit::x86::Assembler& a,
                           std::vector<LabeledTrap>& traps, asmjit::Label label,
                           TrapCode code) {
  a.bind(label);
  traps.push_back({label, code});
  a.ud2();
}

}  // namespace heron::testing
