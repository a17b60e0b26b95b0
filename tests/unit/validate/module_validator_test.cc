// validate_module: the module-level checks (imports, limits, tables, globals,
// tags, segments, start, exports, declared function references), each with
// the message prefix the spec testsuite expects.
#include <gtest/gtest.h>

#include <string>

#include "test_module_builder.h"
#include "validate/validator.h"

namespace heron {
namespace {

using test::field;
using test::func_type;
using test::memory_type;
using test::ModuleBuilder;
using test::ref;
using test::table_type;
using K = HeapKind;
namespace op = test::op;

// "<ok>" or the error message.
std::string check(ModuleBuilder& b) {
  Result<void> r = validate_module(b.module());
  if (r.ok()) return "<ok>";
  return r.error().message;
}

#define EXPECT_INVALID(builder, prefix)                               \
  do {                                                                \
    std::string msg_ = check(builder);                                \
    EXPECT_EQ(msg_.rfind(prefix, 0), 0u)                              \
        << "expected \"" << (prefix) << "\", got \"" << msg_ << "\""; \
  } while (0)

TEST(ModuleValidatorTest, EmptyModuleIsValid) {
  ModuleBuilder b;
  EXPECT_EQ(check(b), "<ok>");
}

TEST(ModuleValidatorTest, ErrorsAreInvalidKind) {
  ModuleBuilder b;
  b.import_func(3);
  Result<void> r = validate_module(b.module());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Invalid);
}

TEST(ModuleValidatorTest, FunctionTypeIndices) {
  {
    ModuleBuilder b;  // (import "spectest" "print_i32" (func (type 43)))
    b.import_func(43);
    EXPECT_INVALID(b, "unknown type");
  }
  {
    ModuleBuilder b;  // (func (type 42))
    b.func(42);
    EXPECT_INVALID(b, "unknown type");
  }
  {
    ModuleBuilder b;  // a function whose type is a struct
    uint32_t s = b.type(test::struct_type({}));
    b.func(s);
    EXPECT_INVALID(b, "unknown type");
  }
  {
    ModuleBuilder b;
    uint32_t t = b.type(func_type({ValType::i32()}, {}));
    b.import_func(t);
    b.func(t);
    EXPECT_EQ(check(b), "<ok>");
  }
}

TEST(ModuleValidatorTest, TagTypes) {
  {
    ModuleBuilder b;  // (tag (result i32))
    uint32_t t = b.type(func_type({}, {ValType::i32()}));
    b.tag(t);
    EXPECT_INVALID(b, "non-empty tag result type");
  }
  {
    ModuleBuilder b;  // (import "" "" (tag (result i32)))
    uint32_t t = b.type(func_type({}, {ValType::i32()}));
    b.import_tag(t);
    EXPECT_INVALID(b, "non-empty tag result type");
  }
  {
    ModuleBuilder b;
    b.tag(0);
    EXPECT_INVALID(b, "unknown type");
  }
  {
    ModuleBuilder b;
    uint32_t t = b.type(func_type({ValType::i32(), ValType::f64()}, {}));
    b.import_tag(t);
    b.tag(t);
    b.export_("t", ExternKind::Tag, 1);
    EXPECT_EQ(check(b), "<ok>");
  }
}

TEST(ModuleValidatorTest, FeatureSetRestoresOlderLimits) {
  ModuleBuilder b;
  b.import_memory(memory_type(1));
  b.memory(memory_type(1));
  b.table(table_type(ValType::funcref(), 1));
  b.table(table_type(ValType::funcref(), 1));
  EXPECT_TRUE(validate_module(b.module()).ok());

  Features no_multi_memory;
  no_multi_memory.multi_memory = false;
  Result<void> r = validate_module(b.module(), no_multi_memory);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "multiple memories");
  EXPECT_TRUE(r.error().has_offset());

  Features no_multi_table;
  no_multi_table.multi_table = false;
  r = validate_module(b.module(), no_multi_table);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "multiple tables");
}

TEST(ModuleValidatorTest, MemoryLimits) {
  auto with_memory = [](MemoryType t, bool imported) {
    return [t, imported](ModuleBuilder& b) {
      if (imported)
        b.import_memory(t);
      else
        b.memory(t);
    };
  };
  struct Case {
    MemoryType type;
    const char* expected;  // nullptr: valid
  };
  const uint64_t k4G = uint64_t(1) << 32;
  const uint64_t k2p48 = uint64_t(1) << 48;
  const Case cases[] = {
      {memory_type(1, 0), "size minimum must not be greater than maximum"},
      {memory_type(65536, 65536), nullptr},
      {memory_type(65537), "memory size must be at most 65536 pages (4GiB)"},
      {memory_type(0, 65537), "memory size must be at most 65536 pages (4GiB)"},
      {memory_type(0, k4G), "memory size"},
      {memory_type(k4G, k4G), "memory size"},
      // memory64
      {memory_type(1, 0, true), "size minimum must not be greater"},
      {memory_type(k2p48, k2p48, true), nullptr},
      {memory_type(k2p48 + 1, std::nullopt, true), "memory size"},
      {memory_type(0, k2p48 + 1, true), "memory size"},
      // threads
      {memory_type(1, std::nullopt, false, true),
       "shared memory must have maximum"},
      {memory_type(1, 2, false, true), nullptr},
      // custom-page-sizes
      {memory_type(0xFFFFFFFF, std::nullopt, false, false, 0), nullptr},
      {memory_type(k4G, std::nullopt, false, false, 0),
       "memory size must be at most"},
      {memory_type(UINT64_MAX, std::nullopt, true, false, 0), nullptr},
      {memory_type(0, std::nullopt, false, false, 1),
       "invalid custom page size"},
      {memory_type(0, std::nullopt, false, false, 15),
       "invalid custom page size"},
      {memory_type(0, std::nullopt, false, false, 17),
       "invalid custom page size"},
  };
  for (const Case& c : cases) {
    for (bool imported : {false, true}) {
      ModuleBuilder b;
      with_memory(c.type, imported)(b);
      if (c.expected) {
        EXPECT_INVALID(b, c.expected);
      } else {
        EXPECT_EQ(check(b), "<ok>") << c.type.limits.min;
      }
    }
  }
}

TEST(ModuleValidatorTest, MultipleMemoriesAndTablesAreAllowed) {
  ModuleBuilder b;
  b.import_memory(memory_type(1));
  b.import_table(table_type(ValType::funcref(), 1));
  b.memory(memory_type(0));
  b.memory(memory_type(0, std::nullopt, true));
  b.table(table_type(ValType::funcref(), 10));
  b.table(table_type(ValType::externref(), 0, std::nullopt, true));
  EXPECT_EQ(check(b), "<ok>");
}

TEST(ModuleValidatorTest, TableTypes) {
  const uint64_t k4G = uint64_t(1) << 32;
  {
    ModuleBuilder b;  // (table 1 0 funcref)
    b.table(table_type(ValType::funcref(), 1, 0));
    EXPECT_INVALID(b, "size minimum must not be greater than maximum");
  }
  {
    ModuleBuilder b;  // (table i64 0xffff_ffff 0 funcref)
    b.table(table_type(ValType::funcref(), 0xFFFFFFFF, 0, true));
    EXPECT_INVALID(b, "size minimum must not be greater than maximum");
  }
  {
    ModuleBuilder b;  // (table 0x1_0000_0000 funcref)
    b.table(table_type(ValType::funcref(), k4G));
    EXPECT_INVALID(b, "table size");
  }
  {
    ModuleBuilder b;  // (table 0 0x1_0000_0000 funcref), imported
    b.import_table(table_type(ValType::funcref(), 0, k4G));
    EXPECT_INVALID(b, "table size");
  }
  {
    ModuleBuilder b;  // table64 may be that large
    b.table(table_type(ValType::funcref(), k4G, UINT64_MAX, true));
    EXPECT_EQ(check(b), "<ok>");
  }
  {
    ModuleBuilder b;  // (table $table-invalid 10 (ref null 1))
    b.table(table_type(ref(1, true), 10));
    EXPECT_INVALID(b, "unknown type");
  }
  {
    ModuleBuilder b;  // (table 0 (ref func)): no default value
    b.table(table_type(ref(K::Func), 0));
    EXPECT_INVALID(b, "type mismatch");
  }
  {
    ModuleBuilder b;  // (type $t (func)) (table 0 (ref $t))
    uint32_t t = b.type(func_type({}, {}));
    b.table(table_type(ref(t), 0));
    EXPECT_INVALID(b, "type mismatch");
  }
  {
    ModuleBuilder b;  // (table 1 (ref func) (ref.func $f)) (func $f)
    uint32_t t = b.type(func_type({}, {}));
    uint32_t f = b.func(t);
    b.table(table_type(ref(K::Func), 1), op::ref_func(f));
    EXPECT_EQ(check(b), "<ok>");
  }
}

TEST(ModuleValidatorTest, TableInitializersSeeOnlyImportedGlobals) {
  {
    ModuleBuilder b;  // global.wast: defined global in a table initializer
    b.global(ValType::funcref(), op::ref_null(0x70));
    b.table(table_type(ValType::funcref(), 10), op::global_get(0));
    EXPECT_INVALID(b, "unknown global");
  }
  {
    ModuleBuilder b;
    b.import_global(ValType::funcref());
    b.table(table_type(ValType::funcref(), 10), op::global_get(0));
    EXPECT_EQ(check(b), "<ok>");
  }
}

TEST(ModuleValidatorTest, Globals) {
  {
    ModuleBuilder b;  // (global $global-invalid (ref null 1) (ref.null 1))
    b.global(ref(1, true), op::ref_null_type(1));
    EXPECT_INVALID(b, "unknown type");
  }
  {
    ModuleBuilder b;  // (import ... (global (ref null 1)))
    b.import_global(ref(1, true));
    EXPECT_INVALID(b, "unknown type");
  }
  {
    ModuleBuilder b;  // earlier globals are visible
    b.import_global(ValType::i32());
    b.global(ValType::i32(), op::global_get(0));
    b.global(ValType::i32(), op::global_get(1));
    EXPECT_EQ(check(b), "<ok>");
  }
  {
    ModuleBuilder b;  // (global i32 (global.get 1)) (global i32 (i32.const 0))
    b.global(ValType::i32(), op::global_get(1));
    b.global(ValType::i32(), op::i32_const(0));
    EXPECT_INVALID(b, "unknown global");
  }
  {
    ModuleBuilder b;  // (global i32 (global.get 0)): itself
    b.global(ValType::i32(), op::global_get(0));
    EXPECT_INVALID(b, "unknown global");
  }
}

TEST(ModuleValidatorTest, Exports) {
  {
    ModuleBuilder b;
    uint32_t t = b.type(func_type({}, {}));
    uint32_t f = b.func(t);
    b.export_("a", ExternKind::Func, f);
    b.export_("a", ExternKind::Func, f);
    EXPECT_INVALID(b, "duplicate export name");
  }
  {
    ModuleBuilder b;  // same name, different kinds: still a duplicate
    b.memory(memory_type(0));
    b.global(ValType::i32(), op::i32_const(0));
    b.export_("a", ExternKind::Memory, 0);
    b.export_("a", ExternKind::Global, 0);
    EXPECT_INVALID(b, "duplicate export name");
  }
  const std::pair<ExternKind, const char*> unknown[] = {
      {ExternKind::Func, "unknown function 0"},
      {ExternKind::Table, "unknown table 0"},
      {ExternKind::Memory, "unknown memory 0"},
      {ExternKind::Global, "unknown global 0"},
      {ExternKind::Tag, "unknown tag 0"},
  };
  for (const auto& [kind, msg] : unknown) {
    ModuleBuilder b;
    b.export_("x", kind, 0);
    EXPECT_INVALID(b, msg);
  }
  {
    ModuleBuilder b;
    uint32_t t = b.type(func_type({}, {}));
    b.import_func(t);
    b.import_table(table_type(ValType::funcref(), 0));
    b.import_memory(memory_type(0));
    b.import_global(ValType::i32());
    b.import_tag(t);
    b.export_("f", ExternKind::Func, 0);
    b.export_("t", ExternKind::Table, 0);
    b.export_("m", ExternKind::Memory, 0);
    b.export_("g", ExternKind::Global, 0);
    b.export_("e", ExternKind::Tag, 0);
    EXPECT_EQ(check(b), "<ok>");
  }
}

TEST(ModuleValidatorTest, Start) {
  {
    ModuleBuilder b;  // (func) (start 1)
    uint32_t t = b.type(func_type({}, {}));
    b.func(t);
    b.start(1);
    EXPECT_INVALID(b, "unknown function");
  }
  {
    ModuleBuilder b;  // (func $main (result i32) ...) (start $main)
    uint32_t t = b.type(func_type({}, {ValType::i32()}));
    b.start(b.func(t, op::i32_const(0)));
    EXPECT_INVALID(b, "start function");
  }
  {
    ModuleBuilder b;  // (func $main (param $a i32)) (start $main)
    uint32_t t = b.type(func_type({ValType::i32()}, {}));
    b.start(b.func(t));
    EXPECT_INVALID(b, "start function");
  }
  {
    ModuleBuilder b;  // an imported start function
    uint32_t t = b.type(func_type({}, {}));
    b.import_func(t);
    b.start(0);
    EXPECT_EQ(check(b), "<ok>");
  }
}

TEST(ModuleValidatorTest, ElementSegments) {
  {
    ModuleBuilder b;  // (elem (i32.const 0)) without a table
    b.elem_funcs(SegmentMode::Active, {});
    EXPECT_INVALID(b, "unknown table");
  }
  {
    ModuleBuilder b;  // (elem (i32.const 0) $f) (func $f), no table
    uint32_t t = b.type(func_type({}, {}));
    uint32_t f = b.func(t);
    b.elem_funcs(SegmentMode::Active, {f});
    EXPECT_INVALID(b, "unknown table 0");
  }
  {
    ModuleBuilder b;  // function index out of range
    b.table(table_type(ValType::funcref(), 1));
    b.elem_funcs(SegmentMode::Active, {3});
    EXPECT_INVALID(b, "unknown function 3");
  }
  {
    ModuleBuilder b;  // passive and declarative segments check indices too
    b.elem_funcs(SegmentMode::Declarative, {0});
    EXPECT_INVALID(b, "unknown function");
  }
  {
    ModuleBuilder b;  // (elem $elem-invalid (ref 1))
    b.elem_exprs(SegmentMode::Passive, ref(1), {});
    EXPECT_INVALID(b, "unknown type");
  }
  {
    ModuleBuilder b;  // externref elements into a funcref table
    b.table(table_type(ValType::funcref(), 1));
    b.elem_exprs(SegmentMode::Active, ValType::externref(), {});
    EXPECT_INVALID(b, "type mismatch");
  }
  {
    ModuleBuilder b;  // funcref elements into a (ref null $t) table
    uint32_t t = b.type(func_type({}, {}));
    b.table(table_type(ref(t, true), 1));
    b.elem_funcs(SegmentMode::Active, {});
    EXPECT_INVALID(b, "type mismatch");
  }
  {
    ModuleBuilder b;  // (ref $t) elements into a funcref table: fine
    uint32_t t = b.type(func_type({}, {}));
    uint32_t f = b.func(t);
    b.table(table_type(ValType::funcref(), 1));
    b.elem_exprs(SegmentMode::Active, ref(t), {op::ref_func(f)});
    EXPECT_EQ(check(b), "<ok>");
  }
  {
    ModuleBuilder b;  // the offset of a table64 segment is an i64
    b.table(table_type(ValType::funcref(), 1, std::nullopt, true));
    b.elem_funcs(SegmentMode::Active, {}, 0, op::i32_const(0));
    EXPECT_INVALID(b, "type mismatch");
  }
  {
    ModuleBuilder b;
    b.table(table_type(ValType::funcref(), 1, std::nullopt, true));
    b.elem_funcs(SegmentMode::Active, {}, 0, op::i64_const(0));
    EXPECT_EQ(check(b), "<ok>");
  }
}

TEST(ModuleValidatorTest, DataSegments) {
  {
    ModuleBuilder b;  // (data (i32.const 0) "")
    b.data(SegmentMode::Active);
    EXPECT_INVALID(b, "unknown memory 0");
  }
  {
    ModuleBuilder b;
    b.memory(memory_type(0));
    b.data(SegmentMode::Active, 1);
    EXPECT_INVALID(b, "unknown memory 1");
  }
  {
    ModuleBuilder b;  // a passive segment needs no memory
    b.data(SegmentMode::Passive);
    EXPECT_EQ(check(b), "<ok>");
  }
  {
    ModuleBuilder b;  // (memory i64 1) (data (i32.const 0))
    b.memory(memory_type(1, std::nullopt, true));
    b.data(SegmentMode::Active, 0, op::i32_const(0));
    EXPECT_INVALID(b, "type mismatch");
  }
  {
    ModuleBuilder b;
    b.memory(memory_type(1));
    b.memory(memory_type(1, std::nullopt, true));
    b.data(SegmentMode::Active, 1, op::i64_const(0));
    b.data(SegmentMode::Active, 0, op::i32_const(0));
    EXPECT_EQ(check(b), "<ok>");
  }
}

TEST(ModuleValidatorTest, DeclaredFunctionReferences) {
  // (func $f (drop (ref.func $g))) (func $g) + a declaration of $g.
  auto build = [](ModuleBuilder& b) {
    uint32_t t = b.type(func_type({}, {}));
    b.func(t, op::seq({op::ref_func(1), op::drop()}));
    return b.func(t);
  };
  {
    ModuleBuilder b;
    build(b);
    EXPECT_INVALID(b, "undeclared function reference");
  }
  {
    ModuleBuilder b;  // (elem declare func $g)
    uint32_t g = build(b);
    b.elem_funcs(SegmentMode::Declarative, {g});
    EXPECT_EQ(check(b), "<ok>");
  }
  {
    ModuleBuilder b;  // (export "g" (func $g))
    uint32_t g = build(b);
    b.export_("g", ExternKind::Func, g);
    EXPECT_EQ(check(b), "<ok>");
  }
  {
    ModuleBuilder b;  // (global funcref (ref.func $g))
    uint32_t g = build(b);
    b.global(ValType::funcref(), op::ref_func(g));
    EXPECT_EQ(check(b), "<ok>");
  }
  {
    ModuleBuilder b;  // (table 1 funcref (ref.func $g))
    uint32_t g = build(b);
    b.table(table_type(ValType::funcref(), 1), op::ref_func(g));
    EXPECT_EQ(check(b), "<ok>");
  }
  {
    ModuleBuilder b;  // (elem funcref (ref.func $g)) in expression form
    uint32_t g = build(b);
    b.elem_exprs(SegmentMode::Passive, ValType::funcref(), {op::ref_func(g)});
    EXPECT_EQ(check(b), "<ok>");
  }
}

TEST(ModuleValidatorTest, RecGroupErrorsSurface) {
  ModuleBuilder b;  // type-subtyping.wast: extending a final type
  uint32_t t = b.type(func_type({}, {}));
  b.type(test::open(func_type({}, {}), t));
  EXPECT_INVALID(b, "sub type");
}

TEST(ModuleValidatorTest, InconsistentFunctionSpaceIsRejected) {
  ModuleBuilder b;
  uint32_t t = b.type(func_type({}, {}));
  b.func(t);
  b.raw().bodies.clear();
  Result<void> r = validate_module(b.module());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
}

}  // namespace
}  // namespace heron
