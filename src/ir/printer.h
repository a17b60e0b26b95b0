// The textual form of the IR, for golden tests, `heron explore` and
// debugging. Its grammar is described at the top of printer.cc; parser.h
// reads the same form back.
#pragma once

#include <string>

#include "ir/function.h"

namespace heron::ir {

std::string print_function(const Function& f);
// One instruction, without indentation or newline ("v3 = iadd.i32 v1, v2").
std::string print_inst(const Function& f, Inst i);
// "(i64 vmctx, i32) -> i32"
std::string print_signature(const Signature& sig);

}  // namespace heron::ir
