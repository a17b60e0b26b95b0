// Test helper: the protections /proc/self/maps reports for an address range.
#pragma once

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace heron::testing {

struct MapEntry {
  uintptr_t start, end;
  std::string perms;  // "rwxp"-style
};

// Every mapping overlapping [start, end).
inline std::vector<MapEntry> mappings_overlapping(uintptr_t start,
                                                  uintptr_t end) {
  std::vector<MapEntry> out;
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    unsigned long s = 0, e = 0;
    char perms[8] = {};
    if (std::sscanf(line.c_str(), "%lx-%lx %7s", &s, &e, perms) != 3) continue;
    if (s < end && e > start) out.push_back({s, e, perms});
  }
  return out;
}

}  // namespace heron::testing
