// Private to the function-body validator: the table of fixed operand
// signatures for the plain numeric, vector, memory and lane instructions
// (see func_validator_sigs.cc), so that the validator's switch handles them
// all with one generic case instead of hundreds.
#pragma once

#include <cstdint>

#include "format/opcode.h"
#include "format/types.h"

namespace heron {

// Signature type codes: a ValKind value, or one of these.
constexpr uint8_t kSigAddr = 0xFE;  // the accessed memory's address type
constexpr uint8_t kSigNone = 0xFF;  // no result

enum class SigShape : uint8_t {
  None,        // not a plain instruction: the validator has its own case
  Simple,      // no immediate
  Memory,      // memarg
  MemoryLane,  // memarg, then a lane index
  Lane,        // a lane index
};

struct OpSig {
  SigShape shape = SigShape::None;
  bool atomic = false;  // 0xFE: alignment must be exactly natural
  uint8_t nin = 0;
  uint8_t in[3] = {};  // bottom of the stack first
  uint8_t out = kSigNone;
  uint8_t size_log2 = 0;  // memory accesses: natural alignment
  uint8_t lanes = 0;      // lane accesses: lane count
};

// Indexed by Opcode; built once, never freed.
const OpSig* plain_op_sigs();

}  // namespace heron
