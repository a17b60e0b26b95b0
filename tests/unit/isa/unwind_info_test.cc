// DWARF CFI for Heron frames: exact bytes for a small frame, and a small
// reader that runs the CFA program and checks the unwind rule at every
// point of a frame with callee-saved registers.
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "isa/x64/regs.h"
#include "isa/x64/unwind_info.h"

namespace heron::x64 {
namespace {

uint32_t u32(const std::vector<uint8_t>& b, size_t at) {
  uint32_t v;
  std::memcpy(&v, b.data() + at, 4);
  return v;
}
uint64_t uleb(const std::vector<uint8_t>& b, size_t& at) {
  uint64_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    uint8_t x = b[at++];
    v |= uint64_t(x & 0x7f) << shift;
    if (!(x & 0x80)) return v;
  }
}

// The unwind rule at one code offset.
struct Rule {
  unsigned cfa_reg = 7;
  int64_t cfa_off = 8;
  std::map<unsigned, int64_t> saved;  // DWARF reg -> CFA-relative offset
};

// Runs the CIE's then the FDE's instructions up to `pc`.
Rule rule_at(const UnwindInfo& info, uint32_t pc, uint64_t* pc_range) {
  const auto& b = info.eh_frame;
  Rule r;
  const int64_t data_align = -8;
  auto run = [&](size_t at, size_t end, bool stop_at_pc) {
    uint64_t loc = 0;
    while (at < end) {
      uint8_t op = b[at++];
      if ((op & 0xc0) == 0x40) {
        loc += op & 0x3f;
        if (stop_at_pc && loc > pc) return;
      } else if ((op & 0xc0) == 0x80) {
        r.saved[op & 0x3f] = int64_t(uleb(b, at)) * data_align;
      } else if (op == 0x02) {
        loc += b[at++];
        if (stop_at_pc && loc > pc) return;
      } else if (op == 0x03) {
        loc += uint64_t(b[at]) | uint64_t(b[at + 1]) << 8;
        at += 2;
        if (stop_at_pc && loc > pc) return;
      } else if (op == 0x0c) {
        r.cfa_reg = unsigned(uleb(b, at));
        r.cfa_off = int64_t(uleb(b, at));
      } else if (op == 0x0d) {
        r.cfa_reg = unsigned(uleb(b, at));
      } else if (op == 0x0e) {
        r.cfa_off = int64_t(uleb(b, at));
      } else if (op == 0x00) {
      } else {
        ADD_FAILURE() << "unknown CFA op " << int(op);
        return;
      }
    }
  };
  // CIE: length, id 0, version 1, "zR", caf 1, daf -8, ra 16, aug len 1,
  // encoding, then instructions.
  const uint32_t cie_len = u32(b, 0);
  EXPECT_EQ(u32(b, 4), 0u);
  EXPECT_EQ(b[8], 1);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&b[9])), "zR");
  size_t at = 12;
  EXPECT_EQ(uleb(b, at), 1u);
  EXPECT_EQ(b[at++], 0x78);  // SLEB -8
  EXPECT_EQ(uleb(b, at), 16u);
  EXPECT_EQ(uleb(b, at), 1u);
  EXPECT_EQ(b[at++], 0x00);
  run(at, 4 + cie_len, false);
  const size_t fde = 4 + cie_len;
  const uint32_t fde_len = u32(b, fde);
  EXPECT_EQ(u32(b, fde + 4), fde + 4);  // back to the CIE at offset 0
  EXPECT_EQ(info.pc_begin_offset, fde + 8);
  uint64_t range;
  std::memcpy(&range, b.data() + fde + 16, 8);
  *pc_range = range;
  at = fde + 24;
  EXPECT_EQ(uleb(b, at), 0u);
  run(at, fde + 4 + fde_len, true);
  EXPECT_EQ(u32(b, fde + 4 + fde_len), 0u);  // terminator
  EXPECT_EQ(b.size(), fde + 8 + fde_len);
  return r;
}

TEST(X64UnwindInfo, SimpleFrameBytes) {
  FrameLayout l;
  l.after_push_rbp = 1;
  l.after_mov_rbp = 4;
  l.epilogue_after_pop_rbp = 9;
  l.code_size = 10;
  UnwindInfo info = encode_unwind_info(l);
  const std::vector<uint8_t> expect = {
      // CIE: length 20, id 0, v1, "zR", 1, -8, 16, aug 1, absptr,
      // def_cfa rsp+8, offset ra cfa-8, padding.
      0x14, 0, 0, 0, 0, 0, 0, 0, 0x01, 'z', 'R', 0, 0x01, 0x78, 0x10, 0x01,
      0x00, 0x0c, 0x07, 0x08, 0x90, 0x01, 0x00, 0x00,
      // FDE: length 36, CIE pointer 28, pc_begin 0, pc_range 10, aug 0,
      // adv 1, def_cfa_offset 16, offset rbp cfa-16, adv 3,
      // def_cfa_register rbp, adv 5, def_cfa rsp+8, padding.
      0x24, 0, 0, 0, 0x1c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0,
      0, 0, 0x00, 0x41, 0x0e, 0x10, 0x86, 0x02, 0x43, 0x0d, 0x06, 0x45, 0x0c,
      0x07, 0x08, 0x00, 0x00, 0x00,
      // terminator
      0, 0, 0, 0};
  EXPECT_EQ(info.eh_frame, expect);
  EXPECT_EQ(info.pc_begin_offset, 32u);
}

TEST(X64UnwindInfo, RulesThroughAFrameWithSaves) {
  FrameLayout l;
  l.after_push_rbp = 1;
  l.after_mov_rbp = 4;
  l.saves = {{5, dwarf_gpr(RBX)}, {7, dwarf_gpr(R12)}};
  l.epilogue_after_pop_rbp = 300;  // exercises advance_loc2
  l.code_size = 301;
  UnwindInfo info = encode_unwind_info(l);
  uint64_t range = 0;
  Rule r = rule_at(info, 0, &range);
  EXPECT_EQ(range, 301u);
  EXPECT_EQ(r.cfa_reg, 7u);
  EXPECT_EQ(r.cfa_off, 8);
  EXPECT_EQ(r.saved[16], -8);
  r = rule_at(info, 1, &range);
  EXPECT_EQ(r.cfa_off, 16);
  EXPECT_EQ(r.saved[6], -16);
  r = rule_at(info, 6, &range);
  EXPECT_EQ(r.cfa_reg, 6u);
  EXPECT_EQ(r.cfa_off, 16);
  EXPECT_EQ(r.saved[3], -24);
  EXPECT_EQ(r.saved.count(12), 0u);
  r = rule_at(info, 200, &range);
  EXPECT_EQ(r.cfa_reg, 6u);
  EXPECT_EQ(r.saved[12], -32);
  r = rule_at(info, 300, &range);
  EXPECT_EQ(r.cfa_reg, 7u);
  EXPECT_EQ(r.cfa_off, 8);
}

TEST(X64UnwindInfo, DwarfRegisterNumbers) {
  EXPECT_EQ(dwarf_gpr(RAX), 0);
  EXPECT_EQ(dwarf_gpr(RDX), 1);
  EXPECT_EQ(dwarf_gpr(RCX), 2);
  EXPECT_EQ(dwarf_gpr(RBX), 3);
  EXPECT_EQ(dwarf_gpr(RBP), 6);
  EXPECT_EQ(dwarf_gpr(R15), 15);
}

}  // namespace
}  // namespace heron::x64
