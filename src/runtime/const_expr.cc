// Constant-expression evaluation (see const_expr.h).
#include "runtime/const_expr.h"

#include <cstring>
#include <vector>

#include "format/binary_reader.h"
#include "runtime/store_impl.h"

namespace heron {

Result<uint64_t> evaluate_const_expr(const InstanceImpl& inst,
                                     const ConstExpr& expr) {
  const Module& m = inst.module->module;
  BinaryReader r(m.slice(expr.bytes), expr.bytes.offset);
  std::vector<uint64_t> stack;
  auto binary = [&](auto op) -> bool {
    if (stack.size() < 2) return false;
    const uint64_t b = stack.back();
    stack.pop_back();
    stack.back() = op(stack.back(), b);
    return true;
  };
  while (!r.at_end() && !r.failed()) {
    const uint8_t opcode = r.u8();
    bool ok = true;
    switch (opcode) {
      case 0x0B:  // end
        if (stack.size() != 1) break;
        return stack.back();
      case 0x41:  // i32.const
        stack.push_back(uint32_t(r.s32()));
        break;
      case 0x42:  // i64.const
        stack.push_back(uint64_t(r.s64()));
        break;
      case 0x43:  // f32.const
        stack.push_back(r.u32_fixed());
        break;
      case 0x44:  // f64.const
        stack.push_back(r.u64_fixed());
        break;
      case 0xD0:  // ref.null ht
        r.s33();
        stack.push_back(0);
        break;
      case 0xD2:  // ref.func x
        stack.push_back(uint64_t(uintptr_t(inst.func_ref(r.u32()))));
        break;
      case 0x23: {  // global.get x
        uint64_t v = 0;
        std::memcpy(&v, inst.globals[r.u32()]->slot, 8);
        stack.push_back(v);
        break;
      }
      case 0x6A:
        ok = binary(
            [](uint64_t a, uint64_t b) { return uint64_t(uint32_t(a + b)); });
        break;
      case 0x6B:
        ok = binary(
            [](uint64_t a, uint64_t b) { return uint64_t(uint32_t(a - b)); });
        break;
      case 0x6C:
        ok = binary([](uint64_t a, uint64_t b) {
          return uint64_t(uint32_t(uint32_t(a) * uint32_t(b)));
        });
        break;
      case 0x7C:
        ok = binary([](uint64_t a, uint64_t b) { return a + b; });
        break;
      case 0x7D:
        ok = binary([](uint64_t a, uint64_t b) { return a - b; });
        break;
      case 0x7E:
        ok = binary([](uint64_t a, uint64_t b) { return a * b; });
        break;
      default:
        return Error(ErrorKind::Unsupported,
                     "constant expression operator not supported",
                     r.offset() - 1);
    }
    if (!ok) break;
  }
  if (r.failed()) return *r.error();
  return Error(ErrorKind::Internal, "malformed constant expression",
               expr.bytes.offset);
}

}  // namespace heron
