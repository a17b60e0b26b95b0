// x86-64 registers as the machine layer sees them: one 32-bit `Reg` names
// either a physical register (GPR or XMM, by hardware encoding) or a virtual
// register that the register allocator later maps to one. The System V ABI
// register sets (arguments, returns, caller-/callee-saved) live here because
// instruction operand constraints, the allocator and the emitter all read them.
#pragma once

#include <cstdint>

namespace heron::x64 {

enum class RegClass : uint8_t { Gpr, Xmm };

// Hardware encodings of the 16 general-purpose registers.
enum Gpr : uint8_t {
  RAX,
  RCX,
  RDX,
  RBX,
  RSP,
  RBP,
  RSI,
  RDI,
  R8,
  R9,
  R10,
  R11,
  R12,
  R13,
  R14,
  R15,
};

struct Reg {
  // Encoding: 0..15 physical GPRs, 16..31 physical XMMs, 32.. virtual.
  static constexpr uint32_t kNumPhys = 32;
  static constexpr uint32_t kInvalid = UINT32_MAX;
  uint32_t bits = kInvalid;

  static constexpr Reg gpr(unsigned hw) { return Reg{hw}; }
  static constexpr Reg xmm(unsigned hw) { return Reg{16 + hw}; }
  static constexpr Reg phys(unsigned index) { return Reg{index}; }
  static constexpr Reg vreg(uint32_t index) { return Reg{kNumPhys + index}; }

  constexpr bool valid() const { return bits != kInvalid; }
  constexpr bool is_phys() const { return bits < kNumPhys; }
  constexpr bool is_virt() const { return valid() && bits >= kNumPhys; }
  constexpr uint32_t vindex() const { return bits - kNumPhys; }
  // Physical registers only.
  constexpr unsigned hw() const { return bits & 15; }
  constexpr RegClass phys_class() const {
    return bits < 16 ? RegClass::Gpr : RegClass::Xmm;
  }
  friend constexpr bool operator==(Reg a, Reg b) { return a.bits == b.bits; }
  friend constexpr bool operator!=(Reg a, Reg b) { return a.bits != b.bits; }
};

// A set of physical registers, bit i = Reg::phys(i).
using RegMask = uint32_t;
constexpr RegMask mask_of(Reg r) { return RegMask{1} << r.bits; }

// System V AMD64: all XMMs and these GPRs are clobbered by a call.
inline constexpr RegMask kCallerSavedGprs =
    (1u << RAX) | (1u << RCX) | (1u << RDX) | (1u << RSI) | (1u << RDI) |
    (1u << R8) | (1u << R9) | (1u << R10) | (1u << R11);
inline constexpr RegMask kCalleeSavedGprs =
    (1u << RBX) | (1u << R12) | (1u << R13) | (1u << R14) | (1u << R15);
inline constexpr RegMask kAllXmms = 0xFFFF0000u;
inline constexpr RegMask kCallClobbers = kCallerSavedGprs | kAllXmms;

// Reserved for the allocator's own moves (cycle breaking in parallel moves),
// the emitter's address materialisation and the prologue stack check; never
// allocated, so they can be used between any two instructions.
inline constexpr Reg kScratchGpr = Reg::gpr(R11);
inline constexpr Reg kScratchXmm = Reg::xmm(15);

inline constexpr Reg kArgGprs[6] = {Reg::gpr(RDI), Reg::gpr(RSI), Reg::gpr(RDX),
                                    Reg::gpr(RCX), Reg::gpr(R8),  Reg::gpr(R9)};
inline constexpr unsigned kNumArgXmms = 8;  // xmm0..xmm7
inline constexpr Reg kRetGpr = Reg::gpr(RAX);
inline constexpr Reg kRetXmm = Reg::xmm(0);

// Allocation order: caller-saved first, so that callee-saved registers (which
// cost a push/pop in the prologue/epilogue) are used only when needed, e.g.
// by values live across calls.
inline constexpr Reg kGprAllocOrder[] = {
    Reg::gpr(RAX), Reg::gpr(RCX), Reg::gpr(RDX), Reg::gpr(RSI), Reg::gpr(RDI),
    Reg::gpr(R8),  Reg::gpr(R9),  Reg::gpr(R10), Reg::gpr(RBX), Reg::gpr(R12),
    Reg::gpr(R13), Reg::gpr(R14), Reg::gpr(R15)};
inline constexpr unsigned kNumAllocXmms = 15;  // xmm0..xmm14

constexpr bool is_allocatable(Reg r) {
  if (!r.is_phys()) return false;
  if (r.phys_class() == RegClass::Xmm) return r != kScratchXmm;
  return r.hw() != RSP && r.hw() != RBP && r != kScratchGpr;
}

const char* reg_name(Reg r);  // "rax", "xmm3", "v12"

}  // namespace heron::x64
