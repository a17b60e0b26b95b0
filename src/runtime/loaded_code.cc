// Linking compiled functions into executable memory (design note in
// loaded_code.h).
#include "runtime/loaded_code.h"

#include <algorithm>
#include <cstring>

extern "C" void __register_frame(void*);
extern "C" void __deregister_frame(void*);

namespace heron {

namespace {

constexpr size_t kFunctionAlignment = 16;

size_t align_up(size_t n) {
  return (n + kFunctionAlignment - 1) & ~(kFunctionAlignment - 1);
}

}  // namespace

Result<std::unique_ptr<LoadedCode>> LoadedCode::load(
    std::span<const x64::CompiledFunction* const> funcs,
    std::span<const uint32_t> func_indices, const Resolver& resolve,
    const CompiledModule* module) {
  if (funcs.size() != func_indices.size())
    fatal_invariant("LoadedCode::load: one index per function");
  std::unique_ptr<LoadedCode> lc(new LoadedCode());
  lc->module_ = module;
  size_t total = 0;
  for (size_t k = 0; k < funcs.size(); k++) {
    Function f;
    f.func_index = func_indices[k];
    f.offset = uint32_t(total);
    f.size = uint32_t(funcs[k]->code.size());
    f.address_map = funcs[k]->address_map;
    f.start_srcloc = funcs[k]->func_start_srcloc;
    lc->functions_.push_back(std::move(f));
    total = align_up(total + funcs[k]->code.size());
    if (total > UINT32_MAX / 2)
      return Error(ErrorKind::Limit, "module code larger than 2 GiB");
  }
  auto mem = CodeMemory::allocate(std::max<size_t>(total, 1));
  if (!mem.ok()) return std::move(mem).error();
  lc->memory_ = std::move(mem).value();
  lc->code_size_ = total;
  std::span<uint8_t> out = lc->memory_.writable();
  const uintptr_t base = uintptr_t(out.data());

  // Position of each wasm function index, for CallRel32ToFunc.
  std::vector<std::pair<uint32_t, uint32_t>> by_index;
  for (size_t k = 0; k < funcs.size(); k++)
    by_index.emplace_back(func_indices[k], lc->functions_[k].offset);
  std::sort(by_index.begin(), by_index.end());

  std::vector<TrapSite> traps;
  for (size_t k = 0; k < funcs.size(); k++) {
    const x64::CompiledFunction& cf = *funcs[k];
    const uint32_t at = lc->functions_[k].offset;
    std::memcpy(out.data() + at, cf.code.data(), cf.code.size());
    for (const x64::Relocation& r : cf.relocations) {
      if (size_t(r.offset) +
              (r.kind == x64::RelocKind::CallRel32ToFunc ? 4 : 8) >
          cf.code.size())
        return Error(ErrorKind::Internal, "relocation outside the function");
      uint8_t* patch = out.data() + at + r.offset;
      if (r.kind == x64::RelocKind::CallRel32ToFunc) {
        auto it = std::lower_bound(by_index.begin(), by_index.end(),
                                   std::make_pair(r.target, uint32_t(0)));
        if (it == by_index.end() || it->first != r.target)
          return Error(ErrorKind::Internal, "call relocation to function " +
                                                std::to_string(r.target) +
                                                " that is not defined");
        const int64_t s = int64_t(base + it->second);
        const int64_t p = int64_t(uintptr_t(patch));
        const int64_t rel = s + r.addend - p;
        if (rel < INT32_MIN || rel > INT32_MAX)
          return Error(ErrorKind::Internal, "call relocation out of range");
        const int32_t rel32 = int32_t(rel);
        std::memcpy(patch, &rel32, 4);
      } else {
        auto target = resolve
                          ? resolve(r)
                          : Result<uint64_t>(Error(ErrorKind::Internal,
                                                   "unresolved relocation"));
        if (!target.ok()) return std::move(target).error();
        const uint64_t v = *target + uint64_t(r.addend);
        std::memcpy(patch, &v, 8);
      }
    }
    for (const x64::TrapSite& t : cf.traps)
      traps.push_back(TrapSite{at + t.offset, t.code});
  }
  auto exec = lc->memory_.make_executable();
  if (!exec.ok()) return std::move(exec).error();

  // One .eh_frame section for the whole module: each function's CIE+FDE
  // (CIE pointers are relative, so the pairs concatenate unchanged) and one
  // terminator. libgcc's __register_frame takes a whole section; one object
  // per module keeps registration and deregistration linear, where one per
  // function makes deregistration quadratic in the function count.
  std::vector<uint8_t>& eh = lc->eh_frame_;
  for (size_t k = 0; k < funcs.size(); k++) {
    const x64::UnwindInfo& uw = funcs[k]->unwind;
    if (uw.eh_frame.empty()) continue;
    if (uw.eh_frame.size() < 4 ||
        size_t(uw.pc_begin_offset) + 8 > uw.eh_frame.size() - 4)
      return Error(ErrorKind::Internal, "bad unwind info");
    const size_t at = eh.size();
    eh.insert(eh.end(), uw.eh_frame.begin(), uw.eh_frame.end() - 4);
    const uint64_t pc_begin = base + lc->functions_[k].offset;
    std::memcpy(eh.data() + at + uw.pc_begin_offset, &pc_begin, 8);
  }
  if (!eh.empty()) {
    eh.insert(eh.end(), 4, 0);
    __register_frame(eh.data());
  }
  lc->registration_ = CodeRegistration(base, base + std::max<size_t>(total, 1),
                                       traps, lc.get());
  return lc;
}

LoadedCode::~LoadedCode() {
  // gdb forgets the functions before anything about them is undone.
  gdb_jit_.reset();
  registration_.reset();
  if (!eh_frame_.empty()) __deregister_frame(eh_frame_.data());
}

const LoadedCode::Function* LoadedCode::function_at(uintptr_t pc) const {
  if (!memory_.contains(pc)) return nullptr;
  const uint32_t off = uint32_t(pc - uintptr_t(memory_.data()));
  auto it = std::upper_bound(
      functions_.begin(), functions_.end(), off,
      [](uint32_t o, const Function& f) { return o < f.offset; });
  if (it == functions_.begin()) return nullptr;
  --it;
  if (off >= it->offset + it->size) return nullptr;
  return &*it;
}

std::optional<uint32_t> LoadedCode::srcloc_at(uintptr_t pc) const {
  const Function* f = function_at(pc);
  if (!f) return std::nullopt;
  const uint32_t off = uint32_t(pc - uintptr_t(memory_.data())) - f->offset;
  auto it = std::upper_bound(
      f->address_map.begin(), f->address_map.end(), off,
      [](uint32_t o, const x64::AddressMapEntry& e) { return o < e.offset; });
  if (it == f->address_map.begin()) return std::nullopt;
  --it;
  if (it->srcloc == x64::kNoSrcLoc) return std::nullopt;
  return it->srcloc;
}

const LoadedCode* LoadedCode::containing(uintptr_t pc) {
  CodeLookup l = CodeRegistry::lookup(pc);
  if (!l.in_wasm) return nullptr;
  return static_cast<const LoadedCode*>(l.owner);
}

}  // namespace heron
