// Artifact header and section checks (see reader.h).
#include "artifact/reader.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "artifact/crc32c.h"
#include "artifact/version.h"

namespace heron::artifact {

namespace {

Error malformed(const std::string& what) {
  return Error(ErrorKind::Malformed, "malformed compiled module: " + what);
}

Error truncated(uint64_t have, uint64_t want) {
  return Error(ErrorKind::Malformed,
               "truncated compiled module: " + std::to_string(have) +
                   " bytes, expected " + std::to_string(want));
}

// The recorded version as text, for messages (printable ASCII only).
std::string version_text(const char (&field)[32]) {
  std::string out;
  for (char c : field) {
    if (c == '\0') break;
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

uint64_t align_up(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

// Names and bytes per record of the sections, in SectionId order.
constexpr const char* kSectionName[kSectionCount] = {
    "Wasm",  "FuncTypes", "Exports",    "ExportText",
    "Names", "NameText",  "Functions",  "AddressMap",
    "Traps", "Libcalls",  "CodeLayout", "Code"};
constexpr uint64_t kRecordSize[kSectionCount] = {1,  4, 16, 1,  12, 1,
                                                 24, 1, 8,  16, 24, 1};

}  // namespace

Result<ArtifactLayout> read_layout(std::span<const uint8_t> head,
                                   uint64_t file_size) {
  const size_t n = std::min<size_t>(head.size(), sizeof kMagic);
  if (n == 0 || std::memcmp(head.data(), kMagic, n) != 0)
    return Error(ErrorKind::Malformed,
                 "not a Heron compiled module (no .cwasm magic)");
  if (file_size < sizeof kMagic + 4 || head.size() < sizeof kMagic + 4)
    return truncated(file_size, kSectionTableEnd);

  uint32_t format_version;
  std::memcpy(&format_version,
              head.data() + offsetof(ArtifactHeader, format_version), 4);
  if (format_version != kFormatVersion)
    return Error(ErrorKind::Unsupported, "compiled module in artifact format " +
                                             std::to_string(format_version) +
                                             ", but this Heron reads format " +
                                             std::to_string(kFormatVersion) +
                                             ": compile it again");
  if (file_size < kSectionTableEnd || head.size() < kSectionTableEnd)
    return truncated(file_size, kSectionTableEnd);

  ArtifactLayout layout;
  std::memcpy(&layout.header, head.data(), sizeof layout.header);
  const ArtifactHeader& h = layout.header;
  if (h.header_size != sizeof(ArtifactHeader))
    return malformed("header size " + std::to_string(h.header_size));
  char ours[32] = {};
  std::strncpy(ours, heron_version(), sizeof ours - 1);
  if (std::memcmp(ours, h.heron_version, sizeof ours) != 0)
    return Error(ErrorKind::Unsupported,
                 "compiled module made by Heron " +
                     version_text(h.heron_version) + ", but this is Heron " +
                     heron_version() + ": compile it again");
  if (h.file_size > file_size) return truncated(file_size, h.file_size);
  if (h.file_size < file_size)
    return malformed(std::to_string(file_size - h.file_size) +
                     " trailing bytes after the module's " +
                     std::to_string(h.file_size));
  if (h.section_count != kSectionCount)
    return malformed("section count " + std::to_string(h.section_count));

  std::memcpy(layout.sections, head.data() + kSectionTableOffset,
              sizeof layout.sections);
  // Enough to map the code: the rest waits for the checksum.
  const SectionEntry& code = layout.section(SectionId::Code);
  if (code.id != uint32_t(SectionId::Code) || code.offset % kCodeAlignment ||
      code.offset < kSectionTableEnd || code.offset > file_size ||
      code.size > file_size - code.offset ||
      align_up(code.size, kCodeAlignment) != file_size - code.offset)
    return malformed("code section does not end the file on a page");
  return layout;
}

uint32_t artifact_checksum(std::span<const uint8_t> meta,
                           std::span<const uint8_t> code) {
  static constexpr uint8_t kZero[4] = {};
  uint32_t crc = crc32c(0, meta.first(kChecksumOffset));
  crc = crc32c(crc, kZero);
  crc = crc32c(crc, meta.subspan(kChecksumOffset + 4));
  return crc32c(crc, code);
}

Result<void> check_checksum(const ArtifactLayout& layout, uint32_t computed) {
  if (computed != layout.header.checksum)
    return Error(ErrorKind::Malformed,
                 "compiled module is corrupt: checksum mismatch");
  return {};
}

Result<void> check_sections(const ArtifactLayout& layout) {
  for (uint8_t b : layout.header.reserved)
    if (b != 0) return malformed("reserved header bytes are not zero");
  const uint64_t code_offset = layout.code_offset();
  uint64_t prev_end = kSectionTableEnd;
  for (uint32_t k = 0; k < kSectionCount; k++) {
    const SectionEntry& s = layout.sections[k];
    const std::string name = std::string("section ") + kSectionName[k];
    if (s.id != k + 1 || s.reserved != 0)
      return malformed(name + ": unexpected id " + std::to_string(s.id));
    if (s.offset % kSectionAlignment != 0 || s.offset < prev_end)
      return malformed(name + ": misplaced");
    const uint64_t limit =
        k + 1 == kSectionCount ? layout.header.file_size : code_offset;
    if (s.offset > limit || s.size > limit - s.offset)
      return malformed(name + ": outside the file");
    if (s.size % kRecordSize[k] != 0)
      return malformed(name + ": not a whole number of records");
    prev_end = s.offset + s.size;
  }
  return {};
}

}  // namespace heron::artifact
