// Linear memories: reservation and protection of the guard-page strategy,
// memory.grow semantics (maximum, failures, zeroed growth), the explicit-
// bounds-check strategy that may move, and custom page sizes.
#include "runtime/linear_memory.h"

#include <gtest/gtest.h>

#include "proc_maps.h"

namespace heron {
namespace {

MemoryType memory_type(uint64_t min, std::optional<uint64_t> max = {},
                       uint32_t page_log2 = 16, bool is64 = false) {
  MemoryType t;
  t.limits.min = min;
  t.limits.max = max;
  t.limits.is64 = is64;
  t.page_size_log2 = page_log2;
  return t;
}

TEST(LinearMemory, GuardStrategyReservesFourGiBPlusGuard) {
  auto mem = LinearMemory::create(memory_type(2));
  ASSERT_TRUE(mem.ok());
  LinearMemory& m = **mem;
  EXPECT_EQ(m.strategy(), BoundsStrategy::GuardPages);
  EXPECT_EQ(m.reserved_bytes(), (4ull << 30) + kDefaultGuardBytes);
  EXPECT_EQ(m.pages(), 2u);
  EXPECT_EQ(m.byte_length(), 2u * 65536);
  uintptr_t base = uintptr_t(m.base());
  for (const auto& e : testing::mappings_overlapping(base, base + 2 * 65536))
    EXPECT_EQ(e.perms.substr(0, 3), "rw-");
  for (const auto& e : testing::mappings_overlapping(base + 2 * 65536,
                                                     base + m.reserved_bytes()))
    EXPECT_EQ(e.perms.substr(0, 3), "---");
  m.base()[2 * 65536 - 1] = 1;  // the last byte is accessible
}

TEST(LinearMemory, GrowHonorsMaximum) {
  auto mem = LinearMemory::create(memory_type(1, 3));
  ASSERT_TRUE(mem.ok());
  LinearMemory& m = **mem;
  uint8_t* base = m.base();
  base[100] = 0xAB;
  EXPECT_EQ(m.grow(0), 1);
  EXPECT_EQ(m.grow(3), -1);  // 4 > max
  EXPECT_EQ(m.pages(), 1u);
  EXPECT_EQ(m.grow(1), 1);
  EXPECT_EQ(m.grow(1), 2);
  EXPECT_EQ(m.grow(1), -1);
  EXPECT_EQ(m.grow(UINT64_MAX), -1);  // no overflow
  EXPECT_EQ(m.pages(), 3u);
  EXPECT_EQ(m.base(), base);  // guard strategy never moves
  EXPECT_EQ(base[100], 0xAB);
  EXPECT_EQ(base[3 * 65536 - 1], 0);  // new pages are zero
}

TEST(LinearMemory, ImplicitMaximumIsFourGiB) {
  auto mem = LinearMemory::create(memory_type(1));
  ASSERT_TRUE(mem.ok());
  EXPECT_EQ((*mem)->grow(65536), -1);
  EXPECT_EQ(max_pages(memory_type(0)), 65536u);
  EXPECT_EQ(max_pages(memory_type(0, 10)), 10u);
  EXPECT_EQ(max_pages(memory_type(0, {}, 0)), uint64_t(UINT32_MAX));
  EXPECT_EQ(max_pages(memory_type(0, {}, 16, true)), uint64_t(1) << 48);
}

TEST(LinearMemory, MinimumAboveMaximumFails) {
  auto mem = LinearMemory::create(memory_type(70000));
  ASSERT_FALSE(mem.ok());
  EXPECT_EQ(mem.error().kind, ErrorKind::Limit);
}

TEST(LinearMemory, ExplicitStrategyMovesAndUpdatesBoundSlot) {
  LinearMemoryConfig config;
  config.explicit_bounds_checks = true;
  auto mem = LinearMemory::create(memory_type(1, 1000), config);
  ASSERT_TRUE(mem.ok());
  LinearMemory& m = **mem;
  EXPECT_EQ(m.strategy(), BoundsStrategy::ExplicitChecks);
  EXPECT_EQ(m.reserved_bytes(), 65536u);  // no guard region

  VMMemoryDefinition slot{};  // as if inside an instance's VMContext
  m.bind_definition(&slot);
  EXPECT_EQ(slot.base, m.base());
  EXPECT_EQ(slot.length, 65536u);

  for (int i = 0; i < 65536; i += 4096) m.base()[i] = uint8_t(i >> 12);
  EXPECT_EQ(m.grow(500), 1);
  EXPECT_EQ(slot.base, m.base());  // possibly a new address
  EXPECT_EQ(slot.length, 501u * 65536);
  for (int i = 0; i < 65536; i += 4096)
    EXPECT_EQ(m.base()[i], uint8_t(i >> 12));
  EXPECT_EQ(m.base()[501 * 65536 - 1], 0);
  EXPECT_EQ(m.grow(500), -1);
  EXPECT_EQ(slot.length, 501u * 65536);
}

TEST(LinearMemory, ExplicitStrategyGrowsFromZero) {
  LinearMemoryConfig config;
  config.explicit_bounds_checks = true;
  auto mem = LinearMemory::create(memory_type(0), config);
  ASSERT_TRUE(mem.ok());
  EXPECT_EQ((*mem)->byte_length(), 0u);
  EXPECT_EQ((*mem)->grow(1), 0);
  (*mem)->base()[65535] = 1;
}

TEST(LinearMemory, OneBytePagesUseExplicitChecks) {
  auto mem = LinearMemory::create(memory_type(5, 10, 0));
  ASSERT_TRUE(mem.ok());
  LinearMemory& m = **mem;
  EXPECT_EQ(m.strategy(), BoundsStrategy::ExplicitChecks);
  EXPECT_EQ(m.page_size(), 1u);
  EXPECT_EQ(m.byte_length(), 5u);
  EXPECT_EQ(m.grow(3), 5);
  EXPECT_EQ(m.byte_length(), 8u);
  EXPECT_EQ(m.grow(3), -1);
  EXPECT_EQ(m.grow(2), 8);
  EXPECT_EQ(m.pages(), 10u);
}

TEST(LinearMemory, StrategyChoice) {
  LinearMemoryConfig guard, explicit_checks;
  explicit_checks.explicit_bounds_checks = true;
  EXPECT_EQ(bounds_strategy(memory_type(1), guard), BoundsStrategy::GuardPages);
  EXPECT_EQ(bounds_strategy(memory_type(1), explicit_checks),
            BoundsStrategy::ExplicitChecks);
  EXPECT_EQ(bounds_strategy(memory_type(1, {}, 16, true), guard),
            BoundsStrategy::ExplicitChecks);
  MemoryType shared = memory_type(1, 2);
  shared.limits.shared = true;
  EXPECT_EQ(bounds_strategy(shared, guard), BoundsStrategy::ExplicitChecks);
}

TEST(LinearMemory, SharedMemoryNeverMoves) {
  MemoryType shared = memory_type(1, 4);
  shared.limits.shared = true;
  auto mem = LinearMemory::create(shared);
  ASSERT_TRUE(mem.ok());
  uint8_t* base = (*mem)->base();
  EXPECT_EQ((*mem)->reserved_bytes(), 4u * 65536);
  EXPECT_EQ((*mem)->grow(3), 1);
  EXPECT_EQ((*mem)->base(), base);
  EXPECT_EQ((*mem)->grow(1), -1);
}

TEST(LinearMemory, Memory64GrowsByMoving) {
  auto mem = LinearMemory::create(memory_type(1, {}, 16, true));
  ASSERT_TRUE(mem.ok());
  EXPECT_EQ((*mem)->strategy(), BoundsStrategy::ExplicitChecks);
  EXPECT_EQ((*mem)->grow(2), 1);
  EXPECT_EQ((*mem)->pages(), 3u);
  EXPECT_EQ((*mem)->grow(uint64_t(1) << 48), -1);
}

}  // namespace
}  // namespace heron
