// TypeRegistry: engine-wide canonicalization of defined types.
//
// WebAssembly GC types are equivalent iso-recursively: two rec groups define
// the same types when they have the same structure, where a reference to a
// type inside the group is compared by its position in the group and a
// reference to an earlier type by that type's identity. The registry gives
// every distinct (rec group, position) a dense uint32 canonical id, so that
// type equivalence across rec groups and across modules is one integer
// compare, and keeps each canonical type in a module-independent form so
// that the linker can match imports of one module against exports of another.
//
// Thread-safe: modules of one engine may be validated concurrently.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>

#include "format/module.h"

namespace heron {

class TypeRegistry {
 public:
  static constexpr uint32_t kNoSuper = UINT32_MAX;

  TypeRegistry() = default;
  TypeRegistry(const TypeRegistry&) = delete;
  TypeRegistry& operator=(const TypeRegistry&) = delete;

  // The process-wide registry, used until an Engine owns one.
  static TypeRegistry& global();

  // Interns rec group `group` of `module`. `earlier` holds the canonical ids
  // of the module's types before the group (at least group.first of them).
  // Every type index used inside the group (field and parameter types,
  // supertypes) must be < group.first + group.count: the caller validates
  // that first. Returns the canonical id of the group's first type; the
  // group's other types have the ids that follow it.
  uint32_t intern(const Module& module, const RecGroup& group,
                  std::span<const uint32_t> earlier);

  // The canonical form of a type: its SubType where every type index
  // (concrete heap types, the supertype) is a canonical id, and rec_group is
  // the canonical id of its group's first type. The reference stays valid as
  // long as the registry lives.
  const SubType& canonical_type(uint32_t id) const;

  // Declared-supertype subtyping between canonical ids (reflexive,
  // transitive), independent of any module.
  bool is_subtype(uint32_t sub, uint32_t super) const;

  // Number of canonical ids handed out so far.
  uint32_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  // A deque never moves its elements, so references returned by
  // canonical_type() survive later insertions.
  std::deque<SubType> types_;
  // Structural key of a rec group -> canonical id of its first type.
  std::unordered_map<std::string, uint32_t> groups_;
};

}  // namespace heron
