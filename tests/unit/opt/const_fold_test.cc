// Constant folding edge cases checked one instruction at a time: build
// `v = op consts`, fold, and read the constant back (or see it stay).
#include <gtest/gtest.h>

#include <bit>
#include <limits>
#include <optional>

#include "ir/builder.h"
#include "ir/verifier.h"
#include "opt/passes.h"

namespace heron::opt {
namespace {

using namespace heron::ir;

// Folds `op.t (consts...)`, returns the constant bits or nullopt if the
// instruction did not fold.
std::optional<uint64_t> fold1(Opcode op, Type t, Type arg_type,
                              std::initializer_list<uint64_t> consts) {
  Function f;
  f.name = "t";
  f.signature.results = {op == Opcode::Icmp || op == Opcode::Fcmp ? Type::I32
                                                                  : t};
  FunctionBuilder b(f);
  b.create_entry_block();
  std::vector<Value> args;
  for (uint64_t c : consts) {
    args.push_back(arg_type == Type::F32   ? b.f32const(uint32_t(c))
                   : arg_type == Type::F64 ? b.f64const(c)
                                           : b.iconst(arg_type, c));
  }
  InstData d;
  d.opcode = op;
  d.type = t;
  Inst i = b.append(d, args);
  Value rs[] = {f.first_result(i)};
  b.ret(rs);
  EXPECT_TRUE(verify(f).ok());
  fold_constants(f);
  EXPECT_TRUE(verify(f).ok());
  const InstData& r = f.inst(i);
  if (r.opcode != Opcode::Iconst && r.opcode != Opcode::F32const &&
      r.opcode != Opcode::F64const) {
    return std::nullopt;
  }
  return r.imm;
}

uint64_t f32(float x) { return std::bit_cast<uint32_t>(x); }
uint64_t f64(double x) { return std::bit_cast<uint64_t>(x); }

TEST(ConstFold, IntegerSemantics) {
  EXPECT_EQ(fold1(Opcode::Rotl, Type::I32, Type::I32, {0x80000001, 33}),
            0x00000003u);
  EXPECT_EQ(fold1(Opcode::Rotr, Type::I64, Type::I64, {1, 64}), 1u);
  EXPECT_EQ(fold1(Opcode::Sshr, Type::I32, Type::I32, {0x80000000, 31}),
            0xffffffffu);
  EXPECT_EQ(fold1(Opcode::Clz, Type::I32, Type::I32, {0}), 32u);
  EXPECT_EQ(fold1(Opcode::Ctz, Type::I64, Type::I64, {0}), 64u);
  EXPECT_EQ(fold1(Opcode::Sext8, Type::I32, Type::I32, {0x80}), 0xffffff80u);
  EXPECT_EQ(
      fold1(Opcode::Sdiv, Type::I32, Type::I32, {uint64_t(-7) & 0xffffffff, 2}),
      0xfffffffdu);
  EXPECT_EQ(fold1(Opcode::Srem, Type::I64, Type::I64,
                  {uint64_t(INT64_MIN), uint64_t(-1)}),
            0u);
  EXPECT_EQ(fold1(Opcode::Sdiv, Type::I64, Type::I64,
                  {uint64_t(INT64_MIN), uint64_t(-1)}),
            std::nullopt);
  EXPECT_EQ(fold1(Opcode::Urem, Type::I32, Type::I32, {5, 0}), std::nullopt);
}

TEST(ConstFold, FloatSemantics) {
  // f32 arithmetic rounds once to binary32.
  EXPECT_EQ(
      fold1(Opcode::Fadd, Type::F32, Type::F32, {f32(16777216.0f), f32(1.0f)}),
      f32(16777216.0f));
  EXPECT_EQ(fold1(Opcode::Fmax, Type::F64, Type::F64, {f64(-0.0), f64(0.0)}),
            f64(0.0));
  EXPECT_EQ(fold1(Opcode::Fneg, Type::F32, Type::F32, {0x7fc00000}),
            0xffc00000u);  // sign flip is exact even on NaN
  EXPECT_EQ(fold1(Opcode::Sqrt, Type::F64, Type::F64, {f64(-1.0)}),
            std::nullopt);
  EXPECT_EQ(fold1(Opcode::Nearest, Type::F32, Type::F32, {f32(-0.5f)}),
            f32(-0.0f));
  // Comparisons with NaN are deterministic: they fold.
  EXPECT_EQ(fold1(Opcode::Fcmp, Type::F64, Type::F64, {0x7ff8000000000000, 0}),
            0u);
}

TEST(ConstFold, Conversions) {
  EXPECT_EQ(
      fold1(Opcode::FcvtToSint, Type::I32, Type::F64, {f64(-2147483648.9)}),
      0x80000000u);
  EXPECT_EQ(
      fold1(Opcode::FcvtToSint, Type::I32, Type::F64, {f64(-2147483649.0)}),
      std::nullopt);
  EXPECT_EQ(fold1(Opcode::FcvtToUint, Type::I64, Type::F32, {f32(-0.9f)}), 0u);
  EXPECT_EQ(fold1(Opcode::FcvtToUintSat, Type::I32, Type::F32, {0x7fc00000}),
            0u);
  EXPECT_EQ(fold1(Opcode::FcvtToSintSat, Type::I64, Type::F64, {f64(-1e300)}),
            uint64_t(INT64_MIN));
  EXPECT_EQ(fold1(Opcode::FcvtFromUint, Type::F32, Type::I64, {UINT64_MAX}),
            f32(18446744073709551616.0f));
  EXPECT_EQ(fold1(Opcode::FcvtFromSint, Type::F64, Type::I32, {0xffffffff}),
            f64(-1.0));
  EXPECT_EQ(fold1(Opcode::Fdemote, Type::F32, Type::F64, {f64(1e300)}),
            f32(std::numeric_limits<float>::infinity()));
  EXPECT_EQ(fold1(Opcode::Bitcast, Type::I32, Type::F32, {f32(1.0f)}),
            0x3f800000u);
}

}  // namespace
}  // namespace heron::opt
