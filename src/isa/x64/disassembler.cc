// Zydis-backed disassembly of x86-64 machine code into Intel syntax.
//
// libZydis is dlopen()ed on the first disassembly rather than linked: only
// `heron explore` and tests read machine code, and a linked library is
// loaded and relocated at every start of every heron process (about 0.07 ms
// and 14 page faults of `heron run`'s time to main). The one function used
// keeps its header's type, so a signature change breaks the build.
#include "isa/x64/disassembler.h"

#include <Zydis/Zydis.h>
#include <dlfcn.h>

#include <algorithm>
#include <cstdio>

#ifndef HERON_ZYDIS_SONAME
#error "HERON_ZYDIS_SONAME: libZydis's soname (CMakeLists.txt sets it)"
#endif

namespace heron::x64 {
namespace {

struct Zydis {
  decltype(&ZydisDisassembleIntel) disassemble_intel = nullptr;
  std::string error;  // why disassemble_intel is null
};

const Zydis& zydis() {
  static const Zydis loaded = [] {
    Zydis z;
    void* lib = dlopen(HERON_ZYDIS_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib) {
      z.disassemble_intel = reinterpret_cast<decltype(&ZydisDisassembleIntel)>(
          dlsym(lib, "ZydisDisassembleIntel"));
    }
    if (!z.disassemble_intel) z.error = dlerror();
    return z;
  }();
  return loaded;
}

}  // namespace

std::vector<DisasmLine> disassemble(const uint8_t* code, size_t size,
                                    uint64_t base_address) {
  std::vector<DisasmLine> lines;
  const Zydis& z = zydis();
  if (!z.disassemble_intel) {
    if (size > 0)
      lines.push_back({0, 0, "(cannot disassemble: " + z.error + ")"});
    return lines;
  }
  size_t off = 0;
  while (off < size) {
    ZydisDisassembledInstruction insn;
    if (ZYAN_SUCCESS(z.disassemble_intel(ZYDIS_MACHINE_MODE_LONG_64,
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
