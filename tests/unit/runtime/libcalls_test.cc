// The runtime library calls, called directly on an instance built by the
// runtime (no compiled code): results, bounds checks before any write, and
// traps raised inside an activation.
#include "runtime/libcalls.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "api_test_support.h"
#include "ir/libcall.h"
#include "runtime/activation.h"
#include "runtime/store_impl.h"

namespace heron {
namespace {

using testing::compile_wat;

class Libcalls : public ::testing::Test {
 protected:
  void SetUp() override {
    module.emplace(compile_wat(engine, R"((module
      (memory 1 3)
      (memory 1)
      (table 4 8 externref)
      (table 2 externref)
      (data "hello")
      (elem externref (ref.null extern) (ref.null extern) (ref.null extern)))
    )"));
    auto inst = api::Instance::create(store, *module, {});
    ASSERT_TRUE(inst.ok()) << inst.error().message;
    instance = inst->impl();
    vmctx = instance->vmctx.get();
  }
  uint8_t* mem(uint32_t k) { return instance->memories[k]->memory->base(); }
  void** table(uint32_t k) { return instance->tables[k]->def->base; }

  // Runs fn(args...) as wasm would; returns the trap code or -1.
  template <class... P, class... A>
  int trap_of(void (*fn)(P...), A... args) {
    TrapOr<void> r = call_wasm(*store.impl().limits, 512 * 1024, fn, args...);
    return r.ok() ? -1 : int(r.trap().code);
  }

  api::Engine engine;
  api::Store store{engine};
  std::optional<api::Module> module;
  InstanceImpl* instance = nullptr;
  VMContext* vmctx = nullptr;
};

constexpr int kMemOob = int(TrapCode::MemoryOutOfBounds);
constexpr int kTableOob = int(TrapCode::TableOutOfBounds);

TEST_F(Libcalls, EveryLibcallHasAnAddress) {
  for (uint32_t id = 0; id <= uint32_t(ir::LibCall::NearestF64); id++)
    EXPECT_NE(libcall_address(id), nullptr) << id;
  EXPECT_EQ(libcall_address(uint32_t(ir::LibCall::NearestF64) + 1), nullptr);
}

TEST_F(Libcalls, MemoryGrowUpdatesTheVMContext) {
  const VMContextLayout& layout = instance->module->layout;
  auto* def = vmctx_field<VMMemoryDefinition>(vmctx, layout.defined_memory(0));
  EXPECT_EQ(heron_memory_grow(vmctx, 0, 1), 1);
  EXPECT_EQ(def->length, 2u * 65536);
  EXPECT_EQ(heron_memory_grow(vmctx, 0, 2), -1);
  EXPECT_EQ(heron_memory_grow(vmctx, 0, 0), 2);
  EXPECT_EQ(heron_memory_grow(vmctx, 1, 1), 1);
}

TEST_F(Libcalls, MemoryFillAndCopy) {
  EXPECT_EQ(
      trap_of(&heron_memory_fill, vmctx, 0u, uint64_t(10), 0x1ABu, uint64_t(4)),
      -1);
  EXPECT_EQ(mem(0)[9], 0);
  EXPECT_EQ(mem(0)[10], 0xAB);
  EXPECT_EQ(mem(0)[13], 0xAB);
  EXPECT_EQ(mem(0)[14], 0);
  // Overlapping copy forwards and across memories.
  EXPECT_EQ(trap_of(&heron_memory_copy, vmctx, 0u, 0u, uint64_t(12),
                    uint64_t(10), uint64_t(4)),
            -1);
  EXPECT_EQ(mem(0)[15], 0xAB);
  EXPECT_EQ(mem(0)[16], 0);
  EXPECT_EQ(trap_of(&heron_memory_copy, vmctx, 1u, 0u, uint64_t(65535),
                    uint64_t(10), uint64_t(1)),
            -1);
  EXPECT_EQ(mem(1)[65535], 0xAB);
}

TEST_F(Libcalls, MemoryBoundsAreCheckedBeforeWriting) {
  EXPECT_EQ(
      trap_of(&heron_memory_fill, vmctx, 0u, uint64_t(65530), 7u, uint64_t(7)),
      kMemOob);
  EXPECT_EQ(mem(0)[65530], 0);  // nothing written
  EXPECT_EQ(
      trap_of(&heron_memory_fill, vmctx, 0u, uint64_t(65536), 7u, uint64_t(0)),
      -1);
  EXPECT_EQ(
      trap_of(&heron_memory_fill, vmctx, 0u, uint64_t(65537), 7u, uint64_t(0)),
      kMemOob);
  EXPECT_EQ(trap_of(&heron_memory_fill, vmctx, 0u, UINT64_MAX, 7u, uint64_t(2)),
            kMemOob);
  EXPECT_EQ(trap_of(&heron_memory_copy, vmctx, 0u, 0u, uint64_t(0),
                    uint64_t(65535), uint64_t(2)),
            kMemOob);
}

TEST_F(Libcalls, MemoryInitAndDataDrop) {
  EXPECT_EQ(trap_of(&heron_memory_init, vmctx, 0u, 0u, uint64_t(100), 1u, 3u),
            -1);
  EXPECT_EQ(std::memcmp(mem(0) + 100, "ell", 3), 0);
  EXPECT_EQ(trap_of(&heron_memory_init, vmctx, 0u, 0u, uint64_t(200), 3u, 3u),
            kMemOob);
  EXPECT_EQ(mem(0)[200], 0);
  heron_data_drop(vmctx, 0);
  EXPECT_EQ(trap_of(&heron_memory_init, vmctx, 0u, 0u, uint64_t(0), 0u, 0u),
            -1);
  EXPECT_EQ(trap_of(&heron_memory_init, vmctx, 0u, 0u, uint64_t(0), 0u, 1u),
            kMemOob);
}

TEST_F(Libcalls, TableOperations) {
  int a = 0, b = 0;
  heron_table_set(vmctx, 0, 1, &a);
  EXPECT_EQ(heron_table_get(vmctx, 0, 1), &a);
  EXPECT_EQ(heron_table_grow(vmctx, 0, &b, 2), 4);
  EXPECT_EQ(instance->tables[0]->size(), 6u);
  EXPECT_EQ(table(0)[5], &b);
  EXPECT_EQ(heron_table_grow(vmctx, 0, &b, 3), -1);  // max 8
  EXPECT_EQ(trap_of(&heron_table_fill, vmctx, 0u, uint64_t(2), (void*)&a,
                    uint64_t(2)),
            -1);
  EXPECT_EQ(table(0)[2], &a);
  EXPECT_EQ(table(0)[3], &a);
  EXPECT_EQ(table(0)[4], &b);
  EXPECT_EQ(trap_of(&heron_table_copy, vmctx, 1u, 0u, uint64_t(0), uint64_t(4),
                    uint64_t(2)),
            -1);
  EXPECT_EQ(table(1)[0], &b);
  EXPECT_EQ(table(1)[1], &b);
  EXPECT_EQ(trap_of(&heron_table_init, vmctx, 0u, 0u, uint64_t(1), 1u, 2u), -1);
  EXPECT_EQ(table(0)[1], nullptr);
  EXPECT_EQ(table(0)[2], nullptr);
  EXPECT_EQ(table(0)[3], &a);
}

TEST_F(Libcalls, TableBoundsTrapWithoutWriting) {
  int a = 0;
  EXPECT_EQ(trap_of(&heron_table_fill, vmctx, 0u, uint64_t(3), (void*)&a,
                    uint64_t(2)),
            kTableOob);
  EXPECT_EQ(table(0)[3], nullptr);
  EXPECT_EQ(trap_of(&heron_table_set, vmctx, 0u, uint64_t(4), (void*)&a),
            kTableOob);
  EXPECT_EQ(trap_of(&heron_table_copy, vmctx, 0u, 1u, uint64_t(0), uint64_t(1),
                    uint64_t(2)),
            kTableOob);
  EXPECT_EQ(trap_of(&heron_table_init, vmctx, 0u, 0u, uint64_t(0), 2u, 2u),
            kTableOob);
  heron_elem_drop(vmctx, 0);
  EXPECT_EQ(trap_of(&heron_table_init, vmctx, 0u, 0u, uint64_t(0), 0u, 1u),
            kTableOob);
  EXPECT_EQ(trap_of(&heron_table_init, vmctx, 0u, 0u, uint64_t(4), 0u, 0u), -1);
}

TEST_F(Libcalls, Rounding) {
  EXPECT_EQ(heron_nearestf64(2.5), 2.0);
  EXPECT_EQ(heron_nearestf64(3.5), 4.0);
  EXPECT_EQ(heron_nearestf32(-0.5f), -0.0f);
  EXPECT_TRUE(std::signbit(heron_nearestf32(-0.5f)));
  EXPECT_EQ(heron_floorf32(-1.5f), -2.0f);
  EXPECT_EQ(heron_ceilf64(-1.5), -1.0);
  EXPECT_EQ(heron_truncf64(-1.7), -1.0);
}

}  // namespace
}  // namespace heron
