// Code memory: W^X as the kernel sees it (/proc/self/maps), page rounding,
// and executing what was written.
#include "runtime/code_memory.h"

#include <gtest/gtest.h>

#include <cstring>

#include "proc_maps.h"

namespace heron {
namespace {

TEST(CodeMemory, NeverWritableAndExecutable) {
  auto mem = CodeMemory::allocate(100);
  ASSERT_TRUE(mem.ok());
  EXPECT_EQ(mem->size() % host_page_size(), 0u);
  EXPECT_GE(mem->size(), 100u);
  uintptr_t start = uintptr_t(mem->data());
  uintptr_t end = start + mem->size();

  auto writable = testing::mappings_overlapping(start, end);
  ASSERT_FALSE(writable.empty());
  for (const auto& m : writable) EXPECT_EQ(m.perms.substr(0, 3), "rw-");

  // mov eax, 42; ret
  const uint8_t code[] = {0xB8, 0x2A, 0x00, 0x00, 0x00, 0xC3};
  std::memcpy(mem->writable().data(), code, sizeof code);
  ASSERT_TRUE(mem->make_executable().ok());
  EXPECT_TRUE(mem->executable());

  auto executable = testing::mappings_overlapping(start, end);
  ASSERT_FALSE(executable.empty());
  for (const auto& m : executable) EXPECT_EQ(m.perms.substr(0, 3), "r-x");
  auto fn = reinterpret_cast<int (*)()>(start);
  EXPECT_EQ(fn(), 42);
}

TEST(CodeMemory, MoveTransfersOwnershipAndDestructorUnmaps) {
  uintptr_t start;
  {
    auto mem = CodeMemory::allocate(1);
    ASSERT_TRUE(mem.ok());
    CodeMemory moved = std::move(mem.value());
    start = uintptr_t(moved.data());
    EXPECT_EQ(mem->data(), nullptr);
    EXPECT_FALSE(testing::mappings_overlapping(start, start + 1).empty());
  }
  // Released: nothing of ours is mapped there any more (another mapping may
  // reuse the address, but not as an rw- code page we still own).
  for (const auto& m : testing::mappings_overlapping(start, start + 1))
    EXPECT_NE(m.perms.substr(0, 3), "r-x");
}

TEST(CodeMemoryDeathTest, WritingAfterExecutableIsAnInvariantBreak) {
  auto mem = CodeMemory::allocate(1);
  ASSERT_TRUE(mem.ok());
  ASSERT_TRUE(mem->make_executable().ok());
  EXPECT_DEATH((void)mem->writable(), "after make_executable");
}

}  // namespace
}  // namespace heron
