// Faults in JIT code at registered trap sites become wasm traps with the
// right code and PC; faults anywhere else reach the previous handler.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "jit_snippet.h"
#include "runtime/activation.h"
#include "runtime/trap_handler.h"
#include "test_instance.h"

namespace heron {
namespace {

using namespace asmjit::x86;
using testing::LabeledTrap;
using testing::Snippet;
using testing::TestInstance;

using LoadFn = uint32_t (*)(VMContext*, uint32_t);

// uint32_t load(vmctx, index): a guard-page-strategy i32.load of memory 0,
// no bounds check; `site` marks the load.
Snippet make_load_snippet(const VMContextLayout& layout,
                          asmjit::Label* site_out) {
  return Snippet([&](Assembler& a, std::vector<LabeledTrap>& traps) {
    asmjit::Label site = a.newLabel();
    *site_out = site;
    a.push(rbp);
    a.mov(rbp, rsp);
    a.mov(rax, qword_ptr(rdi, layout.defined_memory_base(0)));
    a.mov(esi, esi);  // zero-extend the wasm index
    a.bind(site);
    traps.push_back({site, TrapCode::MemoryOutOfBounds});
    a.mov(eax, dword_ptr(rax, rsi));
    a.pop(rbp);
    a.ret();
  });
}

TEST(TrapHandler, GuardPageLoadIsOutOfBoundsTrapWithPc) {
  TestInstance inst(1);
  asmjit::Label site;
  Snippet code = make_load_snippet(inst.layout, &site);
  auto load = code.entry<LoadFn>();
  inst.memory->base()[65532] = 7;

  auto in_bounds = call_wasm(*inst.limits, kDefaultMaxWasmStack, load,
                             inst.vmctx.get(), 65532u);
  ASSERT_TRUE(in_bounds.ok());
  EXPECT_EQ(in_bounds.value(), 7u);

  for (uint32_t index : {65533u, 65536u, 0xFFFFFFFFu}) {
    auto r = call_wasm(*inst.limits, kDefaultMaxWasmStack, load,
                       inst.vmctx.get(), index);
    ASSERT_FALSE(r.ok()) << index;
    EXPECT_EQ(r.trap().code, TrapCode::MemoryOutOfBounds);
    EXPECT_STREQ(r.trap().message(), "out of bounds memory access");
    EXPECT_EQ(r.trap().pc, code.address_of(site));
    ASSERT_GE(r.trap().frames.size(), 1u);
    EXPECT_EQ(r.trap().frames[0], r.trap().pc);
  }
  // The store is fine afterwards, and no activation is left behind.
  EXPECT_EQ(current_activation(), nullptr);
  EXPECT_EQ(inst.limits->stack_limit.load(), 0u);
  auto again = call_wasm(*inst.limits, kDefaultMaxWasmStack, load,
                         inst.vmctx.get(), 65532u);
  ASSERT_TRUE(again.ok());
}

TEST(TrapHandler, Ud2AtTrapSiteIsUnreachable) {
  TestInstance inst;
  asmjit::Label site;
  Snippet code([&](Assembler& a, std::vector<LabeledTrap>& traps) {
    site = a.newLabel();
    a.push(rbp);
    a.mov(rbp, rsp);
    testing::emit_trap_site(a, traps, site, TrapCode::Unreachable);
  });
  auto r = call_wasm(*inst.limits, kDefaultMaxWasmStack,
                     code.entry<void (*)(VMContext*)>(), inst.vmctx.get());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().code, TrapCode::Unreachable);
  EXPECT_STREQ(r.trap().message(), "unreachable");
  EXPECT_EQ(r.trap().pc, code.address_of(site));
}

TEST(TrapHandler, DivideByZeroIsSigfpeTrap) {
  TestInstance inst;
  asmjit::Label site;
  Snippet code([&](Assembler& a, std::vector<LabeledTrap>& traps) {
    site = a.newLabel();
    a.mov(eax, esi);
    a.mov(ecx, edx);
    a.cdq();
    a.bind(site);
    traps.push_back({site, TrapCode::IntegerDivideByZero});
    a.idiv(ecx);
    a.ret();
  });
  auto div = code.entry<int32_t (*)(VMContext*, int32_t, int32_t)>();
  auto ok = call_wasm(*inst.limits, kDefaultMaxWasmStack, div, inst.vmctx.get(),
                      42, 5);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 8);
  auto r = call_wasm(*inst.limits, kDefaultMaxWasmStack, div, inst.vmctx.get(),
                     42, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().code, TrapCode::IntegerDivideByZero);
  EXPECT_STREQ(r.trap().message(), "integer divide by zero");
  EXPECT_EQ(r.trap().pc, code.address_of(site));
}

TEST(TrapHandler, RaiseTrapFromLibraryCall) {
  TestInstance inst;
  asmjit::Label after_call;
  Snippet code([&](Assembler& a, std::vector<LabeledTrap>&) {
    after_call = a.newLabel();
    a.push(rbp);
    a.mov(rbp, rsp);
    a.mov(edi, uint32_t(TrapCode::TableOutOfBounds));
    a.mov(rax, uint64_t(uintptr_t(&heron_raise_trap)));
    a.call(rax);
    a.bind(after_call);
    a.ud2();
  });
  auto r = call_wasm(*inst.limits, kDefaultMaxWasmStack,
                     code.entry<void (*)(VMContext*)>(), inst.vmctx.get());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.trap().code, TrapCode::TableOutOfBounds);
  EXPECT_STREQ(r.trap().message(), "out of bounds table access");
  EXPECT_EQ(r.trap().pc, code.address_of(after_call));
}

// A load from address 0 at a PC of registered code that is NOT a trap site.
void fault_at_unregistered_site() {
  TestInstance inst;
  Snippet code([&](Assembler& a, std::vector<LabeledTrap>&) {
    a.xor_(eax, eax);
    a.mov(eax, dword_ptr(rax));
    a.ret();
  });
  auto r = call_wasm(*inst.limits, kDefaultMaxWasmStack,
                     code.entry<uint32_t (*)(VMContext*)>(), inst.vmctx.get());
  (void)r;
}

void no_core_dumps() {
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none);
}

// The previous action was the default: the process dies of the SIGSEGV.
// (The death-test child is a fresh process, so the SIG_DFL set here, which
// also displaces a sanitizer's handler, is what Heron finds and chains to.)
TEST(TrapHandlerDeathTest, UnknownFaultWithDefaultActionKillsProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        no_core_dumps();
        signal(SIGSEGV, SIG_DFL);
        fault_at_unregistered_site();
      },
      ::testing::KilledBySignal(SIGSEGV), "");
}

void previous_handler(int, siginfo_t*, void*) { _exit(42); }

// The previous action was a handler: it receives the fault.
TEST(TrapHandlerDeathTest, UnknownFaultReachesPreviousHandler) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        no_core_dumps();
        struct sigaction sa = {};
        sa.sa_sigaction = previous_handler;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGSEGV, &sa, nullptr);
        fault_at_unregistered_site();
      },
      ::testing::ExitedWithCode(42), "");
}

// A fault outside any wasm activation is not ours either, even at a PC that
// is a registered trap site.
TEST(TrapHandlerDeathTest, TrapSiteOutsideActivationIsNotATrap) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        no_core_dumps();
        signal(SIGILL, SIG_DFL);
        install_trap_handlers();
        asmjit::Label site;
        Snippet code([&](Assembler& a, std::vector<LabeledTrap>& traps) {
          site = a.newLabel();
          testing::emit_trap_site(a, traps, site, TrapCode::Unreachable);
        });
        code.entry<void (*)()>()();
      },
      ::testing::KilledBySignal(SIGILL), "");
}

}  // namespace
}  // namespace heron
