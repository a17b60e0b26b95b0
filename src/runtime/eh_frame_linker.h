// Links the unwind info of a module's functions into one .eh_frame section
// that lives in the code region itself, right after the code, and needs no
// patching wherever the region is mapped.
//
// The backend encodes each function as a CIE, an FDE with an absolute
// 8-byte pc_begin (DW_EH_PE_absptr) and a terminator (x64/unwind_info.h).
// Here every CIE is rewritten to say DW_EH_PE_pcrel | DW_EH_PE_sdata4, so
// each FDE's pc_begin becomes the 4-byte distance from the field to its
// function and pc_range 4 bytes: both are known once the region is laid
// out, and stay true when the region moves (the JIT's fresh memory, an
// artifact mapped from a file). The CIEs are all alike, so one is emitted
// and shared by the FDEs that follow it. libgcc's __register_frame then
// takes the section as one object (one per module: one per function makes
// deregistration quadratic in the function count).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "heron/error.h"
#include "isa/x64/unwind_info.h"

namespace heron {

class EhFrameLinker {
 public:
  // The section will start at region offset `section_offset` (after the
  // code, 8-aligned; fits an int32 displacement from every function).
  explicit EhFrameLinker(uint64_t section_offset)
      : section_offset_(section_offset) {}

  // Appends the unwind info of the function at region offset
  // `function_offset`, `function_size` bytes long. Internal error if the
  // backend's encoding is not the one this expects.
  Result<void> add(const x64::UnwindInfo& unwind, uint64_t function_offset,
                   uint64_t function_size);

  // The section, with its zero terminator (empty if nothing was added).
  std::vector<uint8_t> finish();

  size_t size() const { return out_.size(); }

 private:
  uint64_t section_offset_;
  std::vector<uint8_t> out_;
  size_t cie_at_ = 0;  // the CIE emitted last (valid when cie_size_ != 0)
  size_t cie_size_ = 0;
};

}  // namespace heron
