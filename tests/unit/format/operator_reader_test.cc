// Unit tests of the operator and type readers: every immediate kind decoded
// by OperatorReader, skip_immediates agreeing with read_immediates, block
// and heap type encodings, and their error messages.
#include "format/operator_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wasm_bytes.h"

namespace heron {
namespace {

using test::Bytes;

// Reads all operators of `code` (no locals) and returns them.
std::vector<Operator> read_all(const std::vector<uint8_t>& code,
                               std::string* error = nullptr) {
  OperatorReader r(code, ByteRange{0, uint32_t(code.size())});
  std::vector<Operator> ops;
  Operator op;
  while (r.next(op)) ops.push_back(op);
  if (error) *error = r.failed() ? r.error()->message : "";
  return ops;
}

TEST(TypeReaders, ValueTypes) {
  std::vector<uint8_t> b = {0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F, 0x64,
                            0x6E, 0x63, 0x05, 0x63, 0x80, 0x01, 0x69, 0x74};
  BinaryReader r(b);
  EXPECT_EQ(read_val_type(r), ValType::i32());
  EXPECT_EQ(read_val_type(r), ValType::i64());
  EXPECT_EQ(read_val_type(r), ValType::f32());
  EXPECT_EQ(read_val_type(r), ValType::f64());
  EXPECT_EQ(read_val_type(r), ValType::v128());
  EXPECT_EQ(read_val_type(r), ValType::funcref());
  EXPECT_EQ(read_val_type(r), ValType::externref());
  EXPECT_EQ(read_val_type(r),
            ValType::ref(HeapType::abstract(HeapKind::Any), false));
  EXPECT_EQ(read_val_type(r), ValType::ref(HeapType::concrete(5), true));
  EXPECT_EQ(read_val_type(r), ValType::ref(HeapType::concrete(128), true));
  EXPECT_EQ(read_val_type(r),
            ValType::ref(HeapType::abstract(HeapKind::Exn), true));
  EXPECT_EQ(read_val_type(r),
            ValType::ref(HeapType::abstract(HeapKind::NoExn), true));
  EXPECT_FALSE(r.failed());
  EXPECT_TRUE(r.at_end());
}

TEST(TypeReaders, Errors) {
  auto val_error = [](std::vector<uint8_t> b) {
    BinaryReader r(b);
    read_val_type(r);
    return r.failed() ? r.error()->message : "";
  };
  EXPECT_EQ(val_error({0x40}), "malformed reference type 0x40");
  EXPECT_EQ(val_error({0x00}), "malformed reference type 0x00");
  EXPECT_EQ(val_error({0xFF, 0x7F}), "integer representation too long");
  EXPECT_EQ(val_error({0x63, 0x75}), "malformed heap type");
  EXPECT_EQ(val_error({0x63, 0xF0, 0x7F}), "integer representation too long");
  EXPECT_EQ(val_error({0x63, 0x80, 0x80, 0x80, 0x80, 0x08}),
            "integer representation too long");
  EXPECT_EQ(val_error({}), "unexpected end");
  EXPECT_EQ(val_error({0x64}), "unexpected end");

  std::vector<uint8_t> num = {0x7F};
  BinaryReader r(num);
  read_ref_type(r);
  ASSERT_TRUE(r.failed());
  EXPECT_EQ(r.error()->message, "malformed reference type 0x7f");
}

TEST(TypeReaders, BlockTypes) {
  std::vector<uint8_t> b = {0x40, 0x7F, 0x00, 0x3F, 0x80, 0x01, 0x63, 0x6E};
  BinaryReader r(b);
  EXPECT_EQ(read_block_type(r).kind, BlockType::Kind::Empty);
  BlockType v = read_block_type(r);
  EXPECT_EQ(v.kind, BlockType::Kind::Value);
  EXPECT_EQ(v.value, ValType::i32());
  BlockType t0 = read_block_type(r);
  EXPECT_EQ(t0.kind, BlockType::Kind::Index);
  EXPECT_EQ(t0.index, 0u);
  EXPECT_EQ(read_block_type(r).index, 63u);
  EXPECT_EQ(read_block_type(r).index, 128u);
  BlockType ref = read_block_type(r);
  EXPECT_EQ(ref.kind, BlockType::Kind::Value);
  EXPECT_EQ(ref.value, ValType::ref(HeapType::abstract(HeapKind::Any), true));
  EXPECT_FALSE(r.failed());
}

TEST(OperatorReader, Immediates) {
  Bytes code;
  code.raw({0x02, 0x40})                    // block
      .raw({0x03, 0x7F})                    // loop (result i32)
      .raw({0x04, 0x05})                    // if (type 5)
      .raw({0x0E, 0x02, 0x00, 0x01, 0x02})  // br_table 0 1 default 2
      .raw({0x11, 0x03, 0x01})              // call_indirect type 3 table 1
      .raw({0x28, 0x42, 0x02, 0x10})  // i32.load memory 2 align 2 offset 16
      .raw({0x41, 0x7F})              // i32.const -1
      .raw({0x42})
      .s64(INT64_MIN)                       // i64.const
      .raw({0x43, 0x00, 0x00, 0x80, 0x3F})  // f32.const 1.0
      .raw({0x1C, 0x01, 0x7C})              // select (result f64)
      .raw({0xD0, 0x6E})                    // ref.null any
      .raw({0x1F, 0x40, 0x02, 0x00, 0x07, 0x01, 0x03, 0x03})  // try_table
      .raw({0xFC, 0x08, 0x04, 0x01})  // memory.init data 4 memory 1
      .raw({0xFB, 0x02, 0x06, 0x01})  // struct.get type 6 field 1
      .raw({0xFB, 0x18, 0x03, 0x00, 0x6E,
            0x07})              // br_on_cast 0 anyref (ref null 7)
      .raw({0xFD, 0x15, 0x0F})  // i8x16.extract_lane_s 15
      .raw({0xFD, 0x54, 0x00, 0x08,
            0x03})        // v128.load8_lane align 0 offset 8 lane 3
      .raw({0xFD, 0x0D})  // i8x16.shuffle
      .raw({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31})
      .raw({0xFE, 0x03, 0x00})               // atomic.fence
      .raw({0x0B, 0x0B, 0x0B, 0x0B, 0x0B});  // try_table if loop block func
  std::string error;
  auto ops = read_all(code.v, &error);
  ASSERT_EQ(error, "");
  ASSERT_EQ(ops.size(), 24u);
  EXPECT_EQ(ops[0].op, Opcode::Block);
  EXPECT_EQ(ops[0].imm.block.kind, BlockType::Kind::Empty);
  EXPECT_EQ(ops[1].imm.block.value, ValType::i32());
  EXPECT_EQ(ops[2].imm.block.kind, BlockType::Kind::Index);
  EXPECT_EQ(ops[2].imm.block.index, 5u);
  EXPECT_EQ(ops[3].op, Opcode::BrTable);
  EXPECT_EQ(ops[3].imm.labels, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(ops[3].imm.index, 2u);
  EXPECT_EQ(ops[4].imm.index, 3u);
  EXPECT_EQ(ops[4].imm.index2, 1u);
  EXPECT_EQ(ops[5].imm.memarg.align, 2u);
  EXPECT_EQ(ops[5].imm.memarg.memory, 2u);
  EXPECT_EQ(ops[5].imm.memarg.offset, 16u);
  EXPECT_EQ(ops[6].imm.i32(), -1);
  EXPECT_EQ(ops[7].imm.i64(), INT64_MIN);
  EXPECT_EQ(ops[8].imm.f32_bits(), 0x3F800000u);
  EXPECT_EQ(ops[9].op, Opcode::SelectT);
  EXPECT_EQ(ops[9].imm.types, std::vector<ValType>{ValType::f64()});
  EXPECT_EQ(ops[10].imm.heap, HeapType::abstract(HeapKind::Any));
  EXPECT_EQ(ops[11].op, Opcode::TryTable);
  ASSERT_EQ(ops[11].imm.catches.size(), 2u);
  EXPECT_EQ(ops[11].imm.catches[0].kind, CatchKind::Catch);
  EXPECT_EQ(ops[11].imm.catches[0].tag, 7u);
  EXPECT_EQ(ops[11].imm.catches[0].label, 1u);
  EXPECT_EQ(ops[11].imm.catches[1].kind, CatchKind::CatchAllRef);
  EXPECT_EQ(ops[11].imm.catches[1].label, 3u);
  EXPECT_EQ(ops[12].op, Opcode::MemoryInit);
  EXPECT_EQ(ops[12].imm.index, 4u);
  EXPECT_EQ(ops[12].imm.index2, 1u);
  EXPECT_EQ(ops[13].imm.index, 6u);
  EXPECT_EQ(ops[13].imm.index2, 1u);
  EXPECT_EQ(ops[14].op, Opcode::BrOnCast);
  EXPECT_TRUE(ops[14].imm.null);
  EXPECT_TRUE(ops[14].imm.null2);
  EXPECT_EQ(ops[14].imm.heap, HeapType::abstract(HeapKind::Any));
  EXPECT_EQ(ops[14].imm.heap2, HeapType::concrete(7));
  EXPECT_EQ(ops[15].imm.lane, 15);
  EXPECT_EQ(ops[16].imm.memarg.offset, 8u);
  EXPECT_EQ(ops[16].imm.lane, 3);
  EXPECT_EQ(ops[17].op, Opcode::I8x16Shuffle);
  EXPECT_EQ(ops[17].imm.bytes[15], 31);
  EXPECT_EQ(ops[18].op, Opcode::AtomicFence);
  EXPECT_EQ(ops[23].op, Opcode::End);
  EXPECT_EQ(ops[3].offset, 6u);

  // skip_immediates consumes exactly what read_immediates does.
  BinaryReader skip(code.v);
  size_t n = 0;
  while (!skip.at_end() && !skip.failed()) {
    auto op = read_opcode(skip);
    ASSERT_TRUE(op.has_value());
    skip_immediates(skip, opcode_info(*op).imm);
    ++n;
    if (n < ops.size()) {
      EXPECT_EQ(skip.offset(), ops[n].offset);
    }
  }
  EXPECT_EQ(n, ops.size());
  EXPECT_FALSE(skip.failed());
}

TEST(OperatorReader, Depth) {
  std::vector<uint8_t> code = {0x02, 0x40, 0x0B, 0x0B};
  OperatorReader r(code, ByteRange{0, 4});
  Operator op;
  EXPECT_EQ(r.depth(), 1u);
  ASSERT_TRUE(r.next(op));
  EXPECT_EQ(r.depth(), 2u);
  ASSERT_TRUE(r.next(op));
  ASSERT_TRUE(r.next(op));
  EXPECT_EQ(r.depth(), 0u);
  EXPECT_FALSE(r.next(op));
  EXPECT_FALSE(r.failed());
}

TEST(OperatorReader, Errors) {
  std::string error;
  read_all({0xFF}, &error);
  EXPECT_EQ(error, "illegal opcode ff");
  read_all({0xFB, 0x7F}, &error);
  EXPECT_EQ(error, "illegal opcode fb 7f");
  read_all({0x28, 0x80, 0x01, 0x00}, &error);
  EXPECT_EQ(error, "malformed memop flags");
  read_all({0xFB, 0x18, 0x04, 0x00, 0x6E, 0x6E}, &error);
  EXPECT_EQ(error, "malformed br_on_cast flags");
  read_all({0x1F, 0x40, 0x01, 0x04, 0x00}, &error);
  EXPECT_EQ(error, "malformed catch clause");
  read_all({0x41, 0x80, 0x80, 0x80, 0x80, 0x70}, &error);
  EXPECT_EQ(error, "integer too large");
  read_all({0x0E, 0x05, 0x00}, &error);
  EXPECT_EQ(error, "length out of bounds");
  read_all({0x44, 0x00, 0x00}, &error);
  EXPECT_EQ(error, "unexpected end");
}

TEST(OperatorReader, FunctionBody) {
  // A module whose body declares locals: the reader starts after them.
  Bytes m = test::header();
  test::section(m, 1, Bytes{0x01, 0x60, 0x00, 0x00});
  test::section(m, 3, Bytes{0x01, 0x00});
  test::section(
      m, 10, Bytes{0x01, 0x08, 0x02, 0x02, 0x7F, 0x01, 0x7C, 0x20, 0x02, 0x0B});
  auto mod = test::decode(m);
  ASSERT_TRUE(mod.ok()) << mod.error().message;
  OperatorReader r(*mod, mod->bodies[0]);
  ASSERT_EQ(r.locals().size(), 2u);
  EXPECT_EQ(r.locals()[0].count, 2u);
  EXPECT_EQ(r.locals()[1].type, ValType::f64());
  Operator op;
  ASSERT_TRUE(r.next(op));
  EXPECT_EQ(op.op, Opcode::LocalGet);
  EXPECT_EQ(op.imm.index, 2u);
  ASSERT_TRUE(r.next(op));
  EXPECT_EQ(op.op, Opcode::End);
  EXPECT_FALSE(r.next(op));
  EXPECT_FALSE(r.failed());
  EXPECT_EQ(r.depth(), 0u);
}

}  // namespace
}  // namespace heron
