// FuncValidator: validates one function body (or one constant expression)
// with the spec's algorithm: an operand stack of value types, a control stack
// of frames, and a polymorphic stack after unconditional branches. It decodes
// the body itself, so malformed encodings inside a body (bad opcodes,
// over-long LEB128s, missing `end`) are reported from here too.
//
// A FuncValidator is reusable: its stacks keep their capacity from one body
// to the next, so a worker validating many bodies does not allocate.
#pragma once

#include <cstdint>
#include <memory>

#include "format/module.h"
#include "heron/error.h"
#include "validate/type_context.h"

namespace heron {

class FuncValidator {
 public:
  explicit FuncValidator(const TypeContext& types);
  ~FuncValidator();
  FuncValidator(const FuncValidator&) = delete;
  FuncValidator& operator=(const FuncValidator&) = delete;

  // Validates defined function `func_index` (an index in the function index
  // space, so >= num_imported_funcs) whose body is `body`.
  Result<void> validate_body(uint32_t func_index, const FuncBody& body);

  // Validates a constant expression of the given result type. `num_globals`
  // limits which globals it may read (those defined before it, plus imports).
  Result<void> validate_const_expr(const ConstExpr& expr, const ValType& type,
                                   uint32_t num_globals);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace heron
