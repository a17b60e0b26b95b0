// The pass pipeline per optimization level, in one place so that a reader
// sees what -O2 does. In builds without NDEBUG (debug and test builds) the
// verifier runs after every pass and a failure aborts with its message: a
// pass that breaks the IR is Heron's bug and must be caught where it happens.
#include <string>

#include "ir/verifier.h"
#include "opt/passes.h"

namespace heron::opt {
namespace {

bool checked(bool changed, const ir::Function& f, const char* pass) {
#ifndef NDEBUG
  if (changed) {
    if (auto r = ir::verify(f); !r) {
      std::string what =
          std::string("after ") + pass + ": " + r.error().message;
      fatal_invariant(what.c_str());
    }
  }
#endif
  return changed;
}

}  // namespace

void optimize(ir::Function& f, OptLevel level) {
  if (level == OptLevel::O0) return;
  // Each round can expose work for the others (a folded condition makes a
  // branch constant, which makes blocks unreachable...). Bounded so a
  // pathological input cannot loop for long.
  for (int round = 0; round < 4; ++round) {
    bool changed = checked(fold_constants(f), f, "fold_constants");
    changed |= checked(simplify_branches(f), f, "simplify_branches");
    changed |=
        checked(remove_unreachable_blocks(f), f, "remove_unreachable_blocks");
    changed |= checked(eliminate_dead_code(f), f, "eliminate_dead_code");
    if (!changed) break;
  }
}

}  // namespace heron::opt
