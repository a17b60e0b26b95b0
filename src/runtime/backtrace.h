// Turning the raw trap the activation recorded (PCs) into the Trap users see:
// each PC inside a module's code becomes a frame with the wasm function
// index, its name from the name section and the wasm byte offset from the
// function's address map. PCs in trampolines or other code are skipped.
#pragma once

#include "heron/trap.h"
#include "runtime/trap.h"

namespace heron {

api::Trap symbolize_trap(const Trap& raw);

}  // namespace heron
