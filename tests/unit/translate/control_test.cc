// Translator tests for the calling convention, locals (SSA construction),
// control flow and unreachable code: each translates a small WAT module,
// verifies the IR and checks the structure that matters for the construct.
#include <gtest/gtest.h>

#include <string>

#include "ir/printer.h"
#include "translate/func_translator.h"
#include "translate_test_util.h"

namespace heron::test {
namespace {

TEST(TranslateControl, SignatureHasVmctxThenParams) {
  Translated t = translate_wat(R"((module
    (func (param i32 i64 f32 f64 externref) (result f64 i32)
      local.get 3 local.get 0)))");
  const ir::Signature& sig = t.func.signature;
  ASSERT_EQ(sig.params.size(), 6u);
  EXPECT_EQ(sig.params[0].type, ir::Type::I64);
  EXPECT_EQ(sig.params[0].purpose, ir::ParamPurpose::VMContext);
  EXPECT_EQ(sig.params[1].type, ir::Type::I32);
  EXPECT_EQ(sig.params[2].type, ir::Type::I64);
  EXPECT_EQ(sig.params[3].type, ir::Type::F32);
  EXPECT_EQ(sig.params[4].type, ir::Type::F64);
  EXPECT_EQ(sig.params[5].type, ir::Type::I64);  // references are pointers
  EXPECT_EQ(sig.results, (std::vector<ir::Type>{ir::Type::F64, ir::Type::I32}));
  // Straight-line code stays in the entry block and returns the params.
  EXPECT_EQ(t.func.layout_blocks().size(), 1u);
  EXPECT_NE(t.text.find("return v4, v1"), std::string::npos) << t.text;
}

TEST(TranslateControl, DeclaredLocalsStartAtZero) {
  Translated t = translate_wat(R"((module
    (func (result i32 i64 f32 f64 funcref)
      (local i32 i64 f32 f64 funcref)
      local.get 0 local.get 1 local.get 2 local.get 3 local.get 4)))");
  EXPECT_NE(t.text.find("iconst.i32 0"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("iconst.i64 0"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("f32const 0x0"), std::string::npos) << t.text;
  EXPECT_NE(t.text.find("f64const 0x0"), std::string::npos) << t.text;
  // The i64 local and the null funcref share the one i64 zero.
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::Iconst), 2u) << t.text;
}

TEST(TranslateControl, LoopCarriedLocalBecomesHeaderParam) {
  Translated t = translate_wat(R"((module
    (func (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br_if $l (local.get 0)))
      local.get 1)))");
  // entry -> header (two params: the two locals change in the loop) ->
  // exit block after br_if.
  auto blocks = t.func.layout_blocks();
  ASSERT_EQ(blocks.size(), 3u) << t.text;
  EXPECT_EQ(t.func.block_params(blocks[1]).size(), 2u) << t.text;
  EXPECT_EQ(t.func.block_params(blocks[2]).size(), 0u) << t.text;
  // Interrupt check at the loop header.
  EXPECT_NE(t.text.find("trapnz"), std::string::npos);
  EXPECT_NE(t.text.find("interrupt"), std::string::npos);
}

TEST(TranslateControl, LoopInvariantLocalNeedsNoParam) {
  Translated t = translate_wat(R"((module
    (func (param i32 i32) (result i32)
      (loop $l
        (local.set 0 (i32.sub (local.get 0) (local.get 1)))
        (br_if $l (local.get 0)))
      local.get 1)))");
  auto blocks = t.func.layout_blocks();
  ASSERT_EQ(blocks.size(), 3u) << t.text;
  // Only local 0 changes: local 1's incomplete param was trivial.
  EXPECT_EQ(t.func.block_params(blocks[1]).size(), 1u) << t.text;
  // The function returns the entry's param v2 itself.
  EXPECT_NE(t.text.find("return v2"), std::string::npos) << t.text;
}

TEST(TranslateControl, IfElseMergesLocalsAndResults) {
  Translated t = translate_wat(R"((module
    (func (param i32) (result i32) (local i32)
      (if (result i32) (local.get 0)
        (then (local.set 1 (i32.const 7)) (i32.const 1))
        (else (local.set 1 (i32.const 9)) (i32.const 2)))
      local.get 1
      i32.add)))");
  auto blocks = t.func.layout_blocks();
  ASSERT_EQ(blocks.size(), 4u) << t.text;  // entry, then, else, merge
  // The merge has the if's result and the local as params.
  EXPECT_EQ(t.func.block_params(blocks[3]).size(), 2u) << t.text;
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::Brif), 1u);
}

TEST(TranslateControl, IfWithoutElsePassesParamsThrough) {
  Translated t = translate_wat(R"((module
    (func (param i32 i32) (result i32)
      local.get 1
      (if (param i32) (result i32) (local.get 0)
        (then (i32.const 3) (i32.mul))))))");
  auto blocks = t.func.layout_blocks();
  ASSERT_EQ(blocks.size(), 4u) << t.text;
  EXPECT_EQ(t.func.block_params(blocks[3]).size(), 1u) << t.text;
  EXPECT_NE(t.text.find("imul.i32"), std::string::npos);
}

TEST(TranslateControl, BlockWithoutBranchesAddsNoBlocks) {
  Translated t = translate_wat(R"((module
    (func (param i32) (result i32)
      (block (result i32) (block (result i32) (local.get 0))))))");
  EXPECT_EQ(t.func.layout_blocks().size(), 1u) << t.text;
}

TEST(TranslateControl, MultiValueBlockParamsAndResults) {
  Translated t = translate_wat(R"((module
    (type $pair (func (param i32 i64) (result i64 i32)))
    (func (param i32 i64) (result i64 i32)
      local.get 0 local.get 1
      (block (type $pair)
        (local.set 1) (local.set 0)
        (local.get 1) (local.get 0)
        (br_if 0 (local.get 0))
        drop drop
        (i64.const 5) (i32.const 6)))))");
  auto blocks = t.func.layout_blocks();
  ASSERT_GE(blocks.size(), 3u) << t.text;
  auto params = t.func.block_params(blocks.back());
  ASSERT_EQ(params.size(), 2u) << t.text;
  EXPECT_EQ(t.func.value_type(params[0]), ir::Type::I64);
  EXPECT_EQ(t.func.value_type(params[1]), ir::Type::I32);
}

TEST(TranslateControl, BrTableTargetsEveryLabelWithArgs) {
  Translated t = translate_wat(R"((module
    (func (param i32) (result i32)
      (block $a (result i32)
        (block $b (result i32)
          (block $c (result i32)
            (br_if $a (i32.const 1) (local.get 0))
            (br_if $b (i32.const 2) (local.get 0))
            (br_if $c (i32.const 3) (local.get 0))
            (br_table $a $b $c $b (i32.const 10) (local.get 0)))
          (return))
        (return)))))");
  ASSERT_EQ(count_opcode(t.func, ir::Opcode::BrTable), 1u) << t.text;
  for (ir::Block b : t.func.layout_blocks()) {
    ir::Inst term = t.func.terminator(b);
    if (t.func.inst(term).opcode != ir::Opcode::BrTable) continue;
    auto calls = t.func.calls(term);
    ASSERT_EQ(calls.size(), 4u);  // default + 3 labels
    for (const ir::BlockCall& c : calls) {
      EXPECT_EQ(t.func.call_args(c).size(), 1u);
    }
  }
}

TEST(TranslateControl, UnreachableCodeIsSkippedWithNesting) {
  Translated t = translate_wat(R"((module
    (func (param i32) (result i32)
      (block $out (result i32)
        (br $out (i32.const 1))
        (block (if (local.get 0) (then (loop (br 0))) (else nop)))
        (i32.add (i32.const 2) (i32.const 3)))
      (i32.const 4)
      i32.add)))");
  // Nothing of the dead code: no loop, no if, no add of 2 and 3.
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::Brif), 0u) << t.text;
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::Iadd), 1u) << t.text;
  EXPECT_EQ(t.text.find("interrupt"), std::string::npos) << t.text;
}

TEST(TranslateControl, UnreachableMergeEndsTheCode) {
  Translated t = translate_wat(R"((module
    (func (param i32) (result i32)
      (block (unreachable))
      (i32.const 1))))");
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::Trap), 1u) << t.text;
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::Return), 0u) << t.text;
}

TEST(TranslateControl, ElseArmReachableAfterDeadThenArm) {
  Translated t = translate_wat(R"((module
    (func (param i32) (result i32)
      (if (result i32) (local.get 0)
        (then (unreachable))
        (else (i32.const 5))))))");
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::Trap), 1u) << t.text;
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::Return), 1u) << t.text;
}

TEST(TranslateControl, BranchToFunctionLabelReturns) {
  Translated t = translate_wat(R"((module
    (func (param i32) (result i32)
      (br_if 0 (i32.const 7) (local.get 0))
      drop
      (i32.const 8))))");
  // One return, in the function's merge block, fed by both paths.
  EXPECT_EQ(count_opcode(t.func, ir::Opcode::Return), 1u) << t.text;
  auto blocks = t.func.layout_blocks();
  EXPECT_EQ(t.func.block_params(blocks.back()).size(), 1u) << t.text;
}

TEST(TranslateControl, SelectAndDrop) {
  Translated t = translate_wat(R"((module
    (func (param i32 f64 f64) (result f64)
      (drop (i32.const 1))
      (select (local.get 1) (local.get 2) (local.get 0)))))");
  EXPECT_NE(t.text.find("select.f64 v1, v2, v3"), std::string::npos) << t.text;
}

TEST(TranslateControl, EveryInstructionHasASrclocInTheBody) {
  Translated t = translate_wat(R"((module
    (memory 1)
    (func (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.load offset=4 (local.get 0)))
        (br_if $l (local.get 1)))
      (local.get 1))))");
  const Module& m = t.loaded->module;
  ByteRange body = m.bodies[0].range;
  size_t n = 0;
  for (ir::Block b : t.func.layout_blocks()) {
    for (ir::Inst i : t.func.block_insts(b)) {
      uint32_t loc = t.func.inst(i).srcloc;
      EXPECT_GE(loc, body.offset) << ir::print_inst(t.func, i);
      EXPECT_LT(loc, body.end()) << ir::print_inst(t.func, i);
      ++n;
    }
  }
  EXPECT_GT(n, 5u);
}

TEST(TranslateControl, EpochChecksAtEntryAndLoops) {
  const char* wat = R"((module
    (func (loop (br 0)))))";
  TranslateOptions with_epochs;
  with_epochs.epoch_interruption = true;
  Translated plain = translate_wat(wat);
  Translated epochs = translate_wat(wat, with_epochs);
  EXPECT_EQ(count_opcode(plain.func, ir::Opcode::Trapnz), 1u) << plain.text;
  EXPECT_EQ(count_opcode(epochs.func, ir::Opcode::Trapnz), 3u) << epochs.text;
  EXPECT_NE(epochs.text.find("icmp.i64 uge"), std::string::npos);
}

TEST(TranslateControl, DeepChainsOfBlocksDoNotRecurse) {
  // 20000 sequential ifs, each a merge the local lookup walks through.
  std::string wat = "(module (func (param i32) (result i32) (local i32)";
  for (int k = 0; k < 20000; ++k) {
    wat += "(if (local.get 0) (then (local.set 0 (i32.const 1))))";
  }
  wat += "(local.get 1)))";
  Translated t = translate_wat(wat);
  EXPECT_GT(t.func.layout_blocks().size(), 20000u);
}

TEST(TranslateControl, TranslatorIsReusable) {
  auto loaded = load_wat(R"((module
    (memory 1)
    (func (param i32) (result i32)
      (loop $l (br_if $l (i32.load (local.get 0)))) (i32.const 0))
    (func (param i64) (result i64) (i64.mul (local.get 0) (local.get 0)))))");
  ASSERT_TRUE(loaded);
  auto env = ModuleEnv::create(loaded->module, {});
  ASSERT_TRUE(env);
  FuncTranslator reused;
  for (int round = 0; round < 2; ++round) {
    for (uint32_t fi = 0; fi < 2; ++fi) {
      auto a = reused.translate(*env, fi);
      auto b = translate_function(*env, fi);
      ASSERT_TRUE(a && b);
      EXPECT_EQ(ir::print_function(*a), ir::print_function(*b));
    }
  }
}

TEST(TranslateControl, UnsupportedProposalsAreReported) {
  auto loaded = load_wat(R"((module
    (type $s (struct (field i32)))
    (func (result i32) (struct.get $s 0 (struct.new $s (i32.const 1))))
    (func (param i32) (result i32) (return_call 0))))");
  ASSERT_TRUE(loaded);
  auto env = ModuleEnv::create(loaded->module, {});
  ASSERT_TRUE(env);
  for (uint32_t fi = 0; fi < 2; ++fi) {
    auto f = translate_function(*env, fi);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().kind, ErrorKind::Unsupported) << f.error().message;
    EXPECT_EQ(f.error().func, fi);
  }
  auto imported = translate_function(*env, 5);
  EXPECT_FALSE(imported.ok());
}

}  // namespace
}  // namespace heron::test
