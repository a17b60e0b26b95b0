// The CLI's view of the pipeline (see pipeline.h).
#include "cli/pipeline.h"

#include "format/decoder.h"
#include "text/script.h"
#include "validate/validator.h"

namespace heron::cli {

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::Text:
      return "text";
    case Stage::Decode:
      return "decode";
    case Stage::Validate:
      return "validate";
  }
  return "?";
}

Result<void> check_binary(std::span<const uint8_t> bytes, Stage* failed_stage,
                          const Features& features, uint32_t threads) {
  Result<Module> module = decode_module(bytes);
  if (!module.ok()) {
    if (failed_stage) *failed_stage = Stage::Decode;
    return std::move(module).error();
  }
  Result<void> valid = validate_module(*module, features, threads);
  if (!valid.ok()) {
    if (failed_stage) *failed_stage = Stage::Validate;
    return std::move(valid).error();
  }
  return {};
}

Result<std::vector<uint8_t>> encode_text(std::string_view source,
                                         const Features& features) {
  return text::parse_wat_module(source, features);
}

}  // namespace heron::cli
