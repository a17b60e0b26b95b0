// Zydis-backed disassembly of x86-64 machine code into Intel syntax.
#include "isa/x64/disassembler.h"

#include <Zydis/Zydis.h>

#include <algorithm>
#include <cstdio>

namespace heron::x64 {

std::vector<DisasmLine> disassemble(const uint8_t* code, size_t size,
                                    uint64_t base_address) {
  std::vector<DisasmLine> lines;
  size_t off = 0;
  while (off < size) {
    ZydisDisassembledInstruction insn;
    if (ZYAN_SUCCESS(ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64,
                                           base_address + off, code + off,
                                           size - off, &insn))) {
      lines.push_back({uint32_t(off), insn.info.length, insn.text});
      off += insn.info.length;
    } else {
      lines.push_back({uint32_t(off), 1, "(bad)"});
      off += 1;
    }
  }
  return lines;
}

std::string disassemble_to_text(const uint8_t* code, size_t size) {
  std::string out;
  for (const DisasmLine& l : disassemble(code, size)) {
    char head[64];
    std::snprintf(head, sizeof head, "  %04x: ", l.offset);
    out += head;
    std::string hex;
    for (uint32_t i = 0; i < l.length; i++) {
      char b[4];
      std::snprintf(b, sizeof b, "%02x ", code[l.offset + i]);
      hex += b;
    }
    hex.resize(std::max<size_t>(hex.size(), 24), ' ');
    out += hex + l.text + "\n";
  }
  return out;
}

}  // namespace heron::x64
