// Decoding an artifact's wasm section while its checksum is computed.
//
// Both take about a millisecond for a module of 34k functions, and neither
// needs the other: the decoder accepts untrusted bytes (it is the one that
// decodes any .wasm), so running it before the checksum has vouched for the
// bytes is safe, and its result is used only once the checksum matches.
//
// Whoever starts first decodes: the helper thread, or the caller asking for
// the result. On a busy machine the thread may not get a CPU before the
// checksum is done; the caller then decodes itself instead of waiting, and
// the thread, when it runs, finds the work taken and leaves (it shares only
// a small reference-counted state, so it may outlive this object). A
// section too small to be worth a thread is always decoded by the caller.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "format/module.h"
#include "heron/error.h"

namespace heron::artifact {

class BackgroundDecode {
 public:
  // Starts decoding `wasm`, which must stay readable until take() returns
  // or this object is destroyed.
  explicit BackgroundDecode(std::span<const uint8_t> wasm);
  ~BackgroundDecode();
  BackgroundDecode(const BackgroundDecode&) = delete;
  BackgroundDecode& operator=(const BackgroundDecode&) = delete;

  // The decoded module.
  Result<Module> take();
  // How long decoding took, and whether the helper thread did it.
  int64_t decode_ns() const;
  bool in_parallel() const;

  // Below this many bytes the thread costs more than it saves.
  static constexpr size_t kThreadThreshold = 64 * 1024;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace heron::artifact
