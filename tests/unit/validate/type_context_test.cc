// TypeContext: type-section validation and the subtyping relation (abstract
// heap hierarchy, declared subtyping of func/struct/array types, finality).
#include "validate/type_context.h"

#include <gtest/gtest.h>

#include <string>

#include "test_module_builder.h"
#include "validate/type_registry.h"

namespace heron {
namespace {

using test::field;
using test::func_type;
using test::ModuleBuilder;
using test::open;
using test::ref;
using K = HeapKind;

TypeContext build_ok(ModuleBuilder& b) {
  Result<TypeContext> r = TypeContext::build(b.module());
  EXPECT_TRUE(r.ok()) << r.error().message;
  return std::move(r).value();
}

std::string build_error(ModuleBuilder& b) {
  Result<TypeContext> r = TypeContext::build(b.module());
  if (r.ok()) return "<ok>";
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
  return r.error().message;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

TEST(TypeContextTest, AbstractHeapHierarchy) {
  ModuleBuilder b;
  TypeContext tc = build_ok(b);
  auto sub = [&](K a, K c) {
    return tc.is_heap_subtype(HeapType::abstract(a), HeapType::abstract(c));
  };
  // The internal hierarchy: none <: i31, struct, array <: eq <: any.
  for (K k : {K::None, K::I31, K::Struct, K::Array, K::Eq, K::Any}) {
    EXPECT_TRUE(sub(K::None, k));
    EXPECT_TRUE(sub(k, K::Any));
    EXPECT_TRUE(sub(k, k));
  }
  for (K k : {K::I31, K::Struct, K::Array}) EXPECT_TRUE(sub(k, K::Eq));
  EXPECT_FALSE(sub(K::Any, K::Eq));
  EXPECT_FALSE(sub(K::Eq, K::Struct));
  EXPECT_FALSE(sub(K::I31, K::Struct));
  EXPECT_FALSE(sub(K::Struct, K::Array));
  // The other hierarchies.
  EXPECT_TRUE(sub(K::NoFunc, K::Func));
  EXPECT_TRUE(sub(K::NoExtern, K::Extern));
  EXPECT_TRUE(sub(K::NoExn, K::Exn));
  EXPECT_FALSE(sub(K::Func, K::NoFunc));
  // Hierarchies are disjoint, bottoms included.
  EXPECT_FALSE(sub(K::NoFunc, K::Any));
  EXPECT_FALSE(sub(K::None, K::Func));
  EXPECT_FALSE(sub(K::None, K::NoFunc));
  EXPECT_FALSE(sub(K::None, K::Extern));
  EXPECT_FALSE(sub(K::NoExtern, K::Any));
  EXPECT_FALSE(sub(K::NoExtern, K::NoFunc));
  EXPECT_FALSE(sub(K::NoFunc, K::Extern));
  EXPECT_FALSE(sub(K::Func, K::Any));
  EXPECT_FALSE(sub(K::Extern, K::Any));
  EXPECT_FALSE(sub(K::Exn, K::Any));
  EXPECT_FALSE(sub(K::NoExn, K::Func));
  // The validator's bottom is below everything.
  for (K k : {K::Any, K::Func, K::Extern, K::Exn, K::None, K::NoFunc})
    EXPECT_TRUE(sub(K::Bot, k));
  EXPECT_FALSE(sub(K::None, K::Bot));
}

TEST(TypeContextTest, ValueTypeSubtyping) {
  ModuleBuilder b;
  TypeContext tc = build_ok(b);
  EXPECT_TRUE(tc.is_subtype(ValType::i32(), ValType::i32()));
  EXPECT_FALSE(tc.is_subtype(ValType::i32(), ValType::i64()));
  EXPECT_FALSE(tc.is_subtype(ValType::f32(), ValType::funcref()));
  EXPECT_TRUE(tc.is_subtype(ValType::bot(), ValType::v128()));
  EXPECT_TRUE(tc.is_subtype(ValType::bot(), ValType::externref()));
  // Non-null <: nullable, never the reverse.
  EXPECT_TRUE(tc.is_subtype(ref(K::Func), ref(K::Func, true)));
  EXPECT_FALSE(tc.is_subtype(ref(K::Func, true), ref(K::Func)));
  EXPECT_TRUE(tc.is_subtype(ref(K::None, true), ref(K::Eq, true)));
  EXPECT_FALSE(tc.is_subtype(ref(K::None, true), ref(K::Eq)));
}

TEST(TypeContextTest, ConcreteTypesUnderAbstract) {
  ModuleBuilder b;
  uint32_t f = b.type(func_type({}, {}));
  uint32_t s = b.type(test::struct_type({}));
  uint32_t a = b.type(test::array_type(field(ValType::i32())));
  TypeContext tc = build_ok(b);
  auto sub = [&](HeapType x, HeapType y) { return tc.is_heap_subtype(x, y); };
  EXPECT_TRUE(sub(test::heap(f), test::heap(K::Func)));
  EXPECT_FALSE(sub(test::heap(f), test::heap(K::Any)));
  EXPECT_TRUE(sub(test::heap(K::NoFunc), test::heap(f)));
  EXPECT_FALSE(sub(test::heap(K::None), test::heap(f)));
  for (K k : {K::Struct, K::Eq, K::Any})
    EXPECT_TRUE(sub(test::heap(s), test::heap(k)));
  for (K k : {K::Array, K::Eq, K::Any})
    EXPECT_TRUE(sub(test::heap(a), test::heap(k)));
  EXPECT_FALSE(sub(test::heap(s), test::heap(K::Array)));
  EXPECT_FALSE(sub(test::heap(a), test::heap(K::Struct)));
  EXPECT_FALSE(sub(test::heap(s), test::heap(K::Func)));
  EXPECT_TRUE(sub(test::heap(K::None), test::heap(s)));
  EXPECT_TRUE(sub(test::heap(K::None), test::heap(a)));
  EXPECT_FALSE(sub(test::heap(K::NoFunc), test::heap(s)));
  EXPECT_FALSE(sub(test::heap(K::Struct), test::heap(s)));
  EXPECT_FALSE(sub(test::heap(s), test::heap(a)));
  EXPECT_TRUE(sub(test::heap(K::Bot), test::heap(s)));

  EXPECT_TRUE(tc.is_func_type(f));
  EXPECT_TRUE(tc.is_struct_type(s));
  EXPECT_TRUE(tc.is_array_type(a));
  EXPECT_FALSE(tc.is_func_type(s));
  EXPECT_FALSE(tc.is_func_type(99));

  EXPECT_EQ(tc.top_of(test::heap(f)), test::heap(K::Func));
  EXPECT_EQ(tc.top_of(test::heap(s)), test::heap(K::Any));
  EXPECT_EQ(tc.top_of(test::heap(K::I31)), test::heap(K::Any));
  EXPECT_EQ(tc.top_of(test::heap(K::NoExtern)), test::heap(K::Extern));
  EXPECT_EQ(tc.top_of(test::heap(K::NoExn)), test::heap(K::Exn));
  EXPECT_EQ(tc.bottom_of(test::heap(f)), test::heap(K::NoFunc));
  EXPECT_EQ(tc.bottom_of(test::heap(a)), test::heap(K::None));
  EXPECT_EQ(tc.bottom_of(test::heap(K::Eq)), test::heap(K::None));
  EXPECT_EQ(tc.bottom_of(test::heap(K::Extern)), test::heap(K::NoExtern));
  EXPECT_EQ(tc.bottom_of(test::heap(K::Exn)), test::heap(K::NoExn));
}

TEST(TypeContextTest, FuncSubtypingIsContravariantInParams) {
  // type-subtyping.wast: $f2 <: $f1 <: ..., params widen, results narrow.
  ModuleBuilder b;
  uint32_t s = b.type(open(test::struct_type({})));
  uint32_t s2 = b.type(open(test::struct_type({}), s));
  uint32_t f1 = b.type(open(func_type({ref(s2)}, {ref(K::Any, true)})));
  uint32_t f2 = b.type(open(func_type({ref(s)}, {ref(K::Any)}), f1));
  uint32_t f3 = b.type(open(func_type({ref(s, true)}, {ref(s)}), f2));
  uint32_t f4 = b.type(open(func_type({ref(K::Struct, true)}, {ref(s2)}), f3));
  TypeContext tc = build_ok(b);
  EXPECT_TRUE(tc.is_defined_subtype(f4, f1));
  EXPECT_TRUE(tc.is_defined_subtype(f3, f2));
  EXPECT_FALSE(tc.is_defined_subtype(f1, f2));
  EXPECT_TRUE(tc.is_subtype(ref(f4), ref(f1, true)));
  EXPECT_TRUE(tc.is_subtype(ref(f4), ref(K::Func)));
  EXPECT_TRUE(tc.is_defined_subtype(s2, s));
}

TEST(TypeContextTest, FuncSubtypingRejectsCovariantParams) {
  ModuleBuilder b;
  uint32_t s = b.type(open(test::struct_type({})));
  uint32_t s2 = b.type(open(test::struct_type({}), s));
  uint32_t f1 = b.type(open(func_type({ref(s)}, {})));
  b.type(open(func_type({ref(s2)}, {}), f1));
  EXPECT_TRUE(starts_with(build_error(b), "sub type"));
}

TEST(TypeContextTest, FuncSubtypingRejectsContravariantResults) {
  ModuleBuilder b;
  uint32_t f1 = b.type(open(func_type({}, {ref(K::Struct)})));
  b.type(open(func_type({}, {ref(K::Eq)}), f1));
  EXPECT_TRUE(starts_with(build_error(b), "sub type"));
}

TEST(TypeContextTest, FuncSubtypingRequiresSameArity) {
  ModuleBuilder b;
  uint32_t f0 = b.type(open(func_type({}, {})));
  b.type(open(func_type({ValType::i32()}, {}), f0));
  EXPECT_TRUE(starts_with(build_error(b), "sub type"));
}

TEST(TypeContextTest, StructWidthAndDepth) {
  ModuleBuilder b;
  uint32_t e0 = b.type(open(test::struct_type({})));
  uint32_t e1 = b.type(open(test::struct_type({}), e0));
  uint32_t e2 = b.type(open(test::struct_type({field(ValType::i32())}), e1));
  uint32_t e3 = b.type(open(
      test::struct_type({field(ValType::i32()), field(ref(e0, true))}), e2));
  uint32_t e4 =
      b.type(open(test::struct_type({field(ValType::i32()), field(ref(e0)),
                                     field(ValType::i64(), true)}),
                  e3));
  uint32_t e5 =
      b.type(open(test::struct_type({field(ValType::i32()), field(ref(e1)),
                                     field(ValType::i64(), true)}),
                  e4));
  TypeContext tc = build_ok(b);
  EXPECT_TRUE(tc.is_defined_subtype(e5, e0));
  EXPECT_TRUE(tc.is_defined_subtype(e5, e3));
  EXPECT_FALSE(tc.is_defined_subtype(e3, e5));
  EXPECT_TRUE(tc.is_heap_subtype(test::heap(e5), test::heap(K::Struct)));
}

TEST(TypeContextTest, StructFieldMismatches) {
  struct Case {
    FieldType super_field, sub_field;
  };
  const Case cases[] = {
      {field(ValType::i32()), field(ValType::i64())},  // different type
      {field(ref(K::None)), field(ref(K::Any))},       // immutable widened
      {field(ref(K::Any), true),
       field(ref(K::None), true)},                     // mutable narrowed
      {field(ref(K::Any), true), field(ref(K::Any))},  // mutability lost
      {field(ref(K::Any)), field(ref(K::Any), true)},  // mutability gained
      {test::packed(Packed::I8), test::packed(Packed::I16)},
      {test::packed(Packed::I8), field(ValType::i32())},
  };
  for (const Case& c : cases) {
    ModuleBuilder b;
    uint32_t a = b.type(open(test::struct_type({c.super_field})));
    b.type(open(test::struct_type({c.sub_field}), a));
    EXPECT_TRUE(starts_with(build_error(b), "sub type"));
  }
  // Narrower (fewer fields) is not a subtype either.
  ModuleBuilder b;
  uint32_t a = b.type(open(test::struct_type({field(ValType::i32())})));
  b.type(open(test::struct_type({}), a));
  EXPECT_TRUE(starts_with(build_error(b), "sub type"));
}

TEST(TypeContextTest, ArraySubtyping) {
  ModuleBuilder b;
  uint32_t e0 = b.type(open(test::array_type(field(ValType::i32()))));
  uint32_t e1 = b.type(open(test::array_type(field(ValType::i32())), e0));
  uint32_t e3 = b.type(open(test::array_type(field(ref(e0, true)))));
  uint32_t e4 = b.type(open(test::array_type(field(ref(e1))), e3));
  uint32_t m1 = b.type(open(test::array_type(field(ValType::i32(), true))));
  uint32_t m2 = b.type(open(test::array_type(field(ValType::i32(), true)), m1));
  TypeContext tc = build_ok(b);
  EXPECT_TRUE(tc.is_defined_subtype(e1, e0));
  EXPECT_TRUE(tc.is_defined_subtype(e4, e3));
  EXPECT_TRUE(tc.is_defined_subtype(m2, m1));
  EXPECT_TRUE(tc.is_heap_subtype(test::heap(e4), test::heap(K::Array)));

  const std::pair<FieldType, FieldType> bad[] = {
      {field(ValType::i32()), field(ValType::i64())},
      {field(ref(K::None)), field(ref(K::Any))},
      {field(ref(K::Any), true), field(ref(K::None), true)},
      {field(ref(K::Any), true), field(ref(K::Any))},
      {field(ref(K::Any)), field(ref(K::Any), true)},
  };
  for (const auto& [sup, sub] : bad) {
    ModuleBuilder b2;
    uint32_t a = b2.type(open(test::array_type(sup)));
    b2.type(open(test::array_type(sub), a));
    EXPECT_TRUE(starts_with(build_error(b2), "sub type"));
  }
}

TEST(TypeContextTest, CompositeKindsMustAgree) {
  const SubType kinds[] = {func_type({ValType::i32()}, {ValType::i32()}),
                           test::struct_type({}),
                           test::array_type(field(ValType::i32()))};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      if (i == j) continue;
      ModuleBuilder b;
      uint32_t sup = b.type(open(kinds[i]));
      b.type(open(kinds[j], sup));
      EXPECT_TRUE(starts_with(build_error(b), "sub type")) << i << " " << j;
    }
  }
}

TEST(TypeContextTest, FinalTypesCannotBeExtended) {
  {
    ModuleBuilder b;  // (type $t (func)) (type $s (sub $t (func)))
    uint32_t t = b.type(func_type({}, {}));
    b.type(open(func_type({}, {}), t));
    EXPECT_TRUE(starts_with(build_error(b), "sub type"));
  }
  {
    ModuleBuilder b;  // (sub final $t ...) then extended
    uint32_t t = b.type(open(func_type({}, {})));
    uint32_t s = b.type(func_type({}, {}, /*final=*/true, t));
    b.type(open(func_type({}, {}), s));
    EXPECT_TRUE(starts_with(build_error(b), "sub type"));
  }
  {
    ModuleBuilder b;  // a final subtype of an open type is fine
    uint32_t t = b.type(open(test::struct_type({})));
    uint32_t s = b.type(test::struct_type({}, /*final=*/true, t));
    TypeContext tc = build_ok(b);
    EXPECT_TRUE(tc.is_defined_subtype(s, t));
  }
}

TEST(TypeContextTest, UnknownTypeReferences) {
  {
    ModuleBuilder b;  // (type (func (param (ref 1)))) (type (func))
    b.type(func_type({ref(1)}, {}));
    b.type(func_type({}, {}));
    EXPECT_TRUE(starts_with(build_error(b), "unknown type"));
  }
  {
    ModuleBuilder b;  // (type (array (mut (ref null 10))))
    b.type(test::array_type(field(ref(10, true), true)));
    EXPECT_TRUE(starts_with(build_error(b), "unknown type"));
  }
  {
    ModuleBuilder b;  // a forward supertype, even inside the group
    b.rec({open(func_type({}, {}), 1), open(func_type({}, {}))});
    EXPECT_TRUE(starts_with(build_error(b), "unknown type"));
  }
  {
    ModuleBuilder b;  // self-reference as a supertype
    b.type(open(test::struct_type({}), 0));
    EXPECT_TRUE(starts_with(build_error(b), "unknown type"));
  }
  {
    ModuleBuilder b;  // references inside one rec group are fine
    b.rec({func_type({ref(1)}, {}), func_type({ref(0)}, {})});
    build_ok(b);
  }
}

TEST(TypeContextTest, SupertypeInsideTheSameGroup) {
  // type-subtyping.wast: $t2 <: $t1 relies on $t3 <: $t2, declared later in
  // the same group.
  ModuleBuilder b;
  uint32_t t1 = b.rec({open(func_type({ValType::i32(), ref(2)}, {})),
                       open(func_type({ValType::i32(), ref(1)}, {}), 0),
                       open(func_type({ValType::i32(), ref(0)}, {}), 1)});
  TypeContext tc = build_ok(b);
  EXPECT_TRUE(tc.is_defined_subtype(t1 + 2, t1));
  EXPECT_TRUE(tc.is_defined_subtype(t1 + 1, t1));
  EXPECT_FALSE(tc.is_defined_subtype(t1, t1 + 1));
}

TEST(TypeContextTest, EquivalentGroupsHaveEqualIds) {
  ModuleBuilder b;
  // (rec (type $f1 (sub (func))) (type (struct (field (ref $f1)))))  x2
  uint32_t g1 =
      b.rec({open(func_type({}, {})), test::struct_type({field(ref(0))})});
  uint32_t g2 =
      b.rec({open(func_type({}, {})), test::struct_type({field(ref(2))})});
  // Same structure, but the struct refers to the first group's func from
  // outside: a different group.
  uint32_t g3 =
      b.rec({open(func_type({}, {})), test::struct_type({field(ref(0))})});
  // Same members, other order: different positions, different types.
  uint32_t g4 =
      b.rec({test::struct_type({field(ref(7))}), open(func_type({}, {}))});
  TypeContext tc = build_ok(b);
  EXPECT_TRUE(tc.types_equivalent(g1, g2));
  EXPECT_TRUE(tc.types_equivalent(g1 + 1, g2 + 1));
  EXPECT_FALSE(tc.types_equivalent(g1, g1 + 1));
  EXPECT_FALSE(tc.types_equivalent(g3 + 1, g1 + 1));
  // Equivalence is per group: g3's func is not g1's, although it looks alike.
  EXPECT_FALSE(tc.types_equivalent(g3, g1));
  EXPECT_FALSE(tc.types_equivalent(g4 + 1, g1));
  EXPECT_FALSE(tc.types_equivalent(g4, g1 + 1));
  // Equivalent types are subtypes of each other.
  EXPECT_TRUE(tc.is_defined_subtype(g2, g1));
  EXPECT_TRUE(tc.is_subtype(ref(g2 + 1), ref(g1 + 1)));
}

TEST(TypeContextTest, SingletonGroupsAreStructural) {
  ModuleBuilder b;
  uint32_t a = b.type(func_type({ValType::i32()}, {ValType::i64()}));
  uint32_t c = b.type(func_type({ValType::i32()}, {ValType::i64()}));
  uint32_t d = b.type(open(func_type({ValType::i32()}, {ValType::i64()})));
  uint32_t e = b.rec(
      {func_type({ValType::i32()}, {ValType::i64()}), test::struct_type({})});
  TypeContext tc = build_ok(b);
  EXPECT_TRUE(tc.types_equivalent(a, c));
  EXPECT_FALSE(tc.types_equivalent(a, d));  // finality is part of the type
  EXPECT_FALSE(tc.types_equivalent(a, e));  // group context differs
}

TEST(TypeContextTest, DeclaredSubtypingAcrossEquivalentGroups) {
  // type-subtyping.wast (valid module): $g2 <: $f2 and $f2 == $f1 imply
  // $g2 <: $f1, while $g2's group and $g1's group are equivalent too.
  ModuleBuilder b;
  uint32_t f1 =
      b.rec({open(func_type({}, {})), test::struct_type({field(ref(0))})});
  uint32_t f2 =
      b.rec({open(func_type({}, {})), test::struct_type({field(ref(2))})});
  uint32_t g1 = b.rec({open(func_type({}, {}), f1), test::struct_type({})});
  uint32_t g2 = b.rec({open(func_type({}, {}), f2), test::struct_type({})});
  TypeContext tc = build_ok(b);
  EXPECT_TRUE(tc.types_equivalent(g1, g2));
  EXPECT_TRUE(tc.is_defined_subtype(g2, f1));
  EXPECT_TRUE(tc.is_subtype(ref(g2), ref(g1)));
}

TEST(TypeContextTest, InequivalentSupertypesMakeDistinctTypes) {
  // type-subtyping.wast (invalid): the second member's supertype is
  // internal in the first group and external in the second, so the groups
  // differ and $f21 is not $f11.
  ModuleBuilder b;
  uint32_t f11 = b.rec({open(func_type({}, {})), open(func_type({}, {}), 0)});
  uint32_t f21 = b.rec({open(func_type({}, {})), open(func_type({}, {}), f11)});
  TypeContext tc = build_ok(b);
  EXPECT_FALSE(tc.types_equivalent(f11, f21));
  EXPECT_FALSE(tc.is_defined_subtype(f21, f11));
  EXPECT_TRUE(tc.is_defined_subtype(f21 + 1, f11));
}

TEST(TypeContextTest, DeclaredFunctions) {
  ModuleBuilder b;
  uint32_t t = b.type(func_type({}, {}));
  b.func(t);
  b.func(t);
  TypeContext tc = build_ok(b);
  EXPECT_FALSE(tc.is_declared_func(1));
  tc.declare_func(1);
  tc.declare_func(7);  // out of range: ignored
  EXPECT_TRUE(tc.is_declared_func(1));
  EXPECT_FALSE(tc.is_declared_func(0));
  EXPECT_FALSE(tc.is_declared_func(7));
}

TEST(TypeContextTest, ModuleWithoutRecGroupsUsesSingletons) {
  ModuleBuilder b;
  b.type(func_type({}, {}));
  b.type(func_type({}, {}));
  b.raw().rec_groups.clear();
  TypeContext tc = build_ok(b);
  EXPECT_TRUE(tc.types_equivalent(0, 1));
}

}  // namespace
}  // namespace heron
