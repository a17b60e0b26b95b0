// TypeRegistry: rec groups are hashed by a structural key in which each type
// reference is either "position i of this group" or "canonical id c", which
// is exactly iso-recursive equivalence: earlier types already have their
// canonical ids, so equal keys mean equivalent groups.
#include "validate/type_registry.h"

#include <mutex>

#include "heron/error.h"

namespace heron {
namespace {

// Builds the structural key of one rec group, and (on a miss) the canonical
// form of its types, from the same walk over type references.
class GroupEncoder {
 public:
  GroupEncoder(const RecGroup& group, std::span<const uint32_t> earlier)
      : group_(group), earlier_(earlier) {}

  std::string key(const Module& module) {
    for (uint32_t i = 0; i < group_.count; ++i) {
      const SubType& st = module.types[group_.first + i];
      word(st.final ? 1 : 0);
      if (st.super) {
        word(1);
        type_ref(*st.super);
      } else {
        word(0);
      }
      composite(st.composite);
    }
    return std::move(key_);
  }

  // Rewrites the module-relative indices of `st` into canonical ids, given
  // the canonical id of the group's first type.
  SubType canonical(const SubType& st, uint32_t first_id) const {
    SubType out = st;
    out.rec_group = first_id;
    if (out.super) out.super = resolve(*out.super, first_id);
    auto fix = [&](ValType& t) {
      if (t.kind == ValKind::Ref && t.heap.is_concrete())
        t.heap.index = resolve(t.heap.index, first_id);
    };
    switch (out.composite.kind) {
      case CompositeKind::Func:
        for (ValType& t : out.composite.func.params) fix(t);
        for (ValType& t : out.composite.func.results) fix(t);
        break;
      case CompositeKind::Struct:
        for (FieldType& f : out.composite.fields) fix(f.storage.type);
        break;
      case CompositeKind::Array:
        fix(out.composite.elem.storage.type);
        break;
    }
    return out;
  }

 private:
  void word(uint32_t w) {
    key_.append(reinterpret_cast<const char*>(&w), sizeof w);
  }

  uint32_t resolve(uint32_t index, uint32_t first_id) const {
    if (index >= group_.first) return first_id + (index - group_.first);
    return earlier_[index];
  }

  void type_ref(uint32_t index) {
    if (index >= group_.first + group_.count ||
        (index < group_.first && index >= earlier_.size()))
      fatal_invariant("TypeRegistry::intern: type index out of range");
    if (index >= group_.first) {
      word(1);
      word(index - group_.first);
    } else {
      word(0);
      word(earlier_[index]);
    }
  }

  void val_type(const ValType& t) {
    if (t.kind != ValKind::Ref) {
      word(uint32_t(t.kind));
      return;
    }
    word(uint32_t(t.kind) | uint32_t(t.nullable) << 8 |
         uint32_t(t.heap.kind) << 16);
    if (t.heap.is_concrete()) type_ref(t.heap.index);
  }

  void field(const FieldType& f) {
    word(uint32_t(f.mut) | uint32_t(f.storage.packed) << 8);
    if (f.storage.packed == Packed::None) val_type(f.storage.type);
  }

  void composite(const CompositeType& c) {
    word(uint32_t(c.kind));
    switch (c.kind) {
      case CompositeKind::Func:
        word(uint32_t(c.func.params.size()));
        for (const ValType& t : c.func.params) val_type(t);
        word(uint32_t(c.func.results.size()));
        for (const ValType& t : c.func.results) val_type(t);
        break;
      case CompositeKind::Struct:
        word(uint32_t(c.fields.size()));
        for (const FieldType& f : c.fields) field(f);
        break;
      case CompositeKind::Array:
        field(c.elem);
        break;
    }
  }

  const RecGroup& group_;
  std::span<const uint32_t> earlier_;
  std::string key_;
};

}  // namespace

TypeRegistry& TypeRegistry::global() {
  static TypeRegistry registry;
  return registry;
}

uint32_t TypeRegistry::intern(const Module& module, const RecGroup& group,
                              std::span<const uint32_t> earlier) {
  if (group.first + uint64_t(group.count) > module.types.size() ||
      earlier.size() < group.first)
    fatal_invariant("TypeRegistry::intern: bad rec group");
  GroupEncoder encoder(group, earlier);
  std::string key = encoder.key(module);
  {
    std::shared_lock lock(mutex_);
    auto it = groups_.find(key);
    if (it != groups_.end()) return it->second;
  }
  std::unique_lock lock(mutex_);
  // Another thread may have interned the same group in between.
  auto it = groups_.find(key);
  if (it != groups_.end()) return it->second;
  if (types_.size() + group.count >= kNoSuper)
    fatal_invariant("TypeRegistry: canonical ids exhausted");
  uint32_t first_id = uint32_t(types_.size());
  for (uint32_t i = 0; i < group.count; ++i)
    types_.push_back(
        encoder.canonical(module.types[group.first + i], first_id));
  groups_.emplace(std::move(key), first_id);
  return first_id;
}

const SubType& TypeRegistry::canonical_type(uint32_t id) const {
  std::shared_lock lock(mutex_);
  if (id >= types_.size())
    fatal_invariant("TypeRegistry::canonical_type: unknown id");
  return types_[id];
}

bool TypeRegistry::is_subtype(uint32_t sub, uint32_t super) const {
  std::shared_lock lock(mutex_);
  if (sub >= types_.size() || super >= types_.size()) return false;
  // A valid supertype is defined before its subtype, so it has a smaller
  // id; the check keeps the walk finite even for groups that failed
  // validation after being interned.
  for (uint32_t cur = sub;;) {
    if (cur == super) return true;
    const SubType& st = types_[cur];
    if (!st.super || *st.super >= cur) return false;
    cur = *st.super;
  }
}

uint32_t TypeRegistry::size() const {
  std::shared_lock lock(mutex_);
  return uint32_t(types_.size());
}

}  // namespace heron
