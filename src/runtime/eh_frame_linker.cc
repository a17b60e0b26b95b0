// One position-independent .eh_frame per module (see eh_frame_linker.h).
#include "runtime/eh_frame_linker.h"

#include <cstring>
#include <string>

namespace heron {

namespace {

constexpr uint8_t kPcrelSdata4 = 0x1b;  // DW_EH_PE_pcrel | DW_EH_PE_sdata4
constexpr uint8_t kAbsptr = 0x00;

uint32_t get_u32(const std::vector<uint8_t>& v, size_t at) {
  uint32_t x;
  std::memcpy(&x, v.data() + at, 4);
  return x;
}

void put_u32(std::vector<uint8_t>& v, size_t at, uint32_t x) {
  std::memcpy(v.data() + at, &x, 4);
}

// Skips one LEB128 number; false past `end`.
bool skip_leb(const std::vector<uint8_t>& v, size_t& at, size_t end) {
  while (at < end) {
    if (!(v[at++] & 0x80)) return true;
  }
  return false;
}

Error unexpected(const char* what) {
  return Error(ErrorKind::Internal,
               std::string("unexpected unwind info: ") + what);
}

}  // namespace

Result<void> EhFrameLinker::add(const x64::UnwindInfo& unwind,
                                uint64_t function_offset,
                                uint64_t function_size) {
  const std::vector<uint8_t>& in = unwind.eh_frame;
  if (in.empty()) return {};
  // CIE: length, id 0, version 1, "zR", code and data alignment, return
  // register, augmentation length 1, the FDE pointer encoding.
  if (in.size() < 4) return unexpected("no CIE");
  const size_t cie_end = 4 + size_t(get_u32(in, 0));
  if (cie_end + 4 > in.size() || get_u32(in, 4) != 0 || in[8] != 1 ||
      std::memcmp(in.data() + 9, "zR", 3) != 0)
    return unexpected("CIE");
  size_t at = 12;
  if (!skip_leb(in, at, cie_end) || !skip_leb(in, at, cie_end) ||
      !skip_leb(in, at, cie_end) || at + 2 > cie_end || in[at] != 1 ||
      in[at + 1] != kAbsptr)
    return unexpected("CIE augmentation");
  const size_t encoding_at = at + 1;

  // FDE: length, CIE pointer, pc_begin (8), pc_range (8), augmentation
  // length 0, instructions; then the terminator.
  const size_t fde = cie_end;
  const size_t fde_end = fde + 4 + size_t(get_u32(in, fde));
  if (fde_end + 4 != in.size() || fde + 25 > fde_end ||
      unwind.pc_begin_offset != fde + 8 || in[fde + 24] != 0)
    return unexpected("FDE");

  // The CIE, with the pc-relative encoding; shared while it stays the same.
  std::vector<uint8_t> cie(in.begin(), in.begin() + ptrdiff_t(cie_end));
  cie[encoding_at] = kPcrelSdata4;
  if (cie_size_ != cie.size() ||
      std::memcmp(out_.data() + cie_at_, cie.data(), cie.size()) != 0) {
    cie_at_ = out_.size();
    cie_size_ = cie.size();
    out_.insert(out_.end(), cie.begin(), cie.end());
  }

  const size_t entry = out_.size();
  out_.resize(entry + 17);
  put_u32(out_, entry + 4, uint32_t(entry + 4 - cie_at_));  // CIE pointer
  const int64_t pc_begin =
      int64_t(function_offset) - int64_t(section_offset_ + entry + 8);
  if (pc_begin < INT32_MIN || pc_begin > INT32_MAX ||
      function_size > UINT32_MAX)
    return Error(ErrorKind::Limit, "code region too large for its unwind info");
  put_u32(out_, entry + 8, uint32_t(int32_t(pc_begin)));
  put_u32(out_, entry + 12, uint32_t(function_size));
  out_[entry + 16] = 0;  // augmentation data length
  out_.insert(out_.end(), in.begin() + ptrdiff_t(fde + 25),
              in.begin() + ptrdiff_t(fde_end));
  while ((out_.size() - entry) % 8 != 0) out_.push_back(0);  // DW_CFA_nop
  put_u32(out_, entry, uint32_t(out_.size() - entry - 4));
  return {};
}

std::vector<uint8_t> EhFrameLinker::finish() {
  if (!out_.empty()) out_.insert(out_.end(), 4, 0);
  return std::move(out_);
}

}  // namespace heron
