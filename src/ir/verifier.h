// The IR verifier: checks the invariants every pass must preserve (SSA
// dominance, operand and result types per opcode, branch arguments against
// block parameters, terminators, the entry block's parameters). A failure is
// Heron's own bug (ErrorKind::Internal) and the message names the block and
// instruction. Tests run it after every pass.
#pragma once

#include "heron/error.h"
#include "ir/function.h"

namespace heron::ir {

Result<void> verify(const Function& f);

}  // namespace heron::ir
