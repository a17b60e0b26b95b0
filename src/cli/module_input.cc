// Reading module files for the executing commands (see module_input.h).
#include "cli/module_input.h"

#include <string_view>

#include <fmt/format.h>

#include "cli/file_util.h"
#include "cli/pipeline.h"

namespace heron::cli {

std::optional<ModuleInput> read_module_input(const std::string& file) {
  Result<std::vector<uint8_t>> bytes = read_file(file);
  if (!bytes.ok()) {
    fmt::print(stderr, "{}: error: {}\n", file,
               one_line(bytes.error().message));
    return std::nullopt;
  }
  ModuleInput input;
  if (is_binary_input(file, *bytes)) {
    input.binary = std::move(*bytes);
    return input;
  }
  std::string_view source(reinterpret_cast<const char*>(bytes->data()),
                          bytes->size());
  Result<std::vector<uint8_t>> encoded = encode_text(source);
  if (!encoded.ok()) {
    const Error& error = encoded.error();
    uint32_t line = error.line;
    if (line == 0 && error.has_offset() && error.offset <= source.size()) {
      line = line_of_offset(source, error.offset);
    }
    if (line != 0) {
      fmt::print(stderr, "{}:{}: error: {}\n", file, line,
                 one_line(error.message));
    } else {
      fmt::print(stderr, "{}: error: {}\n", file, one_line(error.message));
    }
    return std::nullopt;
  }
  input.binary = std::move(*encoded);
  input.from_text = true;
  return input;
}

void print_module_error(const std::string& file, const ModuleInput& input,
                        const Error& error) {
  if (!error.has_offset()) {
    fmt::print(stderr, "{}: error: {}\n", file, one_line(error.message));
  } else if (input.from_text) {
    fmt::print(stderr, "{}: error: {} (offset {} in the encoded binary)\n",
               file, one_line(error.message), error.offset);
  } else {
    fmt::print(stderr, "{}:{}: error: {}\n", file, error.offset,
               one_line(error.message));
  }
}

}  // namespace heron::cli
