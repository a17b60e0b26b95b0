// Unit tests of FuncValidator: bodies and constant expressions written as
// bytes (body_builder.h), validated against a hand-built Module. They cover
// the validation algorithm's corners (polymorphic stack, block parameters,
// br_table arities, select, local initialization) and every family of error
// message, checked as the testsuite does: the expected text is a prefix.
#include "validate/func_validator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "body_builder.h"
#include "validate/type_context.h"

namespace heron {
namespace {

using test::Code;
using test::TestModule;

constexpr ValType kI32 = ValType::i32();
constexpr ValType kI64 = ValType::i64();
constexpr ValType kV128 = ValType::v128();

ValType ref(uint32_t type_index, bool nullable = false) {
  return ValType::ref(HeapType::concrete(type_index), nullable);
}
ValType ref(HeapKind kind, bool nullable = false) {
  return ValType::ref(HeapType::abstract(kind), nullable);
}
FieldType field(ValType t, bool mut = false) {
  return FieldType{StorageType{t, Packed::None}, mut};
}
FieldType packed(Packed p, bool mut = false) {
  return FieldType{StorageType{kI32, p}, mut};
}

// Validates every body of the module; the first error, if any.
Result<void> validate(TestModule& tm, std::vector<uint32_t> declared = {}) {
  const Module& m = tm.module();
  Result<TypeContext> types = TypeContext::build(m);
  if (!types) return types.error();
  for (uint32_t f : declared) types->declare_func(f);
  FuncValidator v(*types);
  for (uint32_t i = 0; i < m.bodies.size(); ++i) {
    Result<void> r = v.validate_body(m.num_imported_funcs + i, m.bodies[i]);
    if (!r) return r;
  }
  return {};
}

::testing::AssertionResult is_valid(Result<void> r) {
  if (r) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << error_kind_name(r.error().kind) << ": " << r.error().message;
}

::testing::AssertionResult fails_with(Result<void> r, ErrorKind kind,
                                      const std::string& prefix) {
  if (r) return ::testing::AssertionFailure() << "validated";
  const Error& e = r.error();
  if (e.kind != kind || e.message.rfind(prefix, 0) != 0)
    return ::testing::AssertionFailure()
           << "got " << error_kind_name(e.kind) << ": \"" << e.message
           << "\", want " << error_kind_name(kind) << ": \"" << prefix
           << "...\"";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult invalid(Result<void> r, const std::string& prefix) {
  return fails_with(std::move(r), ErrorKind::Invalid, prefix);
}
::testing::AssertionResult malformed(Result<void> r,
                                     const std::string& prefix) {
  return fails_with(std::move(r), ErrorKind::Malformed, prefix);
}

// One function of type `params -> results` with `code`.
Result<void> body(std::vector<ValType> params, std::vector<ValType> results,
                  const Code& code) {
  TestModule tm;
  tm.func_code(tm.func_type(std::move(params), std::move(results)), code);
  return validate(tm);
}

// ---------------------------------------------------------------------------
// The stack algorithm

TEST(FuncValidator, EmptyAndSimpleBodies) {
  EXPECT_TRUE(is_valid(body({}, {}, Code{})));
  EXPECT_TRUE(is_valid(
      body({kI32, kI32}, {kI32}, Code{}.local_get(0).local_get(1).op({0x6A}))));
  EXPECT_TRUE(invalid(body({}, {kI32}, Code{}), "type mismatch"));
  EXPECT_TRUE(invalid(body({}, {}, Code{}.i32_const(1)),
                      "type mismatch: block requires [] but stack has [i32]"));
}

TEST(FuncValidator, OperandMessagesNameTheWholeSignature) {
  EXPECT_TRUE(
      invalid(body({}, {kI32}, Code{}.f32_const().i32_const(1).op({0x6A})),
              "type mismatch: instruction requires [i32 i32] but stack has "
              "[f32 i32]"));
  EXPECT_TRUE(invalid(body({}, {kI32}, Code{}.op({0x6A})),
                      "type mismatch: instruction requires [i32 i32] but "
                      "stack has []"));
}

TEST(FuncValidator, PolymorphicStackAfterUnreachable) {
  // unreachable i32.add: both operands come from the polymorphic stack.
  EXPECT_TRUE(is_valid(body({}, {kI32}, Code{}.op({0x00, 0x6A}))));
  // ... but a known operand still has to match.
  EXPECT_TRUE(
      invalid(body({}, {kI32}, Code{}.op({0x00}).f32_const().op({0x6A})),
              "type mismatch"));
  // br and return make the rest of the block polymorphic too.
  EXPECT_TRUE(is_valid(body({}, {kI32}, Code{}.i32_const(0).op({0x0F, 0x6A}))));
  EXPECT_TRUE(is_valid(body({}, {},
                            Code{}
                                .op({0x02, 0x7F})
                                .i32_const(0)
                                .op({0x0C, 0x00, 0x6A, 0x0B, 0x1A}))));
  // return itself needs the function's results.
  EXPECT_TRUE(invalid(body({}, {kI32}, Code{}.op({0x0F})), "type mismatch"));
  // After unreachable, extra values are still an error at the end.
  EXPECT_TRUE(
      invalid(body({}, {}, Code{}.op({0x00}).i32_const(0)), "type mismatch"));
  // The bottom type does not make a reference out of a number.
  EXPECT_TRUE(invalid(body({}, {kI32}, Code{}.op({0x00, 0xD4, 0x6A})),
                      "type mismatch"));
  // unreachable drop drop select: all unknown.
  EXPECT_TRUE(is_valid(body({}, {}, Code{}.op({0x00, 0x1A, 0x1B, 0x1A}))));
}

TEST(FuncValidator, BlockParametersAndResults) {
  TestModule tm;
  uint32_t t0 = tm.func_type({}, {kI32});
  uint32_t bt = tm.func_type({kI32, kI32}, {kI32});
  // i32.const 1 i32.const 2 block (type bt) i32.add end
  tm.func_code(
      t0, Code{}.i32_const(1).i32_const(2).op({0x02}).s(bt).op({0x6A, 0x0B}));
  // loop (type bt): a branch to a loop takes its parameters.
  tm.func_code(t0, Code{}.i32_const(1).i32_const(2).op({0x03}).s(bt).op(
                       {0x0C, 0x00, 0x0B}));
  EXPECT_TRUE(is_valid(validate(tm)));

  TestModule bad;
  uint32_t b0 = bad.func_type({}, {kI32});
  uint32_t bbt = bad.func_type({kI32, kI32}, {kI32});
  bad.func_code(b0, Code{}.i32_const(1).op({0x02}).s(bbt).op({0x6A, 0x0B}));
  EXPECT_TRUE(invalid(validate(bad), "type mismatch"));

  TestModule unknown;
  unknown.func_code(unknown.func_type({}, {}), Code{}.op({0x02, 0x07, 0x0B}));
  EXPECT_TRUE(invalid(validate(unknown), "unknown type"));
}

TEST(FuncValidator, IfElse) {
  // if (result i32) i32.const 1 else i32.const 2 end
  EXPECT_TRUE(is_valid(body({kI32}, {kI32},
                            Code{}
                                .local_get(0)
                                .op({0x04, 0x7F})
                                .i32_const(1)
                                .op({0x05})
                                .i32_const(2)
                                .end())));
  // An if with a result needs an else.
  EXPECT_TRUE(
      invalid(body({kI32}, {kI32},
                   Code{}.local_get(0).op({0x04, 0x7F}).i32_const(1).end()),
              "type mismatch"));
  // ... unless its parameters are its results.
  TestModule tm;
  uint32_t t = tm.func_type({kI32}, {kI32});
  tm.func_code(t, Code{}.local_get(0).local_get(0).op({0x04}).s(t).end());
  EXPECT_TRUE(is_valid(validate(tm)));
  // else outside an if, or twice.
  EXPECT_TRUE(
      malformed(body({}, {}, Code{}.op({0x05})), "END opcode expected"));
  EXPECT_TRUE(malformed(
      body({kI32}, {}, Code{}.local_get(0).op({0x04, 0x40, 0x05, 0x05, 0x0B})),
      "END opcode expected"));
}

TEST(FuncValidator, Branches) {
  EXPECT_TRUE(invalid(body({}, {}, Code{}.op({0x0C, 0x01})), "unknown label"));
  // br_if keeps the label's values on the stack.
  EXPECT_TRUE(is_valid(body({kI32}, {kI32},
                            Code{}
                                .op({0x02, 0x7F})
                                .i32_const(1)
                                .local_get(0)
                                .op({0x0D, 0x00, 0x0B}))));
  EXPECT_TRUE(
      invalid(body({kI32}, {}, Code{}.op({0x0D, 0x00})), "type mismatch"));
}

TEST(FuncValidator, BrTable) {
  // block (result i32) block (result i32) i32.const 0 local.get 0
  // br_table 0 1 1 end end
  Code same = Code{}
                  .op({0x02, 0x7F, 0x02, 0x7F})
                  .i32_const(0)
                  .local_get(0)
                  .op({0x0E, 0x02, 0x00, 0x01, 0x01, 0x0B, 0x0B});
  EXPECT_TRUE(is_valid(body({kI32}, {kI32}, same)));
  // block block (result i32) ... br_table 0 1: arities 1 and 0.
  Code mixed = Code{}
                   .op({0x02, 0x40, 0x02, 0x7F})
                   .i32_const(0)
                   .local_get(0)
                   .op({0x0E, 0x01, 0x00, 0x01, 0x0B, 0x1A, 0x0B});
  EXPECT_TRUE(invalid(body({kI32}, {}, mixed), "type mismatch"));
  // Under a polymorphic stack, targets of the same arity but different
  // types are fine (3.0 rule) ...
  Code poly = Code{}.op({0x02, 0x7D, 0x02, 0x7F, 0x00, 0x0E, 0x01, 0x00, 0x01,
                         0x0B, 0x1A, 0x00, 0x0B, 0x1A});
  EXPECT_TRUE(is_valid(body({}, {}, poly)));
  // ... but different arities are not.
  Code poly_mixed = Code{}.op(
      {0x02, 0x40, 0x02, 0x7F, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x1A, 0x0B});
  EXPECT_TRUE(invalid(body({}, {}, poly_mixed), "type mismatch"));
  EXPECT_TRUE(invalid(body({}, {}, Code{}.i32_const(0).op({0x0E, 0x00, 0x05})),
                      "unknown label"));
}

TEST(FuncValidator, Select) {
  EXPECT_TRUE(
      is_valid(body({kI32}, {kI64},
                    Code{}.i64_const(1).i64_const(2).local_get(0).op({0x1B}))));
  EXPECT_TRUE(
      invalid(body({kI32}, {kI64},
                   Code{}.i64_const(1).f32_const().local_get(0).op({0x1B})),
              "type mismatch"));
  // Untyped select does not take references.
  EXPECT_TRUE(invalid(
      body({kI32}, {},
           Code{}.op({0xD0, 0x70, 0xD0, 0x70}).local_get(0).op({0x1B, 0x1A})),
      "type mismatch"));
  // Typed select does, with exactly one type.
  EXPECT_TRUE(is_valid(body({kI32}, {},
                            Code{}
                                .op({0xD0, 0x70, 0xD0, 0x70})
                                .local_get(0)
                                .op({0x1C, 0x01, 0x70, 0x1A}))));
  EXPECT_TRUE(invalid(body({kI32}, {},
                           Code{}.i32_const(0).i32_const(0).local_get(0).op(
                               {0x1C, 0x02, 0x7F, 0x7F, 0x1A})),
                      "invalid result arity"));
  EXPECT_TRUE(invalid(
      body({kI32}, {}, Code{}.op({0x01, 0x01}).local_get(0).op({0x1C, 0x00})),
      "invalid result arity"));
  // After unreachable, a known operand gives the type.
  EXPECT_TRUE(is_valid(body(
      {}, {kI64}, Code{}.op({0x00}).i64_const(0).i32_const(0).op({0x1B}))));
}

TEST(FuncValidator, Locals) {
  // (local i64 i64) (local f32): local.get 2 is f32.
  Code b{0x02, 0x02, 0x7E, 0x01, 0x7D};
  b.local_get(2).op({0x1A}).local_get(3).end();
  TestModule tm;
  tm.func(tm.func_type({}, {}), b.bytes());
  EXPECT_TRUE(invalid(validate(tm), "unknown local 3"));

  TestModule tm2;
  Code ok{0x02, 0x02, 0x7E, 0x01, 0x7D};
  ok.local_get(2).op({0x1A}).local_get(1).op({0x1A}).end();
  tm2.func(tm2.func_type({}, {}), ok.bytes());
  EXPECT_TRUE(is_valid(validate(tm2)));
}

TEST(FuncValidator, HugeLocalCountsStayCompact) {
  // 2^31 i32 locals, then an f64: valid, and must not allocate per local.
  TestModule tm;
  Code b{0x02};
  b.u(uint64_t(1) << 31).op({0x7F, 0x01, 0x7C});
  b.local_get(uint32_t(1) << 31).op({0x1A}).local_get(5).op({0x1A}).end();
  tm.func(tm.func_type({kI64}, {}), b.bytes());
  EXPECT_TRUE(is_valid(validate(tm)));

  TestModule tm2;
  Code b2{0x02};
  b2.u(uint64_t(1) << 31).op({0x7F, 0x01, 0x7C});
  b2.local_get((uint32_t(1) << 31) + 2).end();
  tm2.func(tm2.func_type({kI64}, {}), b2.bytes());
  EXPECT_TRUE(invalid(validate(tm2), "unknown local"));

  // The declared counts must add up to less than 2^32.
  TestModule tm3;
  Code b3{0x02};
  b3.u(0xFFFFFFFF).op({0x7F, 0x02, 0x7E}).end();
  tm3.func(tm3.func_type({}, {}), b3.bytes());
  EXPECT_TRUE(malformed(validate(tm3), "too many locals"));
}

TEST(FuncValidator, NonDefaultableLocalsMustBeSet) {
  TestModule tm;
  uint32_t ft = tm.func_type({}, {});
  uint32_t t = tm.func_type({ref(ft)}, {});
  Code get = Code{0x01, 0x01}.type(ref(ft));
  get.local_get(1).op({0x1A}).end();
  tm.func(t, get.bytes());
  EXPECT_TRUE(invalid(validate(tm), "uninitialized local"));

  // Set, then get: fine. Parameters are always set.
  TestModule tm2;
  uint32_t ft2 = tm2.func_type({}, {});
  uint32_t t2 = tm2.func_type({ref(ft2)}, {});
  Code set = Code{0x01, 0x01}.type(ref(ft2));
  set.local_get(0).local_set(1).local_get(1).op({0x1A}).end();
  tm2.func(t2, set.bytes());
  EXPECT_TRUE(is_valid(validate(tm2)));

  // Set inside a block: unset again after its end.
  TestModule tm3;
  uint32_t ft3 = tm3.func_type({}, {});
  uint32_t t3 = tm3.func_type({ref(ft3)}, {});
  Code scoped = Code{0x01, 0x01}.type(ref(ft3));
  scoped.op({0x02, 0x40})
      .local_get(0)
      .local_set(1)
      .local_get(1)
      .op({0x1A, 0x0B});
  scoped.local_get(1).op({0x1A}).end();
  tm3.func(t3, scoped.bytes());
  EXPECT_TRUE(invalid(validate(tm3), "uninitialized local"));
}

// ---------------------------------------------------------------------------
// Calls, globals, tables, memories

TEST(FuncValidator, Calls) {
  TestModule tm;
  uint32_t t = tm.func_type({kI32}, {kI64});
  uint32_t caller = tm.func_type({}, {kI64});
  uint32_t callee = tm.import_func(t);
  tm.table(ValType::funcref());
  tm.func_code(caller, Code{}.i32_const(1).op({0x10}).u(callee));
  tm.func_code(caller, Code{}.i32_const(1).i32_const(0).op({0x11}).u(t).u(0));
  tm.func_code(caller, Code{}.i32_const(1).op({0x12}).u(callee).op({0x7C}));
  EXPECT_TRUE(is_valid(validate(tm)));

  EXPECT_TRUE(
      invalid(body({}, {}, Code{}.op({0x10, 0x05})), "unknown function 5"));

  // Tail calls: the callee's results must be the caller's.
  TestModule tc;
  uint32_t tt = tc.func_type({}, {kI32});
  uint32_t f = tc.import_func(tt);
  tc.func_code(tc.func_type({}, {kI64}), Code{}.op({0x12}).u(f));
  EXPECT_TRUE(invalid(validate(tc), "type mismatch"));

  // call_indirect needs a table of functions.
  TestModule ti;
  uint32_t it = ti.func_type({}, {});
  ti.table(ValType::externref());
  ti.func_code(it, Code{}.i32_const(0).op({0x11}).u(it).u(0));
  EXPECT_TRUE(invalid(validate(ti), "type mismatch"));
  TestModule tu;
  uint32_t ut = tu.func_type({}, {});
  tu.func_code(ut, Code{}.i32_const(0).op({0x11}).u(ut).u(0));
  EXPECT_TRUE(invalid(validate(tu), "unknown table 0"));
}

TEST(FuncValidator, CallRefAndFuncRefs) {
  TestModule tm;
  uint32_t t = tm.func_type({kI32}, {kI32});
  uint32_t f = tm.func_code(t, Code{}.local_get(0));
  // local.get 0 ref.func f call_ref t
  tm.func_code(t, Code{}.local_get(0).op({0xD2}).u(f).op({0x14}).u(t));
  EXPECT_TRUE(is_valid(validate(tm, {f})));
  TestModule tm2;
  uint32_t t2 = tm2.func_type({kI32}, {kI32});
  uint32_t f2 = tm2.func_code(t2, Code{}.local_get(0));
  tm2.func_code(t2, Code{}.local_get(0).op({0xD2}).u(f2).op({0x14}).u(t2));
  EXPECT_TRUE(invalid(validate(tm2), "undeclared function reference"));
}

TEST(FuncValidator, Globals) {
  TestModule tm;
  uint32_t t = tm.func_type({}, {});
  tm.global(kI32, false);
  tm.global(kI64, true);
  tm.func_code(t, Code{}.op({0x23, 0x00, 0x1A}).i64_const(0).op({0x24, 0x01}));
  EXPECT_TRUE(is_valid(validate(tm)));
  TestModule imm;
  imm.global(kI32, false);
  imm.func_code(imm.func_type({}, {}), Code{}.i32_const(0).op({0x24, 0x00}));
  EXPECT_TRUE(invalid(validate(imm), "immutable global"));
  EXPECT_TRUE(
      invalid(body({}, {}, Code{}.op({0x23, 0x00, 0x1A})), "unknown global 0"));
}

TEST(FuncValidator, Memories) {
  TestModule tm;
  uint32_t t = tm.func_type({}, {});
  tm.memory();
  tm.memory(/*is64=*/true);
  // i32.load align=4; i64 address into memory 1 (memarg bit 6).
  tm.func_code(t, Code{}.i32_const(0).op({0x28, 0x02, 0x00, 0x1A}));
  tm.func_code(t, Code{}.i64_const(0).op({0x28, 0x42, 0x01, 0x00, 0x1A}));
  tm.func_code(t, Code{}.op({0x3F, 0x01, 0x1A}));
  tm.func_code(t, Code{}.i64_const(0).op({0x40, 0x01, 0x1A}));
  EXPECT_TRUE(is_valid(validate(tm)));

  TestModule align;
  align.memory();
  align.func_code(align.func_type({}, {}),
                  Code{}.i32_const(0).op({0x28, 0x03, 0x00, 0x1A}));
  EXPECT_TRUE(
      invalid(validate(align), "alignment must not be larger than natural"));

  TestModule mem64;
  mem64.memory();
  mem64.func_code(mem64.func_type({}, {}),
                  Code{}.i64_const(0).op({0x28, 0x02, 0x00, 0x1A}));
  EXPECT_TRUE(invalid(validate(mem64), "type mismatch"));

  TestModule unknown;
  unknown.memory();
  unknown.func_code(unknown.func_type({}, {}),
                    Code{}.i32_const(0).op({0x28, 0x42, 0x01, 0x00, 0x1A}));
  EXPECT_TRUE(invalid(validate(unknown), "unknown memory 1"));
  EXPECT_TRUE(
      invalid(body({}, {}, Code{}.op({0x3F, 0x00, 0x1A})), "unknown memory 0"));

  TestModule flags;
  flags.memory();
  flags.func_code(flags.func_type({}, {}),
                  Code{}.i32_const(0).op({0x28, 0x80, 0x01, 0x00, 0x1A}));
  EXPECT_TRUE(malformed(validate(flags), "malformed memop flags"));

  TestModule offset;
  offset.memory();
  offset.func_code(
      offset.func_type({}, {}),
      Code{}.i32_const(0).op({0x28, 0x02}).u(uint64_t(1) << 32).op({0x1A}));
  EXPECT_TRUE(invalid(validate(offset), "offset out of range"));
}

TEST(FuncValidator, BulkMemoryNeedsDataCount) {
  TestModule tm;
  tm.memory();
  tm.data(/*with_count=*/false);
  tm.func_code(tm.func_type({}, {}), Code{}.op({0xFC, 0x09, 0x00}));
  EXPECT_TRUE(malformed(validate(tm), "data count section required"));

  TestModule ok;
  ok.memory();
  ok.data();
  ok.func_code(ok.func_type({}, {}),
               Code{}.i32_const(0).i32_const(0).i32_const(0).op(
                   {0xFC, 0x08, 0x00, 0x00, 0xFC, 0x09, 0x00}));
  EXPECT_TRUE(is_valid(validate(ok)));

  TestModule unknown;
  unknown.memory();
  unknown.data();
  unknown.func_code(unknown.func_type({}, {}), Code{}.op({0xFC, 0x09, 0x01}));
  EXPECT_TRUE(invalid(validate(unknown), "unknown data segment 1"));
  // memory.init names the memory after the segment, but checks it first.
  TestModule nomem;
  nomem.data();
  nomem.func_code(nomem.func_type({}, {}),
                  Code{}.i32_const(0).i32_const(0).i32_const(0).op(
                      {0xFC, 0x08, 0x01, 0x00}));
  EXPECT_TRUE(invalid(validate(nomem), "unknown memory 0"));
}

TEST(FuncValidator, Tables) {
  TestModule tm;
  uint32_t t = tm.func_type({}, {});
  tm.table(ValType::funcref());
  tm.table(ValType::externref(), /*is64=*/true);
  tm.elem(ValType::funcref());
  // table.get 1 with an i64 index gives an externref.
  tm.func_code(t, Code{}.i64_const(0).op({0x25, 0x01, 0x1A}));
  // table.init 0 0
  tm.func_code(t, Code{}.i32_const(0).i32_const(0).i32_const(0).op(
                      {0xFC, 0x0C, 0x00, 0x00}));
  tm.func_code(t, Code{}.op({0xFC, 0x0D, 0x00}));
  EXPECT_TRUE(is_valid(validate(tm)));

  TestModule init;
  init.table(ValType::externref());
  init.elem(ValType::funcref());
  init.func_code(init.func_type({}, {}),
                 Code{}.i32_const(0).i32_const(0).i32_const(0).op(
                     {0xFC, 0x0C, 0x00, 0x00}));
  EXPECT_TRUE(invalid(validate(init), "type mismatch"));

  TestModule copy;
  copy.table(ValType::externref());
  copy.table(ValType::funcref());
  copy.func_code(copy.func_type({}, {}),
                 Code{}.i32_const(0).i32_const(0).i32_const(0).op(
                     {0xFC, 0x0E, 0x00, 0x01}));
  EXPECT_TRUE(invalid(validate(copy), "type mismatch"));

  EXPECT_TRUE(invalid(body({}, {}, Code{}.op({0xFC, 0x0D, 0x04})),
                      "unknown elem segment 4"));
}

// ---------------------------------------------------------------------------
// SIMD and atomics

TEST(FuncValidator, SimdLanes) {
  Code v = Code{}.op({0xFD, 0x0C});
  for (int i = 0; i < 16; ++i) v.op({0x00});
  EXPECT_TRUE(is_valid(body({}, {kI32}, Code{v}.op({0xFD, 0x15, 0x0F}))));
  EXPECT_TRUE(invalid(body({}, {kI32}, Code{v}.op({0xFD, 0x15, 0x10})),
                      "invalid lane index"));
  // i32x4.add (sub-opcode 0xAE, a two-byte LEB128)
  EXPECT_TRUE(
      is_valid(body({}, {kV128}, Code{v}.append(v).op({0xFD, 0xAE, 0x01}))));
  Code shuffle = Code{v}.append(v).op({0xFD, 0x0D});
  for (int i = 0; i < 15; ++i) shuffle.op({uint8_t(i)});
  EXPECT_TRUE(is_valid(body({}, {kV128}, Code{shuffle}.op({31}))));
  EXPECT_TRUE(
      invalid(body({}, {kV128}, Code{shuffle}.op({32})), "invalid lane index"));
  EXPECT_TRUE(malformed(body({}, {}, Code{}.op({0xFD, 0xFF, 0xFF, 0x03})),
                        "illegal opcode"));
}

TEST(FuncValidator, Atomics) {
  TestModule tm;
  tm.memory();
  // i32.atomic.load align=4
  tm.func_code(tm.func_type({}, {kI32}),
               Code{}.i32_const(0).op({0xFE, 0x10, 0x02, 0x00}));
  tm.func_code(tm.func_type({}, {}), Code{}.op({0xFE, 0x03, 0x00}));
  EXPECT_TRUE(is_valid(validate(tm)));
  TestModule under;
  under.memory();
  under.func_code(under.func_type({}, {kI32}),
                  Code{}.i32_const(0).op({0xFE, 0x10, 0x01, 0x00}));
  EXPECT_TRUE(invalid(validate(under), "atomic alignment must be natural"));
  TestModule over;
  over.memory();
  over.func_code(over.func_type({}, {kI32}),
                 Code{}.i32_const(0).op({0xFE, 0x10, 0x03, 0x00}));
  EXPECT_TRUE(invalid(validate(over), "atomic alignment must be natural"));
  EXPECT_TRUE(invalid(
      body({}, {kI32}, Code{}.i32_const(0).op({0xFE, 0x10, 0x02, 0x00})),
      "unknown memory"));
}

// ---------------------------------------------------------------------------
// GC

TEST(FuncValidator, Structs) {
  TestModule tm;
  uint32_t s = tm.struct_type({field(kI32, true), packed(Packed::I8)});
  uint32_t t = tm.func_type({ref(s, true)}, {kI32});
  tm.func_code(t, Code{}.local_get(0).op({0xFB, 0x02}).u(s).u(0));
  tm.func_code(t, Code{}.local_get(0).op({0xFB, 0x03}).u(s).u(1));
  // struct.new s (i32.const 1) (i32.const 2); struct.get s 0
  tm.func_code(t, Code{}
                      .i32_const(1)
                      .i32_const(2)
                      .op({0xFB, 0x00})
                      .u(s)
                      .op({0xFB, 0x02})
                      .u(s)
                      .u(0));
  EXPECT_TRUE(is_valid(validate(tm)));

  auto one = [](uint8_t sub, uint32_t fieldi, const char* want) {
    TestModule m;
    uint32_t st = m.struct_type({field(kI32, true), packed(Packed::I8)});
    uint32_t ft = m.func_type({ref(st, true)}, {});
    m.func_code(ft,
                Code{}.local_get(0).op({0xFB, sub}).u(st).u(fieldi).op({0x1A}));
    return invalid(validate(m), want);
  };
  EXPECT_TRUE(one(0x02, 1, "field is packed"));
  EXPECT_TRUE(one(0x03, 0, "field is unpacked"));
  EXPECT_TRUE(one(0x02, 2, "unknown field"));

  TestModule imm;
  uint32_t st = imm.struct_type({field(kI32)});
  imm.func_code(imm.func_type({ref(st, true)}, {}),
                Code{}.local_get(0).i32_const(1).op({0xFB, 0x05}).u(st).u(0));
  EXPECT_TRUE(invalid(validate(imm), "immutable field"));

  TestModule nd;
  uint32_t inner = nd.func_type({}, {});
  uint32_t st2 = nd.struct_type({field(ref(inner))});
  nd.func_code(nd.func_type({}, {}), Code{}.op({0xFB, 0x01}).u(st2).op({0x1A}));
  EXPECT_TRUE(invalid(validate(nd), "field type is not defaultable"));
}

TEST(FuncValidator, Arrays) {
  TestModule tm;
  uint32_t a = tm.array_type(field(kI32, true));
  uint32_t ai = tm.array_type(field(kI32, false));
  uint32_t af = tm.array_type(field(ValType::funcref(), true));
  uint32_t t = tm.func_type({ref(a, true), ref(ai, true)}, {});
  tm.data();
  tm.elem(ValType::funcref());
  // array.copy a ai (dst, i, src, j, n)
  tm.func_code(t, Code{}
                      .local_get(0)
                      .i32_const(0)
                      .local_get(1)
                      .i32_const(0)
                      .i32_const(0)
                      .op({0xFB, 0x11})
                      .u(a)
                      .u(ai));
  // array.new_fixed a 3
  tm.func_code(t, Code{}
                      .i32_const(1)
                      .i32_const(2)
                      .i32_const(3)
                      .op({0xFB, 0x08})
                      .u(a)
                      .u(3)
                      .op({0x1A}));
  // array.new_data a 0; array.new_elem af 0; array.len
  tm.func_code(t, Code{}
                      .i32_const(0)
                      .i32_const(0)
                      .op({0xFB, 0x09})
                      .u(a)
                      .u(0)
                      .op({0xFB, 0x0F, 0x1A}));
  tm.func_code(
      t,
      Code{}.i32_const(0).i32_const(0).op({0xFB, 0x0A}).u(af).u(0).op({0x1A}));
  EXPECT_TRUE(is_valid(validate(tm)));

  TestModule imm;
  uint32_t ia = imm.array_type(field(kI32, false));
  imm.func_code(
      imm.func_type({ref(ia, true)}, {}),
      Code{}.local_get(0).i32_const(0).i32_const(0).op({0xFB, 0x0E}).u(ia));
  EXPECT_TRUE(invalid(validate(imm), "immutable array"));

  TestModule mismatch;
  uint32_t m1 = mismatch.array_type(field(kI32, true));
  uint32_t m2 = mismatch.array_type(field(kI64, true));
  mismatch.func_code(mismatch.func_type({ref(m1, true), ref(m2, true)}, {}),
                     Code{}
                         .local_get(0)
                         .i32_const(0)
                         .local_get(1)
                         .i32_const(0)
                         .i32_const(0)
                         .op({0xFB, 0x11})
                         .u(m1)
                         .u(m2));
  EXPECT_TRUE(invalid(validate(mismatch), "array types do not match"));

  TestModule refdata;
  uint32_t ra = refdata.array_type(field(ValType::funcref(), true));
  refdata.data();
  refdata.func_code(
      refdata.func_type({}, {}),
      Code{}.i32_const(0).i32_const(0).op({0xFB, 0x09}).u(ra).u(0).op({0x1A}));
  EXPECT_TRUE(
      invalid(validate(refdata), "array type is not numeric or vector"));

  TestModule fixed;
  uint32_t fa = fixed.array_type(field(kI32, true));
  fixed.func_code(fixed.func_type({}, {}),
                  Code{}.i32_const(1).op({0xFB, 0x08}).u(fa).u(2).op({0x1A}));
  EXPECT_TRUE(invalid(validate(fixed), "type mismatch"));
}

TEST(FuncValidator, CastsAndI31) {
  TestModule tm;
  uint32_t s = tm.struct_type({});
  uint32_t t = tm.func_type({ref(HeapKind::Any, true)}, {kI32});
  // ref.test (ref s); ref.cast null s then ref.is_null
  tm.func_code(t, Code{}.local_get(0).op({0xFB, 0x14}).u(s));
  tm.func_code(t, Code{}.local_get(0).op({0xFB, 0x17}).u(s).op({0xD1}));
  // i32.const 5 ref.i31 i31.get_s
  tm.func_code(t, Code{}.i32_const(5).op({0xFB, 0x1C, 0xFB, 0x1D}));
  // extern.convert_any then any.convert_extern keep nullability
  tm.func_code(t, Code{}.local_get(0).op({0xFB, 0x1B, 0xFB, 0x1A, 0xD1}));
  EXPECT_TRUE(is_valid(validate(tm)));

  // A funcref cannot be tested against a struct type.
  TestModule bad;
  uint32_t bs = bad.struct_type({});
  bad.func_code(bad.func_type({ValType::funcref()}, {kI32}),
                Code{}.local_get(0).op({0xFB, 0x14}).u(bs));
  EXPECT_TRUE(invalid(validate(bad), "type mismatch"));
}

TEST(FuncValidator, BrOnCast) {
  TestModule tm;
  uint32_t s = tm.struct_type({});
  uint32_t t = tm.func_type({ref(HeapKind::Any, true)}, {ref(s)});
  // block (result (ref s)) local.get 0 br_on_cast 0 anyref (ref s) drop
  // unreachable end
  Code ok =
      Code{}.op({0x02}).type(ref(s)).local_get(0).op({0xFB, 0x18, 0x01, 0x00});
  ok.op({0x6E}).s(s).op({0x1A, 0x00, 0x0B});
  tm.func_code(t, ok);
  EXPECT_TRUE(is_valid(validate(tm)));

  // br_on_cast_fail sends the input minus the target: anyref minus (ref s)
  // is still anyref, which does not fit a (ref s) label.
  TestModule fail;
  uint32_t fs = fail.struct_type({});
  uint32_t ft = fail.func_type({ref(HeapKind::Any, true)}, {ref(fs)});
  Code f =
      Code{}.op({0x02}).type(ref(fs)).local_get(0).op({0xFB, 0x19, 0x01, 0x00});
  f.op({0x6E}).s(fs).op({0x1A, 0x00, 0x0B});
  fail.func_code(ft, f);
  EXPECT_TRUE(invalid(validate(fail), "type mismatch"));

  // The target must be a subtype of the source.
  TestModule sub;
  uint32_t ss = sub.struct_type({});
  Code c =
      Code{}.op({0x02, 0x40}).local_get(0).op({0xFB, 0x18, 0x00, 0x00, 0x70});
  c.s(ss).op({0x1A, 0x0B});
  sub.func_code(sub.func_type({ref(HeapKind::Func)}, {}), c);
  EXPECT_TRUE(invalid(validate(sub), "type mismatch"));

  EXPECT_TRUE(malformed(
      body({ref(HeapKind::Any, true)}, {},
           Code{}.local_get(0).op({0xFB, 0x18, 0x04, 0x00, 0x6E, 0x6E, 0x1A})),
      "malformed br_on_cast flags"));
}

TEST(FuncValidator, NullBranches) {
  TestModule tm;
  uint32_t f = tm.func_type({}, {});
  uint32_t t = tm.func_type({ref(f, true)}, {});
  // block local.get 0 br_on_null 0 drop end
  tm.func_code(
      t, Code{}.op({0x02, 0x40}).local_get(0).op({0xD5, 0x00, 0x1A, 0x0B}));
  // block (result (ref f)) local.get 0 br_on_non_null 0 unreachable end drop
  Code nn =
      Code{}.op({0x02}).type(ref(f)).local_get(0).op({0xD6, 0x00, 0x00, 0x0B});
  nn.op({0x1A});
  tm.func_code(t, nn);
  EXPECT_TRUE(is_valid(validate(tm)));

  TestModule bad;
  bad.func_code(bad.func_type({ref(HeapKind::Func, true)}, {}),
                Code{}.op({0x02, 0x40}).local_get(0).op({0xD6, 0x00, 0x0B}));
  EXPECT_TRUE(invalid(validate(bad), "type mismatch"));
}

TEST(FuncValidator, BranchesOnNullUpcastToTheLabelTypes) {
  // From the GC testsuite (gc#516): after br_on_null 0 the values under the
  // reference have the label's types (funcref), not their own ((ref null
  // $t)), so calling $f, which wants a (ref null $t), is invalid.
  TestModule tm;
  uint32_t t = tm.func_type({}, {});
  uint32_t ft = tm.func_type({ref(t, true)}, {ValType::funcref()});
  uint32_t f = tm.func_code(ft, Code{}.local_get(0));
  uint32_t g = tm.func_type({ValType::funcref()}, {ValType::funcref()});
  tm.func_code(
      g, Code{}.op({0xD0}).s(t).local_get(0).op({0xD5, 0x00, 0x1A, 0x10}).u(f));
  EXPECT_TRUE(invalid(validate(tm), "type mismatch"));
}

// ---------------------------------------------------------------------------
// Exceptions

TEST(FuncValidator, ThrowMessagesMatchTheTestsuite) {
  TestModule tm;
  uint32_t tt = tm.func_type({kI32}, {});
  tm.tag(tt);
  tm.func_code(tm.func_type({}, {}), Code{}.op({0x08, 0x00}));
  EXPECT_TRUE(
      invalid(validate(tm),
              "type mismatch: instruction requires [i32] but stack has []"));
  TestModule tm2;
  uint32_t tt2 = tm2.func_type({kI32}, {});
  tm2.tag(tt2);
  tm2.func_code(tm2.func_type({}, {}), Code{}.i64_const(5).op({0x08, 0x00}));
  EXPECT_TRUE(
      invalid(validate(tm2),
              "type mismatch: instruction requires [i32] but stack has [i64]"));
  EXPECT_TRUE(invalid(body({}, {}, Code{}.op({0x08, 0x00})), "unknown tag 0"));
}

TEST(FuncValidator, TryTable) {
  TestModule tm;
  uint32_t tt = tm.func_type({kI32}, {});
  tm.tag(tt);
  uint32_t t = tm.func_type({}, {kI32});
  // block (result i32) try_table (catch 0 0) unreachable end unreachable end
  tm.func_code(t, Code{}.op({0x02, 0x7F, 0x1F, 0x40, 0x01, 0x00, 0x00, 0x00,
                             0x00, 0x0B, 0x00, 0x0B}));
  // block (result exnref) try_table (catch_all_ref 0) end unreachable end
  Code ref_catch = Code{}.op({0x02}).type(ref(HeapKind::Exn));
  ref_catch.op({0x1F, 0x40, 0x01, 0x03, 0x00, 0x0B, 0x00, 0x0B, 0x1A})
      .i32_const(0);
  tm.func_code(t, ref_catch);
  EXPECT_TRUE(is_valid(validate(tm)));

  // catch_ref delivers [i32 exnref], the label wants [i32].
  TestModule bad;
  uint32_t btt = bad.func_type({kI32}, {});
  bad.tag(btt);
  bad.func_code(bad.func_type({}, {kI32}),
                Code{}.op({0x02, 0x7F, 0x1F, 0x40, 0x01, 0x01, 0x00, 0x00, 0x0B,
                           0x00, 0x0B}));
  EXPECT_TRUE(invalid(validate(bad), "type mismatch"));
  EXPECT_TRUE(
      malformed(body({}, {}, Code{}.op({0x1F, 0x40, 0x01, 0x04, 0x00, 0x0B})),
                "malformed catch clause"));
  EXPECT_TRUE(invalid(body({}, {}, Code{}.op({0x0A})), "type mismatch"));
}

TEST(FuncValidator, LegacyExceptions) {
  TestModule tm;
  uint32_t tt = tm.func_type({kI32}, {});
  tm.tag(tt);
  uint32_t t = tm.func_type({}, {kI32});
  // try (result i32) i32.const 1 catch 0 catch_all i32.const 2 end
  tm.func_code(t, Code{}
                      .op({0x06, 0x7F})
                      .i32_const(1)
                      .op({0x07, 0x00, 0x19})
                      .i32_const(2)
                      .op({0x0B}));
  // try catch_all rethrow 0 end, then a value
  tm.func_code(t, Code{}.op({0x06, 0x40, 0x19, 0x09, 0x00, 0x0B}).i32_const(0));
  // try delegate 0 (the function frame)
  tm.func_code(t, Code{}.op({0x06, 0x40, 0x18, 0x00}).i32_const(0));
  EXPECT_TRUE(is_valid(validate(tm)));

  EXPECT_TRUE(
      invalid(body({}, {}, Code{}.op({0x09, 0x00})), "invalid rethrow label"));
  EXPECT_TRUE(invalid(body({}, {}, Code{}.op({0x02, 0x40, 0x09, 0x00, 0x0B})),
                      "invalid rethrow label"));
  EXPECT_TRUE(invalid(body({}, {}, Code{}.op({0x06, 0x40, 0x18, 0x01})),
                      "unknown label"));
  EXPECT_TRUE(
      invalid(body({}, {kI32}, Code{}.op({0x06, 0x7F, 0x0B})),
              "type mismatch: instruction requires [i32] but stack has []"));
  EXPECT_TRUE(invalid(
      body({}, {}, Code{}.op({0x06, 0x40, 0x19}).i32_const(42).op({0x0B})),
      "type mismatch: block requires [] but stack has [i32]"));
  EXPECT_TRUE(
      malformed(body({}, {}, Code{}.op({0x19})), "END opcode expected"));
}

// ---------------------------------------------------------------------------
// Decoding errors and their precedence

TEST(FuncValidator, MalformedBodies) {
  EXPECT_TRUE(malformed(body({}, {}, Code{}.op({0x00, 0xFF, 0x00, 0x00})),
                        "illegal opcode ff"));
  EXPECT_TRUE(malformed(
      body({}, {}, Code{}.op({0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00})),
      "integer representation too long"));
  // A body without its final end, at the end of the module.
  TestModule eof;
  eof.func(eof.func_type({}, {}), {0x00, 0x41, 0x01, 0x1A});
  EXPECT_TRUE(malformed(validate(eof), "unexpected end"));
  // ... followed by something that is not an end.
  TestModule between;
  between.func(between.func_type({}, {}), {0x00, 0x41, 0x01, 0x1A});
  between.trailing({0x05, 0x00, 0x0B});
  EXPECT_TRUE(malformed(validate(between), "END opcode expected"));
  // Bytes after the final end.
  TestModule trailing;
  trailing.func(trailing.func_type({}, {}), {0x00, 0x0B, 0x01});
  EXPECT_TRUE(malformed(validate(trailing), "section size mismatch"));
  EXPECT_TRUE(malformed(body({}, {}, Code{}.op({0xFE, 0x03, 0x01})),
                        "zero byte expected"));
}

TEST(FuncValidator, DecodingErrorsWinOverEarlierTypingErrors) {
  // i32.add on an empty stack, then an illegal opcode: the spec decodes the
  // whole module before typing it.
  EXPECT_TRUE(
      malformed(body({}, {}, Code{}.op({0x6A, 0xFF})), "illegal opcode"));
  TestModule tm;
  tm.memory();
  tm.func_code(tm.func_type({}, {}),
               Code{}.op({0x6A}).i32_const(0).op({0x28, 0x80, 0x01, 0x00}));
  EXPECT_TRUE(malformed(validate(tm), "malformed memop flags"));
}

TEST(FuncValidator, ErrorsCarryOffsetAndFunction) {
  TestModule tm;
  uint32_t t = tm.func_type({}, {});
  tm.import_func(t);
  tm.func_code(t, Code{});
  uint32_t f = tm.func_code(t, Code{}.op({0x01, 0x01, 0x6A}));
  const Module& m = tm.module();
  Result<void> r = validate(tm);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().func, f);
  // The body starts with its local count; i32.add is the fourth byte.
  EXPECT_EQ(r.error().offset, m.bodies[1].range.offset + 3);
}

TEST(FuncValidator, ReusedAcrossBodies) {
  TestModule tm;
  uint32_t t = tm.func_type({kI32}, {kI32});
  for (int i = 0; i < 10; ++i)
    tm.func_code(t, Code{}.op({0x02, 0x7F}).local_get(0).op({0x0B}));
  tm.func_code(t, Code{}.op({0x02, 0x7F}).local_get(0).op({0x0B, 0x0B}));
  EXPECT_TRUE(malformed(validate(tm), "section size mismatch"));
}

// ---------------------------------------------------------------------------
// Constant expressions

Result<void> const_expr(TestModule& tm, const Code& code, ValType type,
                        uint32_t num_globals) {
  ConstExpr e = tm.expr(code);
  const Module& m = tm.module();
  Result<TypeContext> types = TypeContext::build(m);
  if (!types) return types.error();
  FuncValidator v(*types);
  return v.validate_const_expr(e, type, num_globals);
}

TEST(FuncValidator, ConstantExpressions) {
  {
    TestModule tm;
    EXPECT_TRUE(is_valid(const_expr(tm, Code{}.i32_const(1), kI32, 0)));
  }
  {
    TestModule tm;  // extended constants
    EXPECT_TRUE(is_valid(
        const_expr(tm, Code{}.i64_const(1).i64_const(2).op({0x7C}), kI64, 0)));
  }
  {
    TestModule tm;
    EXPECT_TRUE(invalid(const_expr(tm, Code{}.i32_const(1).op({0x67}), kI32, 0),
                        "constant expression required"));
  }
  {
    TestModule tm;  // a non-constant instruction wins over a type error
    EXPECT_TRUE(
        invalid(const_expr(tm, Code{}.f32_const().op({0x6A, 0x01}), kI32, 0),
                "constant expression required"));
  }
  {
    TestModule tm;
    EXPECT_TRUE(
        invalid(const_expr(tm, Code{}.i64_const(1), kI32, 0), "type mismatch"));
  }
  {
    TestModule tm;
    tm.global(kI32, false);
    tm.global(kI32, true);
    EXPECT_TRUE(is_valid(const_expr(tm, Code{}.op({0x23, 0x00}), kI32, 2)));
  }
  {
    TestModule tm;
    tm.global(kI32, true);
    EXPECT_TRUE(invalid(const_expr(tm, Code{}.op({0x23, 0x00}), kI32, 1),
                        "constant expression required"));
  }
  {
    TestModule tm;
    tm.global(kI32, false);
    EXPECT_TRUE(invalid(const_expr(tm, Code{}.op({0x23, 0x00}), kI32, 0),
                        "unknown global 0"));
  }
  {
    TestModule tm;  // ref.func is allowed without a declaration
    uint32_t t = tm.func_type({}, {});
    tm.import_func(t);
    EXPECT_TRUE(is_valid(
        const_expr(tm, Code{}.op({0xD2, 0x00}), ValType::funcref(), 0)));
  }
  {
    TestModule tm;  // GC allocation
    uint32_t s = tm.struct_type({field(kI32)});
    EXPECT_TRUE(is_valid(
        const_expr(tm, Code{}.i32_const(1).op({0xFB, 0x00}).u(s), ref(s), 0)));
  }
  {
    TestModule tm;
    EXPECT_TRUE(malformed(
        const_expr(tm, Code{}.op({0xF3, 0x00}), ValType::funcref(), 0),
        "illegal opcode"));
  }
}

}  // namespace
}  // namespace heron
