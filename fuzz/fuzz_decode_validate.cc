// libFuzzer target: arbitrary bytes through the binary decoder and, when
// they decode, the validator. Any verdict is fine; crashes, leaks, undefined
// behaviour, hangs and rejections without a message are bugs.
#include <cstddef>
#include <cstdint>
#include <span>

#include "format/decoder.h"
#include "validate/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  heron::Result<heron::Module> module = heron::decode_module(bytes);
  if (!module.ok()) {
    if (module.error().message.empty()) {
      heron::fatal_invariant("decoder rejected input without a message");
    }
    return 0;
  }
  heron::Result<void> valid = heron::validate_module(*module);
  if (!valid.ok() && valid.error().message.empty()) {
    heron::fatal_invariant("validator rejected input without a message");
  }
  return 0;
}
