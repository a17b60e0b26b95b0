// The optional x86-64 instruction-set extensions the lowering uses, detected
// once with cpuid. Code compiled for one feature set must only run on CPUs
// that have it (the code cache keys on `feature_bits()`).
#pragma once

#include <cstdint>

namespace heron::x64 {

struct CpuFeatures {
  bool lzcnt = false;   // ABM: lzcnt (else bsr)
  bool bmi1 = false;    // tzcnt (else bsf)
  bool popcnt = false;  // popcnt (else a bit-twiddling sequence)
  bool sse41 = false;   // roundss/roundsd (else floor/ceil/... libcalls)

  uint32_t feature_bits() const {
    return uint32_t(lzcnt) | uint32_t(bmi1) << 1 | uint32_t(popcnt) << 2 |
           uint32_t(sse41) << 3;
  }
};

// The features of the CPU this process runs on (computed once).
const CpuFeatures& host_cpu_features();

}  // namespace heron::x64
