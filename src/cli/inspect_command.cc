// `heron inspect FILE`: a short, honest summary of a module — its sections
// as laid out in the binary, the counts of what it defines, and whether it
// validates. Text input is shown as the binary Heron encodes it to.
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/file_util.h"
#include "cli/pipeline.h"
#include "cli/sections.h"
#include "format/decoder.h"
#include "validate/validator.h"

namespace heron::cli {

int run_inspect(const InspectOptions& options) {
  const std::string& file = options.file;
  Result<std::vector<uint8_t>> bytes = read_file(file);
  if (!bytes.ok()) {
    fmt::print(stderr, "{}: error: {}\n", file,
               one_line(bytes.error().message));
    return kExitFailure;
  }
  std::vector<uint8_t> binary = std::move(*bytes);
  if (is_binary_input(file, binary)) {
    fmt::print("{}: binary module, {} bytes\n", file, binary.size());
  } else {
    std::string_view source(reinterpret_cast<const char*>(binary.data()),
                            binary.size());
    Result<std::vector<uint8_t>> encoded = encode_text(source);
    if (!encoded.ok()) {
      const Error& error = encoded.error();
      uint32_t line = error.line != 0 ? error.line
                      : error.has_offset()
                          ? line_of_offset(source, error.offset)
                          : 0;
      fmt::print(stderr, "{}:{}: error: {}\n", file, line,
                 one_line(error.message));
      return kExitFailure;
    }
    binary = std::move(*encoded);
    fmt::print("{}: text module, encoded to {} bytes\n", file, binary.size());
  }

  SectionWalk walk = walk_sections(binary);
  for (const SectionHeader& s : walk.sections) {
    std::string name = section_name(s.id);
    if (s.id == 0) name += fmt::format(" \"{}\"", one_line(s.custom_name));
    fmt::print("  section {:<22} at {:>8}, {:>8} bytes\n", name, s.offset,
               s.size);
  }

  Result<Module> module = decode_module(binary);
  if (!module.ok()) {
    const Error& error = module.error();
    fmt::print(stderr, "{}:{}: error: {}\n", file,
               error.has_offset() ? fmt::format("{}", error.offset) : "?",
               one_line(error.message));
    return kExitFailure;
  }
  const Module& m = *module;
  uint64_t code_bytes = 0;
  for (const FuncBody& body : m.bodies) code_bytes += body.range.size;
  fmt::print(
      "  {} types, {} imports, {} functions ({} imported), {} tables, {} "
      "memories, {} globals, {} tags\n",
      m.types.size(), m.imports.size(), m.funcs.size(), m.num_imported_funcs,
      m.tables.size(), m.memories.size(), m.globals.size(), m.tags.size());
  fmt::print(
      "  {} exports, start {}, {} element segments, {} data segments, {} "
      "custom sections\n",
      m.exports.size(), m.start ? fmt::format("{}", *m.start) : "none",
      m.elems.size(), m.datas.size(), m.customs.size());
  fmt::print("  code: {} function bodies, {} bytes\n", m.bodies.size(),
             code_bytes);

  Result<void> valid = validate_module(m);
  if (!valid.ok()) {
    const Error& error = valid.error();
    fmt::print(
        "  invalid{}: {}\n",
        error.has_offset() ? fmt::format(" at offset {}", error.offset) : "",
        one_line(error.message));
    return kExitFailure;
  }
  fmt::print("  valid\n");
  return kExitOk;
}

}  // namespace heron::cli
