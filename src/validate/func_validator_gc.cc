// FuncValidator, GC instructions: struct and array allocation and access,
// casts and branches on casts, i31 and the any/extern conversions. See
// func_validator_impl.h.
#include <string>

#include "validate/func_validator_impl.h"

namespace heron {

// ---------------------------------------------------------------------------
// GC

void FuncValidator::Impl::op_br_on_cast(Opcode op) {
  const uint64_t at = r_.offset();
  const uint8_t flags = r_.u8();
  if (ok() && (flags & ~3u)) {
    malformed("malformed br_on_cast flags", at);
    return;
  }
  const uint32_t l = read_u32();
  const HeapType h1 = read_heap_type(r_);
  const HeapType h2 = read_heap_type(r_);
  if (!ok() || !valid_heap(h1) || !valid_heap(h2)) return;
  const ValType rt1 = ValType::ref(h1, flags & 1);
  const ValType rt2 = ValType::ref(h2, flags & 2);
  if (!matches(rt2, rt1)) {
    invalid("type mismatch on cast: type " + to_string(rt2) +
            " does not match " + to_string(rt1));
    return;
  }
  // rt1 minus rt2: what is left when the cast fails.
  const ValType diff = rt2.nullable ? ValType::ref(h1, false) : rt1;
  const ValType& to_label = op == Opcode::BrOnCast ? rt2 : diff;
  const ValType& fallthrough = op == Opcode::BrOnCast ? diff : rt2;
  Ctrl* t = label(l);
  if (!t) return;
  const Span lt = label_types(*t);
  if (lt.size == 0 || !matches(to_label, lt.data[lt.size - 1])) {
    invalid("type mismatch: instruction requires type " + to_string(to_label) +
            " but label has " + types_string(lt.data, lt.size));
    return;
  }
  if (!pop_expect(rt1) || !pop_vals(lt.data, lt.size - 1)) return;
  push_vals(lt.data, lt.size - 1);
  push(fallthrough);
}

void FuncValidator::Impl::op_gc(Opcode op) {
  switch (op) {
    case Opcode::StructNew:
    case Opcode::StructNewDefault: {
      const uint32_t x = read_u32();
      if (!ok()) return;
      const CompositeType* st = struct_type_at(x);
      if (!st) return;
      if (op == Opcode::StructNew) {
        scratch_.clear();
        for (const FieldType& f : st->fields)
          scratch_.push_back(f.storage.unpacked());
        if (!pop_vals(scratch_.data(), uint32_t(scratch_.size()))) return;
      } else {
        for (const FieldType& f : st->fields)
          if (!TypeContext::is_defaultable(f.storage.unpacked())) {
            invalid("field type is not defaultable");
            return;
          }
      }
      push(ValType::ref(HeapType::concrete(x), false));
      return;
    }
    case Opcode::StructGet:
    case Opcode::StructGetS:
    case Opcode::StructGetU:
    case Opcode::StructSet: {
      const uint32_t x = read_u32();
      const uint32_t i = read_u32();
      if (!ok()) return;
      const CompositeType* st = struct_type_at(x);
      if (!st) return;
      if (i >= st->fields.size()) {
        invalid("unknown field " + num(i));
        return;
      }
      const FieldType& f = st->fields[i];
      const ValType ref = ValType::ref(HeapType::concrete(x), true);
      if (op == Opcode::StructSet) {
        if (!f.mut) {
          invalid("immutable field");
          return;
        }
        const ValType sig[2] = {ref, f.storage.unpacked()};
        pop_vals(sig, 2);
        return;
      }
      const bool packed = f.storage.packed != Packed::None;
      if (packed != (op != Opcode::StructGet)) {
        invalid(packed ? "field is packed" : "field is unpacked");
        return;
      }
      if (pop_expect(ref)) push(f.storage.unpacked());
      return;
    }
    case Opcode::ArrayNew:
    case Opcode::ArrayNewDefault: {
      const uint32_t x = read_u32();
      if (!ok()) return;
      const FieldType* ft = array_type_at(x);
      if (!ft) return;
      if (op == Opcode::ArrayNew) {
        const ValType sig[2] = {ft->storage.unpacked(), kI32};
        if (!pop_vals(sig, 2)) return;
      } else {
        if (!TypeContext::is_defaultable(ft->storage.unpacked())) {
          invalid("array type is not defaultable");
          return;
        }
        if (!pop_expect(kI32)) return;
      }
      push(ValType::ref(HeapType::concrete(x), false));
      return;
    }
    case Opcode::ArrayNewFixed: {
      const uint32_t x = read_u32();
      const uint32_t n = read_u32();
      if (!ok()) return;
      const FieldType* ft = array_type_at(x);
      if (!ft) return;
      const ValType t = ft->storage.unpacked();
      Ctrl& c = top();
      const uint64_t avail = vals_.size() - c.height;
      const uint32_t k = uint32_t(std::min<uint64_t>(avail, n));
      bool good = k == n || c.unreachable;
      for (uint32_t i = 0; good && i < k; ++i)
        good = matches(vals_[vals_.size() - 1 - i], t);
      if (!good) {
        invalid("type mismatch: instruction requires " + num(n) + " x " +
                to_string(t) + " but stack has " +
                types_string(vals_.data() + vals_.size() - k, k));
        return;
      }
      vals_.resize(vals_.size() - k);
      push(ValType::ref(HeapType::concrete(x), false));
      return;
    }
    case Opcode::ArrayNewData:
    case Opcode::ArrayNewElem:
    case Opcode::ArrayInitData:
    case Opcode::ArrayInitElem: {
      const uint32_t x = read_u32();
      const uint32_t y = read_u32();
      if (!ok()) return;
      const bool data =
          op == Opcode::ArrayNewData || op == Opcode::ArrayInitData;
      const bool init =
          op == Opcode::ArrayInitData || op == Opcode::ArrayInitElem;
      if (data && !m_.data_count) {
        malformed("data count section required", instr_off_);
        return;
      }
      const FieldType* ft = array_type_at(x);
      if (!ft) return;
      if (init && !ft->mut) {
        invalid("immutable array");
        return;
      }
      const ValType t = ft->storage.unpacked();
      if (data) {
        if (!check_index(y, *m_.data_count, "data segment")) return;
        if (!t.is_num() && t.kind != ValKind::V128) {
          invalid("array type is not numeric or vector");
          return;
        }
      } else {
        if (!check_index(y, m_.elems.size(), "elem segment")) return;
        const ValType& et = m_.elems[y].type;
        if (!matches(et, t)) {
          invalid("type mismatch: element segment's type " + to_string(et) +
                  " does not match array's element type " + to_string(t));
          return;
        }
      }
      if (init) {
        const ValType sig[4] = {ValType::ref(HeapType::concrete(x), true), kI32,
                                kI32, kI32};
        pop_vals(sig, 4);
      } else {
        const ValType sig[2] = {kI32, kI32};
        if (pop_vals(sig, 2)) push(ValType::ref(HeapType::concrete(x), false));
      }
      return;
    }
    case Opcode::ArrayGet:
    case Opcode::ArrayGetS:
    case Opcode::ArrayGetU:
    case Opcode::ArraySet:
    case Opcode::ArrayFill: {
      const uint32_t x = read_u32();
      if (!ok()) return;
      const FieldType* ft = array_type_at(x);
      if (!ft) return;
      const ValType ref = ValType::ref(HeapType::concrete(x), true);
      const ValType t = ft->storage.unpacked();
      if (op == Opcode::ArraySet || op == Opcode::ArrayFill) {
        if (!ft->mut) {
          invalid("immutable array");
          return;
        }
        if (op == Opcode::ArraySet) {
          const ValType sig[3] = {ref, kI32, t};
          pop_vals(sig, 3);
        } else {
          const ValType sig[4] = {ref, kI32, t, kI32};
          pop_vals(sig, 4);
        }
        return;
      }
      const bool packed = ft->storage.packed != Packed::None;
      if (packed != (op != Opcode::ArrayGet)) {
        invalid(packed ? "array is packed" : "array is unpacked");
        return;
      }
      const ValType sig[2] = {ref, kI32};
      if (pop_vals(sig, 2)) push(t);
      return;
    }
    case Opcode::ArrayLen:
      if (pop_expect(ref_of(HeapKind::Array, true))) push(kI32);
      return;
    case Opcode::ArrayCopy: {
      const uint32_t x = read_u32();
      const uint32_t y = read_u32();
      if (!ok()) return;
      const FieldType* dt = array_type_at(x);
      if (!dt) return;
      const FieldType* st = array_type_at(y);
      if (!st) return;
      if (!dt->mut) {
        invalid("immutable array");
        return;
      }
      const bool storage_ok =
          dt->storage.packed == Packed::None
              ? st->storage.packed == Packed::None &&
                    matches(st->storage.type, dt->storage.type)
              : st->storage.packed == dt->storage.packed;
      if (!storage_ok) {
        invalid("array types do not match");
        return;
      }
      const ValType sig[5] = {ValType::ref(HeapType::concrete(x), true), kI32,
                              ValType::ref(HeapType::concrete(y), true), kI32,
                              kI32};
      pop_vals(sig, 5);
      return;
    }
    case Opcode::RefTest:
    case Opcode::RefTestNull:
    case Opcode::RefCast:
    case Opcode::RefCastNull: {
      const HeapType h = read_heap_type(r_);
      if (!ok() || !valid_heap(h)) return;
      if (!pop_expect(ValType::ref(types_.top_of(h), true))) return;
      if (op == Opcode::RefTest || op == Opcode::RefTestNull) {
        push(kI32);
      } else {
        push(ValType::ref(h, op == Opcode::RefCastNull));
      }
      return;
    }
    case Opcode::BrOnCast:
    case Opcode::BrOnCastFail:
      op_br_on_cast(op);
      return;
    case Opcode::AnyConvertExtern:
    case Opcode::ExternConvertAny: {
      const bool to_any = op == Opcode::AnyConvertExtern;
      const ValType from =
          ref_of(to_any ? HeapKind::Extern : HeapKind::Any, true);
      const ValType a = pop_actual(from);
      if (!ok()) return;
      const bool nullable = a.kind == ValKind::Ref && a.nullable;
      push(ref_of(to_any ? HeapKind::Any : HeapKind::Extern, nullable));
      return;
    }
    case Opcode::RefI31:
      if (pop_expect(kI32)) push(ref_of(HeapKind::I31, false));
      return;
    case Opcode::I31GetS:
    case Opcode::I31GetU:
      if (pop_expect(ref_of(HeapKind::I31, true))) push(kI32);
      return;
    default:
      fatal_invariant("op_gc: not a GC instruction");
  }
}

}  // namespace heron
