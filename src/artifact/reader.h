// Reading an artifact's header and sections (format.h), in the order the
// design note gives: identity (magic, versions), size, checksum, then the
// structure. Every refusal is an Error whose message says which check
// failed; nothing here trusts a byte it has not checked.
#pragma once

#include <cstdint>
#include <span>

#include "artifact/format.h"
#include "heron/error.h"

namespace heron::artifact {

struct ArtifactLayout {
  ArtifactHeader header;
  SectionEntry sections[kSectionCount];  // by SectionId - 1

  const SectionEntry& section(SectionId id) const {
    return sections[uint32_t(id) - 1];
  }
  uint64_t code_offset() const { return section(SectionId::Code).offset; }
  uint64_t code_size() const { return section(SectionId::Code).size; }
};

// Checks the identity and size of an artifact of `file_size` bytes whose
// first bytes are `head` (at least kSectionTableEnd of them, or the whole
// file if shorter), and that the code offset can be trusted enough to map
// (page-aligned, after the section table, the file ends at the code's last
// page). Refuses with Malformed (not an artifact, truncated, trailing
// bytes, broken section table) or Unsupported (another format or Heron
// version).
Result<ArtifactLayout> read_layout(std::span<const uint8_t> head,
                                   uint64_t file_size);

// The checksum of an artifact given as the bytes before the code (`meta`,
// code_offset() of them, starting with the header) and the code (`code`,
// code_size() bytes followed by the zero padding to the page).
uint32_t artifact_checksum(std::span<const uint8_t> meta,
                           std::span<const uint8_t> code);

// Malformed ("checksum mismatch") unless `computed` (artifact_checksum's)
// is the stored checksum.
Result<void> check_checksum(const ArtifactLayout& layout, uint32_t computed);

// Checks every section: in order, aligned, inside the file, a whole number
// of records. Malformed otherwise.
Result<void> check_sections(const ArtifactLayout& layout);

}  // namespace heron::artifact
