// Encoder byte tables: machine instructions on physical registers, the
// bytes asmjit emits for them, and Zydis' disassembly of those bytes.
#include <gtest/gtest.h>

#include <string>

#include "isa/x64/disassembler.h"
#include "isa/x64/emit.h"

namespace heron::x64 {
namespace {

Reg G(Gpr g) { return Reg::gpr(g); }
Reg X(unsigned x) { return Reg::xmm(x); }

std::string hex(const std::vector<uint8_t>& b) {
  std::string s;
  for (uint8_t x : b) {
    char t[3];
    std::snprintf(t, sizeof t, "%02X", x);
    s += t;
  }
  return s;
}

MInst with(MInst i, Op op, uint8_t sub, uint8_t size) {
  i.op = op;
  i.sub = sub;
  i.size = size;
  return i;
}

struct Case {
  MInst inst;
  const char* bytes;
  const char* text;  // joined with "; " when several instructions
};

TEST(X64Encoding, ByteTable) {
  MInst lz;
  lz.dst = G(RAX);
  lz.src1 = G(RCX);
  MInst rnd;
  rnd.op = Op::XmmRound;
  rnd.dst = X(0);
  rnd.src1 = X(1);
  rnd.imm = 9;
  rnd.size = 8;
  MInst cvt;
  cvt.op = Op::CvtFToInt;
  cvt.dst = G(RAX);
  cvt.src1 = X(0);
  cvt.size = 8;
  cvt.size2 = 8;
  MInst movq;
  movq.op = Op::MovGprToXmm;
  movq.dst = X(0);
  movq.src1 = G(RAX);
  movq.size = 8;
  MInst spill;
  spill.op = Op::SpillStore;
  spill.src1 = G(R12);
  spill.index = 1;
  const Case cases[] = {
      {inst::alu(AluOp::Add, G(RAX), G(RCX)), "4801C8", "add rax, rcx"},
      {inst::alu(AluOp::Sub, G(R9), G(RDX), 4), "4129D1", "sub r9d, edx"},
      {inst::mov(G(R12), G(RAX), 4), "4189C4", "mov r12d, eax"},
      {inst::alu_imm(AluOp::Imul, G(RBX), 1000), "4869DBE8030000",
       "imul rbx, rbx, 0x3E8"},
      {inst::shift_cl(ShiftOp::Shl, G(RDX), G(RCX)), "48D3E2", "shl rdx, cl"},
      {inst::shift_imm(ShiftOp::Sar, G(RSI), 3, 4), "C1FE03", "sar esi, 0x03"},
      {inst::load(G(RAX), Amode{G(RBX), G(RCX), 3, 16}, 8), "488B44CB10",
       "mov rax, [rbx+rcx*8+0x10]"},
      {inst::load(G(RDX), Amode{G(RSI), Reg(), 0, 0}, 1, true, 4), "0FBE16",
       "movsx edx, byte ptr [rsi]"},
      {inst::store(G(RAX), Amode{G(R13), Reg(), 0, 0}, 2), "6641894500",
       "mov [r13], ax"},
      {inst::lea(G(RAX), Amode{G(RDI), G(RSI), 2, 8}), "488D44B708",
       "lea rax, [rdi+rsi*4+0x08]"},
      {inst::setcc(Cond::E, G(RSI)), "400F94C6400FB6F6",
       "setz sil; movzx esi, sil"},
      {inst::div(true, G(RAX), G(RDX), G(RAX), G(RDX), G(RCX)), "48F7F9",
       "idiv rcx"},
      {with(lz, Op::BitCount, uint8_t(BitOp::Lzcnt), 8), "F3480FBDC1",
       "lzcnt rax, rcx"},
      {with(lz, Op::BitCount, uint8_t(BitOp::Popcnt), 4), "F30FB8C1",
       "popcnt eax, ecx"},
      {inst::xmm_alu(XmmOp::Add, X(1), X(2), 8), "F20F58CA",
       "addsd xmm1, xmm2"},
      {inst::xmm_alu(XmmOp::Sqrt, X(9), X(3), 4), "F3440F51CB",
       "sqrtss xmm9, xmm3"},
      {rnd, "660F3A0BC109", "roundsd xmm0, xmm1, 0x09"},
      {cvt, "F2480F2CC0", "cvttsd2si rax, xmm0"},
      {movq, "66480F6EC0", "movq xmm0, rax"},
      {inst::mov_imm(G(R10), -1), "49C7C2FFFFFFFF",
       "mov r10, 0xFFFFFFFFFFFFFFFF"},
      {inst::mov_imm(G(RAX), 0x123456789), "48B88967452301000000",
       "mov rax, 0x123456789"},
  };
  for (const Case& c : cases) {
    auto bytes = encode_instructions({c.inst});
    ASSERT_TRUE(bytes.ok()) << bytes.error().message;
    EXPECT_EQ(hex(*bytes), c.bytes) << c.text;
    std::string text;
    for (const DisasmLine& l : disassemble(bytes->data(), bytes->size())) {
      if (!text.empty()) text += "; ";
      text += l.text;
    }
    EXPECT_EQ(text, c.text);
  }
}

TEST(X64Encoding, SpillSlotsAreRbpRelative) {
  MInst spill;
  spill.op = Op::SpillStore;
  spill.src1 = G(R12);
  spill.index = 1;
  auto bytes = encode_instructions({spill});
  ASSERT_TRUE(bytes.ok());
  // No callee-saved pushes in this frame: slot 1 is [rbp-16].
  EXPECT_EQ(disassemble(bytes->data(), bytes->size())[0].text,
            "mov [rbp-0x10], r12");
}

TEST(X64Disassembler, TextWithOffsetsAndBadBytes) {
  const uint8_t code[] = {0x55, 0x48, 0x89, 0xE5, 0x06, 0xC3};
  EXPECT_EQ(disassemble_to_text(code, sizeof code),
            "  0000: 55                      push rbp\n"
            "  0001: 48 89 e5                mov rbp, rsp\n"
            "  0004: 06                      (bad)\n"
            "  0005: c3                      ret\n");
}

TEST(X64Encoding, ControlFlowIsRejected) {
  EXPECT_FALSE(encode_instructions({inst::jmp(0)}).ok());
}

}  // namespace
}  // namespace heron::x64
