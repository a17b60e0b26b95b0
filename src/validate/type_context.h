// TypeContext: everything the validator needs to know about a module's types
// and index spaces: canonical type identities (iso-recursive equivalence, so
// that structurally identical rec groups are the same types), subtyping on
// value, heap and defined types, and the set of functions that may be named
// by ref.func inside bodies.
#pragma once

#include <cstdint>
#include <vector>

#include "format/module.h"
#include "heron/error.h"

namespace heron {

class TypeRegistry;

// Subtyping between two abstract heap types (func, extern, any, eq, none...);
// false when either is concrete or bottom.
bool abstract_heap_subtype(HeapKind sub, HeapKind super);

class TypeContext {
 public:
  // Validates the type section (well-formed rec groups, valid type
  // references, declared supertypes that are non-final and matching) and
  // computes canonical identities. Invalid modules yield an Invalid error.
  static Result<TypeContext> build(const Module& module);
  // The same with an explicit registry (an Engine's); `registry` must
  // outlive the context.
  static Result<TypeContext> build(const Module& module,
                                   TypeRegistry& registry);

  const Module& module() const { return *module_; }
  const SubType& type(uint32_t index) const { return module_->types[index]; }
  uint32_t num_types() const { return uint32_t(module_->types.size()); }

  // Canonical id of a type index: equal ids <=> equivalent defined types.
  uint32_t canonical_id(uint32_t type_index) const {
    return canon_[type_index];
  }
  bool types_equivalent(uint32_t a, uint32_t b) const {
    return canon_[a] == canon_[b];
  }

  // The registry that owns the canonical ids.
  const TypeRegistry& registry() const { return *registry_; }

  // True when every type index the value type mentions is defined (the check
  // behind "unknown type" for locals, block types, globals, tables...).
  bool is_valid(const ValType& type) const {
    return type.kind != ValKind::Ref || !type.heap.is_concrete() ||
           type.heap.index < num_types();
  }

  // True when the type index is a func/struct/array composite.
  bool is_func_type(uint32_t index) const;
  bool is_struct_type(uint32_t index) const;
  bool is_array_type(uint32_t index) const;

  // Subtyping. ValKind::Bot is a subtype of everything (validator bottom).
  bool is_subtype(const ValType& sub, const ValType& super) const;
  bool is_heap_subtype(const HeapType& sub, const HeapType& super) const;
  bool is_defined_subtype(uint32_t sub, uint32_t super) const;
  // Top (any/func/extern/exn) and bottom (none/nofunc/noextern/noexn) of the
  // hierarchy a heap type belongs to.
  HeapType top_of(const HeapType& heap) const;
  HeapType bottom_of(const HeapType& heap) const;
  // Defaultable types have a zero value (numbers, vectors, nullable refs).
  static bool is_defaultable(const ValType& type) {
    return type.kind != ValKind::Ref || type.nullable;
  }

  // Functions referenced outside function bodies (exports, element segments,
  // global and table initializers), which ref.func may name.
  bool is_declared_func(uint32_t func_index) const {
    return func_index < declared_funcs_.size() && declared_funcs_[func_index];
  }
  void declare_func(uint32_t func_index) {
    if (func_index < declared_funcs_.size()) declared_funcs_[func_index] = 1;
  }

 private:
  const Module* module_ = nullptr;
  TypeRegistry* registry_ = nullptr;
  std::vector<uint32_t> canon_;
  std::vector<uint8_t> declared_funcs_;
  friend class TypeContextBuilder;
};

}  // namespace heron
