// An interpreter of the VCode subset the register-allocation fuzz tests
// generate (moves, integer ALU and shifts, f64 ALU and conversion, a
// two-argument host call that adds, branches with block parameters, ret),
// run on virtual registers: the reference the compiled code must agree
// with. XMM values are the bits of an f64.
#pragma once

#include <cstdint>

#include "isa/x64/vcode.h"

namespace heron::x64::testing {

// Runs `vc` with arguments (x, y); false (and *result untouched) when it
// runs more than `max_steps` blocks. An instruction outside the subset is
// a test failure.
bool interpret_vcode(const VCode& vc, uint64_t x, uint64_t y, uint64_t* result,
                     int max_steps = 1000000);

}  // namespace heron::x64::testing
