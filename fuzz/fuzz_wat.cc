// libFuzzer target: arbitrary bytes as WebAssembly text, through the WAT
// module parser (and, when it succeeds, the decoder and validator on its
// encoding) and through the WAST script parser (and the quoted modules of the
// script). Any verdict is fine; crashes, leaks, undefined behaviour, hangs and
// rejections without a message are bugs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "format/decoder.h"
#include "text/script.h"
#include "validate/validator.h"

namespace {

void check_message(const heron::Error& error, const char* stage) {
  if (error.message.empty()) heron::fatal_invariant(stage);
}

void parse_module_text(std::string_view text) {
  auto encoded = heron::text::parse_wat_module(text);
  if (!encoded.ok()) {
    check_message(encoded.error(), "WAT parser rejected without a message");
    return;
  }
  auto module = heron::decode_module(*encoded);
  if (!module.ok()) return;
  auto valid = heron::validate_module(*module);
  (void)valid;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  parse_module_text(text);
  auto script = heron::text::parse_script(text);
  if (!script.ok()) {
    check_message(script.error(), "WAST parser rejected without a message");
    return 0;
  }
  for (const heron::text::ScriptCommand& command : script->commands) {
    if (command.module &&
        command.module->form == heron::text::ScriptModule::Form::Quote) {
      parse_module_text(command.module->quote);
    }
  }
  return 0;
}
