// Test helper: the minimum of a store and an instance that hand-written
// snippets run against: a RuntimeLimits block and a VMContext laid out by
// VMContextLayout with one defined linear memory bound into it.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "runtime/linear_memory.h"
#include "runtime/runtime_limits.h"
#include "runtime/vmcontext_layout.h"

namespace heron::testing {

struct TestInstance {
  explicit TestInstance(uint64_t memory_pages = 1,
                        LinearMemoryConfig config = {}) {
    VMContextCounts counts;
    counts.defined_memories = 1;
    auto l = VMContextLayout::compute(counts);
    if (!l.ok()) fatal_invariant("test layout");
    layout = l.value();
    vmctx = allocate_vmcontext(layout);
    *vmctx_field<RuntimeLimits*>(vmctx.get(), VMContextLayout::kLimitsOffset) =
        limits.get();
    MemoryType type;
    type.limits.min = memory_pages;
    auto m = LinearMemory::create(type, config);
    if (!m.ok()) fatal_invariant("test memory");
    memory = std::move(m.value());
    memory->bind_definition(
        vmctx_field<VMMemoryDefinition>(vmctx.get(), layout.defined_memory(0)));
  }

  std::shared_ptr<RuntimeLimits> limits = std::make_shared<RuntimeLimits>();
  VMContextLayout layout = VMContextLayout::compute(VMContextCounts{}).value();
  VMContextPtr vmctx;
  std::unique_ptr<LinearMemory> memory;
};

}  // namespace heron::testing
