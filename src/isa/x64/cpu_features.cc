// cpuid-based detection of the extensions in cpu_features.h.
#include "isa/x64/cpu_features.h"

#include <cpuid.h>

namespace heron::x64 {
namespace {

CpuFeatures detect() {
  CpuFeatures f;
  unsigned eax, ebx, ecx, edx;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx)) {
    f.sse41 = (ecx >> 19) & 1;
    f.popcnt = (ecx >> 23) & 1;
  }
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) f.bmi1 = (ebx >> 3) & 1;
  if (__get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx)) f.lzcnt = (ecx >> 5) & 1;
  return f;
}

}  // namespace

const CpuFeatures& host_cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

}  // namespace heron::x64
