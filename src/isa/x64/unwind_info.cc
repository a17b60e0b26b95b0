// Encoder of .eh_frame CFI (DWARF 4 "Call Frame Information", as extended by
// the LSB for .eh_frame) for Heron's fixed frame shape.
#include "isa/x64/unwind_info.h"

#include <cstring>

#include "support/leb128.h"

namespace heron::x64 {
namespace {

// DWARF call-frame instructions used here.
constexpr uint8_t kAdvanceLoc = 0x40;  // | delta (6 bits)
constexpr uint8_t kOffset = 0x80;      // | reg (6 bits), ULEB offset
constexpr uint8_t kNop = 0x00;
constexpr uint8_t kAdvanceLoc1 = 0x02;
constexpr uint8_t kAdvanceLoc2 = 0x03;
constexpr uint8_t kAdvanceLoc4 = 0x04;
constexpr uint8_t kDefCfa = 0x0c;
constexpr uint8_t kDefCfaRegister = 0x0d;
constexpr uint8_t kDefCfaOffset = 0x0e;
constexpr uint8_t kDwarfRsp = 7, kDwarfRbp = 6, kDwarfRa = 16;

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; i++) out.push_back(uint8_t(v >> (8 * i)));
}
void put_u64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; i++) out.push_back(uint8_t(v >> (8 * i)));
}
void patch_u32(std::vector<uint8_t>& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; i++) out[at + size_t(i)] = uint8_t(v >> (8 * i));
}
void pad_to_8(std::vector<uint8_t>& out, size_t entry_start) {
  while ((out.size() - entry_start) % 8 != 0) out.push_back(kNop);
}

class CfaProgram {
 public:
  explicit CfaProgram(std::vector<uint8_t>& out) : out_(out) {}
  void advance_to(uint32_t offset) {
    uint32_t d = offset - loc_;
    loc_ = offset;
    if (d == 0) return;
    if (d < 64) {
      out_.push_back(uint8_t(kAdvanceLoc | d));
    } else if (d <= 0xff) {
      out_.push_back(kAdvanceLoc1);
      out_.push_back(uint8_t(d));
    } else if (d <= 0xffff) {
      out_.push_back(kAdvanceLoc2);
      out_.push_back(uint8_t(d));
      out_.push_back(uint8_t(d >> 8));
    } else {
      out_.push_back(kAdvanceLoc4);
      put_u32(out_, d);
    }
  }

 private:
  std::vector<uint8_t>& out_;
  uint32_t loc_ = 0;
};

}  // namespace

uint8_t dwarf_gpr(unsigned hw) {
  static constexpr uint8_t kMap[16] = {0, 2, 1,  3,  7,  6,  4,  5,
                                       8, 9, 10, 11, 12, 13, 14, 15};
  return kMap[hw & 15];
}

UnwindInfo encode_unwind_info(const FrameLayout& layout) {
  UnwindInfo info;
  std::vector<uint8_t>& out = info.eh_frame;
  // CIE and FDE of a frame with a few saves fit; saves one regrowth each.
  out.reserve(96 + 4 * layout.saves.size());
  // ---- CIE
  const size_t cie = out.size();
  put_u32(out, 0);   // length, patched
  put_u32(out, 0);   // CIE id
  out.push_back(1);  // version
  const char aug[] = "zR";
  out.insert(out.end(), aug, aug + sizeof(aug));
  append_uleb128(out, 1);         // code alignment factor
  append_sleb128(out, -8);        // data alignment factor
  append_uleb128(out, kDwarfRa);  // return address column
  append_uleb128(out, 1);         // augmentation data length
  out.push_back(0x00);            // FDE pointer encoding: DW_EH_PE_absptr
  // At entry: CFA = rsp + 8, return address at CFA - 8.
  out.push_back(kDefCfa);
  append_uleb128(out, kDwarfRsp);
  append_uleb128(out, 8);
  out.push_back(uint8_t(kOffset | kDwarfRa));
  append_uleb128(out, 1);
  pad_to_8(out, cie);
  patch_u32(out, cie, uint32_t(out.size() - cie - 4));

  // ---- FDE
  const size_t fde = out.size();
  put_u32(out, 0);                           // length, patched
  put_u32(out, uint32_t(out.size() - cie));  // CIE pointer (backwards)
  info.pc_begin_offset = uint32_t(out.size());
  put_u64(out, 0);  // pc_begin, patched at load time
  put_u64(out, layout.code_size);
  append_uleb128(out, 0);  // augmentation data length
  CfaProgram prog(out);
  prog.advance_to(layout.after_push_rbp);
  out.push_back(kDefCfaOffset);
  append_uleb128(out, 16);
  out.push_back(uint8_t(kOffset | kDwarfRbp));
  append_uleb128(out, 2);
  prog.advance_to(layout.after_mov_rbp);
  out.push_back(kDefCfaRegister);
  append_uleb128(out, kDwarfRbp);
  uint32_t slot = 3;  // rbp is at CFA-16, the first save at CFA-24
  for (const auto& [offset, reg] : layout.saves) {
    prog.advance_to(offset);
    out.push_back(uint8_t(kOffset | reg));
    append_uleb128(out, slot++);
  }
  if (layout.epilogue_after_pop_rbp != 0) {
    prog.advance_to(layout.epilogue_after_pop_rbp);
    out.push_back(kDefCfa);
    append_uleb128(out, kDwarfRsp);
    append_uleb128(out, 8);
  }
  pad_to_8(out, fde);
  patch_u32(out, fde, uint32_t(out.size() - fde - 4));
  put_u32(out, 0);  // terminator
  return info;
}

}  // namespace heron::x64
