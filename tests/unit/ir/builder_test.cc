// FunctionBuilder and the layout operations passes rely on: calls with
// signature results, br_table targets, instruction and block removal.
#include "ir/builder.h"

#include <gtest/gtest.h>

#include "ir/dominator_tree.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace heron::ir {
namespace {

TEST(FunctionBuilder, CallsAndTables) {
  Function f;
  f.name = "calls";
  f.signature.params = {{Type::I64, ParamPurpose::VMContext},
                        {Type::I32, ParamPurpose::Normal}};
  f.signature.results = {Type::I64};
  SigRef sig = f.add_signature(
      {{{Type::I64, ParamPurpose::VMContext}}, {Type::I32, Type::I64}});
  FunctionBuilder b(f);
  Block entry = b.create_entry_block();
  Value vmctx = f.vmctx_value();
  Value idx = f.block_params(entry)[1];
  Value args[] = {vmctx};
  auto results = b.call(7, sig, args);
  ASSERT_EQ(results.size(), 2u);
  Value r1 = results[1];
  Block join = b.create_block();
  Value p = f.append_block_param(join, Type::I64);
  Block other = b.create_block();
  Block targets[] = {join, other};
  std::vector<Value> targs[] = {{r1}, {}};
  b.br_table(idx, targets, targs);
  b.switch_to_block(other);
  b.trap(TrapCode::Unreachable);
  b.switch_to_block(join);
  Value rs[] = {p};
  b.ret(rs);
  auto v = verify(f);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(print_function(f),
            "function %calls(i64 vmctx, i32) -> i64 {\n"
            "    sig0 = (i64 vmctx) -> i32, i64\n"
            "block0(v0: i64, v1: i32):\n"
            "    v2, v3 = call fn7 sig0(v0)\n"
            "    br_table v1, block1(v3), [block2]\n"
            "block2:\n"
            "    trap unreachable\n"
            "block1(v4: i64):\n"
            "    return v4\n"
            "}\n");
  EXPECT_EQ(f.successors(entry).size(), 2u);
}

TEST(FunctionBuilder, RemoveAndInsert) {
  Function f;
  f.name = "edit";
  f.signature.results = {Type::I32};
  FunctionBuilder b(f);
  b.create_entry_block();
  Value a = b.iconst(Type::I32, 1);
  Value c = b.iconst(Type::I32, 2);
  Value r[] = {a};
  b.ret(r);
  Inst second = Inst(1);
  f.remove_inst(second);
  EXPECT_FALSE(f.is_inst_inserted(second));
  EXPECT_EQ(f.block_insts(f.entry_block()).size(), 2u);
  // Put it back before the return.
  f.insert_inst_before(f.last_inst(f.entry_block()), second);
  EXPECT_EQ(f.next_inst(second), f.last_inst(f.entry_block()));
  (void)c;
  EXPECT_TRUE(verify(f).ok());

  Block dead = f.create_block();
  f.append_block(dead);
  FunctionBuilder b2(f);
  b2.switch_to_block(dead);
  b2.trap(TrapCode::Unreachable);
  EXPECT_TRUE(verify(f).ok());
  EXPECT_FALSE(DominatorTree(f).is_reachable(dead));
  f.remove_block(dead);
  EXPECT_EQ(f.layout_blocks().size(), 1u);
  EXPECT_TRUE(verify(f).ok());
}

TEST(FunctionBuilder, EditBlockParamsAfterBranches) {
  // What on-the-fly SSA construction does: add a parameter to a block that
  // already has predecessors, then drop another one.
  Function f;
  f.name = "ssa";
  f.signature.params = {{Type::I32, ParamPurpose::Normal}};
  f.signature.results = {Type::I32};
  FunctionBuilder b(f);
  Block entry = b.create_entry_block();
  Value x = f.block_params(entry)[0];
  Block loop = b.create_block();
  Value old = f.append_block_param(loop, Type::I32);
  Value args[] = {x};
  b.jump(loop, args);
  b.switch_to_block(loop);
  Value one = b.iconst(Type::I32, 1);
  Value back[] = {one};
  b.brif(x, loop, back, loop, back);
  Inst entry_jump = f.last_inst(entry);
  Inst loop_br = f.last_inst(loop);

  Value added = f.append_block_param(loop, Type::I32);
  f.append_call_arg(entry_jump, 0, x);
  f.append_call_arg(loop_br, 0, added);
  f.append_call_arg(loop_br, 1, one);
  ASSERT_TRUE(verify(f).ok());

  // Drop the first parameter (its uses would be replaced first; it has
  // none here).
  f.remove_block_param(loop, 0);
  f.remove_call_arg(entry_jump, 0, 0);
  f.remove_call_arg(loop_br, 0, 0);
  f.remove_call_arg(loop_br, 1, 0);
  Value rs[] = {added};
  Inst br = f.last_inst(loop);
  f.remove_inst(br);
  b.ret(rs);
  auto v = verify(f);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_FALSE(f.is_valid_value(old));
  EXPECT_EQ(f.value(added).num, 0u);
  EXPECT_EQ(print_function(f),
            "function %ssa(i32) -> i32 {\n"
            "block0(v0: i32):\n"
            "    jump block1(v0)\n"
            "block1(v3: i32):\n"
            "    v2 = iconst.i32 1\n"
            "    return v3\n"
            "}\n");
}

}  // namespace
}  // namespace heron::ir
