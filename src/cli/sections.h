// A shallow walk over a binary module's section headers (id, size, where the
// payload lies), without decoding any contents. `inspect` prints it, and the
// truncation check uses it to know where a prefix of a module may legitimately
// be a complete module (a cut exactly between two sections).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace heron::cli {

struct SectionHeader {
  uint8_t id = 0;
  uint64_t offset = 0;          // of the id byte
  uint64_t payload_offset = 0;  // first byte after the size
  uint64_t size = 0;            // payload size
  std::string custom_name;      // custom sections, when readable
  uint64_t end() const { return payload_offset + size; }
};

struct SectionWalk {
  bool header_ok = false;               // magic and version 1 present
  std::vector<SectionHeader> sections;  // those that fit entirely
  bool complete = false;                // the last section ends at the end
};

SectionWalk walk_sections(std::span<const uint8_t> bytes);

// "type", "import", ... or "unknown".
const char* section_name(uint8_t id);

}  // namespace heron::cli
