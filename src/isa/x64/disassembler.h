// Disassembler for generated code (Zydis, Intel syntax): golden tests,
// `heron explore` and trap debugging read machine code through it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace heron::x64 {

struct DisasmLine {
  uint32_t offset;
  uint32_t length;
  std::string text;  // e.g. "add rax, rcx"
};

// Decodes `code` from the start; undecodable bytes become "(bad)" lines of
// one byte, so the output always covers the whole buffer. When libZydis
// cannot be loaded (it is loaded on first use), the result is one line of
// length 0 saying "(cannot disassemble: REASON)".
std::vector<DisasmLine> disassemble(const uint8_t* code, size_t size,
                                    uint64_t base_address = 0);

// "  0004: 48 01 c8                add rax, rcx\n" per line.
std::string disassemble_to_text(const uint8_t* code, size_t size);

}  // namespace heron::x64
