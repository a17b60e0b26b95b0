// The VMContext layout: offsets are disjoint, aligned, in the documented
// order, and sized from the module's counts.
#include "runtime/vmcontext_layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "format/module.h"

namespace heron {
namespace {

TEST(VMContextLayout, EmptyModuleIsJustTheHeader) {
  auto l = VMContextLayout::compute(VMContextCounts{});
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->size(), VMContextLayout::kHeaderSize);
}

TEST(VMContextLayout, CountsComeFromTheModule) {
  Module m;
  m.types.resize(3);
  m.funcs = {0, 1, 2, 2};
  m.num_imported_funcs = 1;
  m.memories.resize(2);
  m.num_imported_memories = 1;
  m.tables.resize(1);
  m.globals.resize(5);
  m.num_imported_globals = 2;
  VMContextCounts c = VMContextCounts::of(m);
  EXPECT_EQ(c.types, 3u);
  EXPECT_EQ(c.imported_funcs, 1u);
  EXPECT_EQ(c.defined_funcs, 3u);
  EXPECT_EQ(c.imported_memories, 1u);
  EXPECT_EQ(c.defined_memories, 1u);
  EXPECT_EQ(c.imported_tables, 0u);
  EXPECT_EQ(c.defined_tables, 1u);
  EXPECT_EQ(c.imported_globals, 2u);
  EXPECT_EQ(c.defined_globals, 3u);
}

TEST(VMContextLayout, FieldsAreDisjointAlignedAndOrdered) {
  VMContextCounts c;
  c.imported_funcs = 3;
  c.defined_funcs = 4;
  c.imported_tables = 1;
  c.defined_tables = 2;
  c.imported_memories = 2;
  c.defined_memories = 3;
  c.imported_globals = 2;
  c.defined_globals = 3;
  auto r = VMContextLayout::compute(c);
  ASSERT_TRUE(r.ok());
  const VMContextLayout& l = *r;

  std::vector<std::pair<uint32_t, uint32_t>> fields;  // [offset, size)
  auto add = [&](uint32_t off, uint32_t size, uint32_t align) {
    EXPECT_EQ(off % align, 0u) << off;
    fields.push_back({off, size});
  };
  add(0, VMContextLayout::kHeaderSize, 16);
  for (uint32_t i = 0; i < 3; i++) add(l.imported_function(i), 24, 8);
  add(l.imported_table(0), 8, 8);
  for (uint32_t i = 0; i < 2; i++) add(l.imported_memory(i), 8, 8);
  for (uint32_t i = 0; i < 2; i++) add(l.imported_global(i), 8, 8);
  for (uint32_t i = 0; i < 2; i++) add(l.defined_table(i), 16, 16);
  for (uint32_t i = 0; i < 3; i++) add(l.defined_memory(i), 16, 16);
  for (uint32_t i = 0; i < 3; i++) add(l.defined_global(i), 16, 16);
  for (uint32_t i = 0; i < 4; i++) add(l.func_ref(i), 24, 8);
  // The list above is in the documented order: offsets increase and never
  // overlap, and everything fits.
  for (size_t i = 1; i < fields.size(); i++)
    EXPECT_GE(fields[i].first, fields[i - 1].first + fields[i - 1].second) << i;
  EXPECT_LE(fields.back().first + fields.back().second, l.size());
  EXPECT_EQ(l.size() % VMContextLayout::kAlignment, 0u);

  EXPECT_EQ(l.imported_function_vmctx(1), l.imported_function(1) + 8);
  EXPECT_EQ(l.defined_memory_length(2), l.defined_memory(2) + 8);
  EXPECT_EQ(l.defined_table_elements(1), l.defined_table(1) + 8);
}

TEST(VMContextLayout, RuntimeSeesWhatCompilerAddresses) {
  VMContextCounts c;
  c.defined_memories = 1;
  c.defined_globals = 1;
  VMContextLayout l = VMContextLayout::compute(c).value();
  VMContextPtr vmctx = allocate_vmcontext(l);
  EXPECT_EQ(uintptr_t(vmctx.get()) % 16, 0u);
  auto* def = vmctx_field<VMMemoryDefinition>(vmctx.get(), l.defined_memory(0));
  EXPECT_EQ(def->base, nullptr);  // zeroed
  def->length = 1234;
  EXPECT_EQ(*vmctx_field<uint64_t>(vmctx.get(), l.defined_memory_length(0)),
            1234u);
}

TEST(VMContextLayout, HugeCountsAreALimitError) {
  VMContextCounts c;
  c.defined_funcs = 0xFFFFFFFF;
  auto r = VMContextLayout::compute(c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Limit);
}

TEST(VMContextLayoutDeathTest, IndexOutOfRangeIsAnInvariantBreak) {
  VMContextLayout l = VMContextLayout::compute(VMContextCounts{}).value();
  EXPECT_DEATH((void)l.defined_memory(0), "out of range");
}

}  // namespace
}  // namespace heron
