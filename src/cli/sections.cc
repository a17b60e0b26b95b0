// Section-header walk (see sections.h). Deliberately independent of the
// decoder: it is used to cross-check the decoder's behaviour on truncated
// input, so it must not share its code paths.
#include "cli/sections.h"

#include "cli/file_util.h"
#include "format/binary_reader.h"

namespace heron::cli {

SectionWalk walk_sections(std::span<const uint8_t> bytes) {
  SectionWalk walk;
  if (bytes.size() < 8 || !has_wasm_magic(bytes) || bytes[4] != 1 ||
      bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0) {
    return walk;
  }
  walk.header_ok = true;
  BinaryReader reader(bytes);
  reader.seek(8);
  while (!reader.at_end()) {
    SectionHeader header;
    header.offset = reader.offset();
    header.id = reader.u8();
    header.size = reader.u32();
    header.payload_offset = reader.offset();
    if (reader.failed() || header.size > reader.remaining()) return walk;
    if (header.id == 0) {
      // A separate reader: an unreadable name must not stop the walk.
      BinaryReader name_reader(
          bytes.subspan(size_t(header.payload_offset), size_t(header.size)),
          header.payload_offset);
      std::string name = name_reader.name();
      if (!name_reader.failed()) header.custom_name = std::move(name);
    }
    reader.seek(size_t(header.end()));
    walk.sections.push_back(std::move(header));
  }
  walk.complete = true;
  return walk;
}

const char* section_name(uint8_t id) {
  switch (id) {
    case 0:
      return "custom";
    case 1:
      return "type";
    case 2:
      return "import";
    case 3:
      return "function";
    case 4:
      return "table";
    case 5:
      return "memory";
    case 6:
      return "global";
    case 7:
      return "export";
    case 8:
      return "start";
    case 9:
      return "element";
    case 10:
      return "code";
    case 11:
      return "data";
    case 12:
      return "datacount";
    case 13:
      return "tag";
    default:
      return "unknown";
  }
}

}  // namespace heron::cli
