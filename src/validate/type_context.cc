// TypeContext: validation of the type section (rec groups, type references,
// declared supertypes) and the subtyping relation the rest of the validator
// asks about.
//
// Concrete types are compared by canonical id (TypeRegistry), so types that
// are equivalent iso-recursively match even when they come from different rec
// groups. Declared subtyping walks supertype chains, which always point to
// earlier types, so every walk terminates.
#include "validate/type_context.h"

#include <optional>
#include <string>

#include "validate/type_registry.h"

namespace heron {

namespace {

Error invalid(std::string message, uint64_t offset) {
  return Error(ErrorKind::Invalid, std::move(message), offset);
}

// The first type index in `st` that is >= limit, if any.
std::optional<uint32_t> first_ref_at_or_above(const SubType& st,
                                              uint32_t limit) {
  auto bad = [&](const ValType& t) {
    return t.kind == ValKind::Ref && t.heap.is_concrete() &&
           t.heap.index >= limit;
  };
  const CompositeType& c = st.composite;
  switch (c.kind) {
    case CompositeKind::Func:
      for (const ValType& t : c.func.params)
        if (bad(t)) return t.heap.index;
      for (const ValType& t : c.func.results)
        if (bad(t)) return t.heap.index;
      break;
    case CompositeKind::Struct:
      for (const FieldType& f : c.fields)
        if (f.storage.packed == Packed::None && bad(f.storage.type))
          return f.storage.type.heap.index;
      break;
    case CompositeKind::Array:
      if (c.elem.storage.packed == Packed::None && bad(c.elem.storage.type))
        return c.elem.storage.type.heap.index;
      break;
  }
  return std::nullopt;
}

}  // namespace

// Builds a TypeContext one rec group at a time, as the spec does: a group may
// refer to itself and to earlier groups, never to later ones.
class TypeContextBuilder {
 public:
  TypeContextBuilder(const Module& module, TypeRegistry& registry) {
    ctx_.module_ = &module;
    ctx_.registry_ = &registry;
    ctx_.canon_.reserve(module.types.size());
    ctx_.declared_funcs_.assign(module.funcs.size(), 0);
  }

  Result<TypeContext> build() {
    const Module& m = *ctx_.module_;
    const uint32_t n = uint32_t(m.types.size());
    if (m.rec_groups.empty()) {
      // A module representation without explicit groups: every type is its
      // own group, which is what the type section means without `rec`.
      for (uint32_t i = 0; i < n; ++i) {
        Result<void> r = add_group(RecGroup{i, 1});
        if (!r) return std::move(r).error();
      }
    } else {
      uint32_t next = 0;
      for (const RecGroup& g : m.rec_groups) {
        if (g.first != next || g.first + uint64_t(g.count) > n)
          return Error(ErrorKind::Internal,
                       "rec groups do not tile the type section");
        Result<void> r = add_group(g);
        if (!r) return std::move(r).error();
        next = g.first + g.count;
      }
      if (next != n)
        return Error(ErrorKind::Internal,
                     "rec groups do not tile the type section");
    }
    return std::move(ctx_);
  }

 private:
  Result<void> add_group(const RecGroup& g) {
    const Module& m = *ctx_.module_;
    const uint32_t end = g.first + g.count;
    // Every reference must name a type defined so far, the whole current
    // group included.
    for (uint32_t x = g.first; x < end; ++x) {
      if (auto bad = first_ref_at_or_above(m.types[x], end))
        return invalid("unknown type " + std::to_string(*bad),
                       m.types[x].offset);
    }
    // A supertype must be defined before its subtype.
    for (uint32_t x = g.first; x < end; ++x) {
      const SubType& st = m.types[x];
      if (st.super && *st.super >= x)
        return invalid("unknown type " + std::to_string(*st.super) +
                           ": supertype of type " + std::to_string(x) +
                           " must be defined before it",
                       st.offset);
    }
    if (g.count > 0) {
      uint32_t first_id = ctx_.registry_->intern(m, g, ctx_.canon_);
      for (uint32_t i = 0; i < g.count; ++i)
        ctx_.canon_.push_back(first_id + i);
    }
    // Supertype checks come last: matching may involve any type of the group
    // (and its declared supertypes), so all of them need their ids.
    for (uint32_t x = g.first; x < end; ++x) {
      const SubType& st = m.types[x];
      if (!st.super) continue;
      const uint32_t y = *st.super;
      const SubType& sup = m.types[y];
      if (sup.final)
        return invalid("sub type " + std::to_string(x) +
                           " has final super type " + std::to_string(y),
                       st.offset);
      if (!composite_matches(st.composite, sup.composite))
        return invalid("sub type " + std::to_string(x) +
                           " does not match super type " + std::to_string(y),
                       st.offset);
    }
    return {};
  }

  bool field_matches(const FieldType& a, const FieldType& b) const {
    if (a.mut != b.mut || a.storage.packed != b.storage.packed) return false;
    if (a.storage.packed != Packed::None) return true;
    if (!ctx_.is_subtype(a.storage.type, b.storage.type)) return false;
    // Mutable fields are read and written: invariant.
    return !a.mut || ctx_.is_subtype(b.storage.type, a.storage.type);
  }

  bool composite_matches(const CompositeType& sub,
                         const CompositeType& sup) const {
    if (sub.kind != sup.kind) return false;
    switch (sub.kind) {
      case CompositeKind::Func: {
        const FuncType& a = sub.func;
        const FuncType& b = sup.func;
        if (a.params.size() != b.params.size() ||
            a.results.size() != b.results.size())
          return false;
        for (size_t i = 0; i < a.params.size(); ++i)
          if (!ctx_.is_subtype(b.params[i], a.params[i])) return false;
        for (size_t i = 0; i < a.results.size(); ++i)
          if (!ctx_.is_subtype(a.results[i], b.results[i])) return false;
        return true;
      }
      case CompositeKind::Struct:
        if (sub.fields.size() < sup.fields.size()) return false;
        for (size_t i = 0; i < sup.fields.size(); ++i)
          if (!field_matches(sub.fields[i], sup.fields[i])) return false;
        return true;
      case CompositeKind::Array:
        return field_matches(sub.elem, sup.elem);
    }
    return false;
  }

  TypeContext ctx_;
};

Result<TypeContext> TypeContext::build(const Module& module) {
  return build(module, TypeRegistry::global());
}

Result<TypeContext> TypeContext::build(const Module& module,
                                       TypeRegistry& registry) {
  return TypeContextBuilder(module, registry).build();
}

bool TypeContext::is_func_type(uint32_t index) const {
  return index < num_types() &&
         type(index).composite.kind == CompositeKind::Func;
}

bool TypeContext::is_struct_type(uint32_t index) const {
  return index < num_types() &&
         type(index).composite.kind == CompositeKind::Struct;
}

bool TypeContext::is_array_type(uint32_t index) const {
  return index < num_types() &&
         type(index).composite.kind == CompositeKind::Array;
}

bool abstract_heap_subtype(HeapKind sub, HeapKind super) {
  using K = HeapKind;
  switch (sub) {
    case K::None:
      return super == K::None || super == K::I31 || super == K::Struct ||
             super == K::Array || super == K::Eq || super == K::Any;
    case K::I31:
    case K::Struct:
    case K::Array:
      return super == sub || super == K::Eq || super == K::Any;
    case K::Eq:
      return super == K::Eq || super == K::Any;
    case K::Any:
      return super == K::Any;
    case K::NoFunc:
      return super == K::NoFunc || super == K::Func;
    case K::Func:
      return super == K::Func;
    case K::NoExtern:
      return super == K::NoExtern || super == K::Extern;
    case K::Extern:
      return super == K::Extern;
    case K::NoExn:
      return super == K::NoExn || super == K::Exn;
    case K::Exn:
      return super == K::Exn;
    case K::Concrete:
    case K::Bot:
      break;
  }
  return false;
}

bool TypeContext::is_subtype(const ValType& sub, const ValType& super) const {
  if (sub.kind == ValKind::Bot) return true;
  if (sub.kind != super.kind) return false;
  if (sub.kind != ValKind::Ref) return true;
  if (sub.nullable && !super.nullable) return false;
  return is_heap_subtype(sub.heap, super.heap);
}

bool TypeContext::is_defined_subtype(uint32_t sub, uint32_t super) const {
  // Only types defined so far have ids while the context is being built.
  const uint32_t known = uint32_t(canon_.size());
  if (sub >= known || super >= known) return false;
  const uint32_t target = canon_[super];
  // Equivalent types have equivalent supertypes, so walking this module's
  // chain from `sub` is the same as walking the canonical chain.
  for (uint32_t cur = sub;;) {
    if (canon_[cur] == target) return true;
    const SubType& st = type(cur);
    if (!st.super || *st.super >= cur) return false;
    cur = *st.super;
  }
}

bool TypeContext::is_heap_subtype(const HeapType& sub,
                                  const HeapType& super) const {
  using K = HeapKind;
  if (sub.kind == K::Bot) return true;
  if (super.kind == K::Bot) return false;
  if (sub.is_concrete()) {
    if (super.is_concrete()) return is_defined_subtype(sub.index, super.index);
    if (sub.index >= num_types()) return false;
    switch (type(sub.index).composite.kind) {
      case CompositeKind::Func:
        return super.kind == K::Func;
      case CompositeKind::Struct:
        return super.kind == K::Struct || super.kind == K::Eq ||
               super.kind == K::Any;
      case CompositeKind::Array:
        return super.kind == K::Array || super.kind == K::Eq ||
               super.kind == K::Any;
    }
    return false;
  }
  if (super.is_concrete()) {
    if (super.index >= num_types()) return false;
    return type(super.index).composite.kind == CompositeKind::Func
               ? sub.kind == K::NoFunc
               : sub.kind == K::None;
  }
  return abstract_heap_subtype(sub.kind, super.kind);
}

HeapType TypeContext::top_of(const HeapType& heap) const {
  using K = HeapKind;
  switch (heap.kind) {
    case K::Any:
    case K::Eq:
    case K::I31:
    case K::Struct:
    case K::Array:
    case K::None:
      return HeapType::abstract(K::Any);
    case K::Func:
    case K::NoFunc:
      return HeapType::abstract(K::Func);
    case K::Extern:
    case K::NoExtern:
      return HeapType::abstract(K::Extern);
    case K::Exn:
    case K::NoExn:
      return HeapType::abstract(K::Exn);
    case K::Concrete:
      if (heap.index < num_types() &&
          type(heap.index).composite.kind == CompositeKind::Func)
        return HeapType::abstract(K::Func);
      return HeapType::abstract(K::Any);
    case K::Bot:
      break;
  }
  return HeapType::abstract(K::Bot);
}

HeapType TypeContext::bottom_of(const HeapType& heap) const {
  using K = HeapKind;
  switch (top_of(heap).kind) {
    case K::Any:
      return HeapType::abstract(K::None);
    case K::Func:
      return HeapType::abstract(K::NoFunc);
    case K::Extern:
      return HeapType::abstract(K::NoExtern);
    case K::Exn:
      return HeapType::abstract(K::NoExn);
    default:
      return HeapType::abstract(K::Bot);
  }
}

}  // namespace heron
