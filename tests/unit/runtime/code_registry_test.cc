// The code registry: lookups by PC, trap-site matching, and lock-free reads
// racing with registration and removal (run under ASan for use-after-free).
#include "runtime/code_registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace heron {
namespace {

TEST(CodeRegistry, LooksUpRangesAndTrapSites) {
  int owner = 0;
  const TrapSite sites[] = {{0x30, TrapCode::IntegerDivideByZero},
                            {0x10, TrapCode::MemoryOutOfBounds}};
  CodeRegistration reg(0x10000, 0x10100, sites, &owner);

  CodeLookup hit = CodeRegistry::lookup(0x10010);
  EXPECT_TRUE(hit.in_wasm);
  EXPECT_TRUE(hit.is_trap_site);
  EXPECT_EQ(hit.code, TrapCode::MemoryOutOfBounds);
  EXPECT_EQ(hit.owner, &owner);
  EXPECT_EQ(hit.range_start, 0x10000u);
  EXPECT_EQ(CodeRegistry::lookup(0x10030).code, TrapCode::IntegerDivideByZero);

  CodeLookup plain = CodeRegistry::lookup(0x10011);
  EXPECT_TRUE(plain.in_wasm);
  EXPECT_FALSE(plain.is_trap_site);
  EXPECT_FALSE(CodeRegistry::lookup(0x100FF + 1).in_wasm);
  EXPECT_FALSE(CodeRegistry::lookup(0xFFFF).in_wasm);

  reg.reset();
  EXPECT_FALSE(CodeRegistry::lookup(0x10010).in_wasm);
}

TEST(CodeRegistry, ManyRangesStaySorted) {
  std::vector<CodeRegistration> regs;
  for (uintptr_t i = 20; i > 0; i--) {
    TrapSite site{8, TrapCode::Unreachable};
    regs.emplace_back(i * 0x1000, i * 0x1000 + 0x100,
                      std::span<const TrapSite>(&site, 1), nullptr);
  }
  for (uintptr_t i = 1; i <= 20; i++) {
    EXPECT_TRUE(CodeRegistry::lookup(i * 0x1000 + 8).is_trap_site) << i;
    EXPECT_FALSE(CodeRegistry::lookup(i * 0x1000 + 0x100).in_wasm) << i;
  }
}

TEST(CodeRegistry, ReadersRaceWithWriters) {
  std::atomic<bool> stop{false};
  TrapSite site{4, TrapCode::Unreachable};
  CodeRegistration stable(0x50000, 0x50100, std::span<const TrapSite>(&site, 1),
                          nullptr);
  std::thread reader([&] {
    while (!stop.load()) {
      ASSERT_TRUE(CodeRegistry::lookup(0x50004).is_trap_site);
      (void)CodeRegistry::lookup(0x60004);
    }
  });
  for (int i = 0; i < 300; i++) {
    CodeRegistration churn(0x60000, 0x60100,
                           std::span<const TrapSite>(&site, 1), nullptr);
    EXPECT_TRUE(CodeRegistry::lookup(0x60004).is_trap_site);
  }
  stop = true;
  reader.join();
}

TEST(CodeRegistryDeathTest, OverlappingRangesAreAnInvariantBreak) {
  CodeRegistration a(0x70000, 0x70100, {}, nullptr);
  EXPECT_DEATH(CodeRegistration(0x70080, 0x70200, {}, nullptr), "overlapping");
}

}  // namespace
}  // namespace heron
