// DWARF call-frame information for JIT code: a CIE and one FDE per function,
// in .eh_frame format, so that the runtime can hand it to
// `__register_frame` and debuggers, profilers and the C++ unwinder walk
// through wasm frames. Heron's frames are always
//   push rbp; mov rbp, rsp; push <callee-saved>...; sub rsp, N
// and one epilogue at the end: lea rsp,[rbp-saves]; pop...; pop rbp; ret.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace heron::x64 {

// The frame events the emitter recorded, as code offsets just after the
// instruction that caused them.
struct FrameLayout {
  uint32_t after_push_rbp = 0;
  uint32_t after_mov_rbp = 0;
  // (code offset after the push, DWARF register number), in push order.
  std::vector<std::pair<uint32_t, uint8_t>> saves;
  uint32_t epilogue_after_pop_rbp = 0;  // 0 if no epilogue
  uint32_t code_size = 0;
};

struct UnwindInfo {
  // CIE + FDE + 4-byte zero terminator. The FDE's pc_begin (8 bytes,
  // absolute) must be patched with the function's load address.
  std::vector<uint8_t> eh_frame;
  uint32_t pc_begin_offset = 0;  // where pc_begin sits in eh_frame
};

// DWARF register number of an x86-64 GPR given by hardware encoding.
uint8_t dwarf_gpr(unsigned hw);

UnwindInfo encode_unwind_info(const FrameLayout& layout);

}  // namespace heron::x64
