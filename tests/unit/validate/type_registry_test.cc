// TypeRegistry: iso-recursive canonicalization across modules, the canonical
// form of types, and declared subtyping on canonical ids.
#include "validate/type_registry.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "test_module_builder.h"
#include "validate/type_context.h"

namespace heron {
namespace {

using test::field;
using test::func_type;
using test::ModuleBuilder;
using test::open;
using test::ref;

std::vector<uint32_t> ids_of(const Module& m, TypeRegistry& registry) {
  Result<TypeContext> tc = TypeContext::build(m, registry);
  EXPECT_TRUE(tc.ok()) << tc.error().message;
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < tc->num_types(); ++i)
    ids.push_back(tc->canonical_id(i));
  return ids;
}

TEST(TypeRegistryTest, IdsAreDenseAndShared) {
  TypeRegistry registry;
  ModuleBuilder a;
  a.type(func_type({ValType::i32()}, {}));
  a.rec({test::struct_type({field(ref(2, true))}),
         test::struct_type({field(ref(1, true))})});
  ModuleBuilder b;  // the same types, defined twice in another module
  b.rec({test::struct_type({field(ref(1, true))}),
         test::struct_type({field(ref(0, true))})});
  b.type(func_type({ValType::i32()}, {}));
  b.type(func_type({ValType::i32()}, {}));

  std::vector<uint32_t> ia = ids_of(a.module(), registry);
  std::vector<uint32_t> ib = ids_of(b.module(), registry);
  EXPECT_EQ(ia, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(ib, (std::vector<uint32_t>{1, 2, 0, 0}));
  EXPECT_EQ(registry.size(), 3u);
}

TEST(TypeRegistryTest, CanonicalFormUsesIds) {
  TypeRegistry registry;
  ModuleBuilder filler;  // shifts ids so that indices and ids differ
  filler.type(test::array_type(field(ValType::f64())));
  filler.type(test::array_type(field(ValType::f32())));
  ids_of(filler.module(), registry);

  ModuleBuilder b;
  uint32_t s = b.type(open(test::struct_type({})));
  b.rec({open(test::struct_type({field(ref(s)), field(ref(2))}), s),
         func_type({ref(1)}, {})});
  std::vector<uint32_t> ids = ids_of(b.module(), registry);
  ASSERT_EQ(ids, (std::vector<uint32_t>{2, 3, 4}));
  const SubType& st = registry.canonical_type(3);
  ASSERT_TRUE(st.super.has_value());
  EXPECT_EQ(*st.super, 2u);
  EXPECT_EQ(st.rec_group, 3u);
  EXPECT_EQ(st.composite.fields[0].storage.type.heap.index, 2u);
  EXPECT_EQ(st.composite.fields[1].storage.type.heap.index, 4u);
  EXPECT_EQ(registry.canonical_type(4).composite.func.params[0].heap.index, 3u);
  EXPECT_TRUE(registry.is_subtype(3, 2));
  EXPECT_TRUE(registry.is_subtype(3, 3));
  EXPECT_FALSE(registry.is_subtype(2, 3));
  EXPECT_FALSE(registry.is_subtype(4, 2));
}

TEST(TypeRegistryTest, ConcurrentInterningAgrees) {
  TypeRegistry registry;
  std::vector<std::vector<uint32_t>> results(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ModuleBuilder b;
      for (uint32_t i = 0; i < 50; ++i)
        b.type(test::struct_type(
            {field(ValType::i32()), field(i ? ref(i - 1) : ValType::i64())}));
      results[t] = ids_of(b.module(), registry);
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 1; t < 4; ++t) EXPECT_EQ(results[t], results[0]);
  EXPECT_EQ(registry.size(), 50u);
}

TEST(TypeRegistryTest, GlobalRegistryIsShared) {
  ModuleBuilder a, b;
  a.type(func_type({ValType::v128()}, {ValType::v128()}));
  b.type(test::struct_type({}));
  b.type(func_type({ValType::v128()}, {ValType::v128()}));
  Result<TypeContext> ta = TypeContext::build(a.module());
  Result<TypeContext> tb = TypeContext::build(b.module());
  ASSERT_TRUE(ta.ok() && tb.ok());
  EXPECT_EQ(ta->canonical_id(0), tb->canonical_id(1));
  EXPECT_EQ(&ta->registry(), &TypeRegistry::global());
}

}  // namespace
}  // namespace heron
