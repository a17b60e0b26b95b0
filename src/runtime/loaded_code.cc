// Linking compiled functions into executable memory (design note in
// loaded_code.h).
#include "runtime/loaded_code.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "runtime/address_map.h"
#include "runtime/eh_frame_linker.h"
#include "runtime/libcalls.h"

extern "C" void __register_frame(void*);
extern "C" void __deregister_frame(void*);

namespace heron {

namespace {

constexpr size_t kFunctionAlignment = 16;

size_t align_up(size_t n) {
  return (n + kFunctionAlignment - 1) & ~(kFunctionAlignment - 1);
}

// The flat tables of code linked by load().
struct OwnedTables {
  std::vector<LoadedCode::Function> functions;
  std::vector<uint8_t> address_map;
  std::vector<TrapSite> traps;
  std::vector<LoadedCode::LibcallSite> libcalls;
};

Error bad_image(const std::string& what) {
  return Error(ErrorKind::Malformed, "malformed code image: " + what);
}

// What from_image() checks: everything the loader itself writes or indexes
// (the region layout, the function table, library-call slots). The trap
// table and the .eh_frame are used as they are, without a pass over them:
// both belong to the trusted image (artifact/format.h), and reading them
// stays bounded anyway (the CodeRegistry's binary search, srcloc_at's
// clamped map slices); a producer bug there gives wrong answers, not wild
// reads by Heron (libgcc parses the .eh_frame only when unwinding).
Result<void> check_image(const LoadedCode::Image& im) {
  const LoadedCode::RegionLayout& l = im.layout;
  const uint64_t code_size = l.code_size;
  const uint64_t region = im.memory.size();
  if (code_size == 0 || code_size > region || l.eh_frame_offset < code_size ||
      l.eh_frame_offset > region ||
      l.eh_frame_size > region - l.eh_frame_offset)
    return bad_image("region layout");
  uint64_t prev_end = 0;
  for (const LoadedCode::Function& f : im.functions) {
    if (f.offset < prev_end || uint64_t(f.offset) + f.size > code_size)
      return bad_image("function " + std::to_string(f.func_index) +
                       " outside the code or out of order");
    prev_end = uint64_t(f.offset) + f.size;
  }
  for (const LoadedCode::LibcallSite& s : im.libcalls)
    if (uint64_t(s.offset) + 8 > code_size)
      return bad_image("library-call site outside the code");
  return {};
}

}  // namespace

Result<std::unique_ptr<LoadedCode>> LoadedCode::load(
    std::span<const x64::CompiledFunction* const> funcs,
    std::span<const uint32_t> func_indices, const Resolver& resolve,
    const CompiledModule* module) {
  if (funcs.size() != func_indices.size())
    fatal_invariant("LoadedCode::load: one index per function");
  auto tables = std::make_shared<OwnedTables>();
  tables->functions.reserve(funcs.size());
  size_t total = 0, map_entries = 0, trap_sites = 0;
  for (size_t k = 0; k < funcs.size(); k++) {
    const x64::CompiledFunction& cf = *funcs[k];
    Function f;
    f.func_index = func_indices[k];
    f.offset = uint32_t(total);
    f.size = uint32_t(cf.code.size());
    f.start_srcloc = cf.func_start_srcloc;
    f.map_count = uint32_t(cf.address_map.size());
    tables->functions.push_back(f);
    map_entries += cf.address_map.size();
    trap_sites += cf.traps.size();
    total = align_up(total + cf.code.size());
    if (total > UINT32_MAX / 2)
      return Error(ErrorKind::Limit, "module code larger than 2 GiB");
  }
  // The unwind info goes right after the code (`total` is 16-aligned).
  EhFrameLinker eh_linker(total);
  for (size_t k = 0; k < funcs.size(); k++) {
    auto r = eh_linker.add(funcs[k]->unwind, tables->functions[k].offset,
                           tables->functions[k].size);
    if (!r.ok()) return std::move(r).error();
  }
  const std::vector<uint8_t> eh = eh_linker.finish();
  auto mem = CodeMemory::allocate(std::max<size_t>(total + eh.size(), 1));
  if (!mem.ok()) return std::move(mem).error();
  std::unique_ptr<LoadedCode> lc(new LoadedCode());
  lc->module_ = module;
  lc->memory_ = std::move(mem).value();
  lc->code_size_ = total;
  lc->layout_ = RegionLayout{total, total, eh.size()};
  std::span<uint8_t> out = lc->memory_.writable();
  if (!eh.empty()) std::memcpy(out.data() + total, eh.data(), eh.size());

  // Position of each wasm function index, for CallRel32ToFunc.
  std::vector<std::pair<uint32_t, uint32_t>> by_index;
  by_index.reserve(funcs.size());
  for (size_t k = 0; k < funcs.size(); k++)
    by_index.emplace_back(func_indices[k], tables->functions[k].offset);
  std::sort(by_index.begin(), by_index.end());

  tables->address_map.reserve(map_entries * 5 / 2);
  tables->traps.reserve(trap_sites);
  for (size_t k = 0; k < funcs.size(); k++) {
    const x64::CompiledFunction& cf = *funcs[k];
    const uint32_t at = tables->functions[k].offset;
    std::memcpy(out.data() + at, cf.code.data(), cf.code.size());
    for (const x64::Relocation& r : cf.relocations) {
      if (size_t(r.offset) +
              (r.kind == x64::RelocKind::CallRel32ToFunc ? 4 : 8) >
          cf.code.size())
        return Error(ErrorKind::Internal, "relocation outside the function");
      const uint32_t site = at + r.offset;
      uint8_t* patch = out.data() + site;
      if (r.kind == x64::RelocKind::CallRel32ToFunc) {
        // Both ends are in this region: the displacement does not depend on
        // where the region is mapped.
        auto it = std::lower_bound(by_index.begin(), by_index.end(),
                                   std::make_pair(r.target, uint32_t(0)));
        if (it == by_index.end() || it->first != r.target)
          return Error(ErrorKind::Internal, "call relocation to function " +
                                                std::to_string(r.target) +
                                                " that is not defined");
        const int64_t rel = int64_t(it->second) + r.addend - int64_t(site);
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
        if (r.kind == x64::RelocKind::Abs64ToLibcall)
          tables->libcalls.push_back(LibcallSite{site, r.target, r.addend});
        else
          lc->serializable_ = false;
      }
    }
    if (tables->address_map.size() > UINT32_MAX)
      return Error(ErrorKind::Limit, "address map larger than 4 GiB");
    tables->functions[k].map_begin = uint32_t(tables->address_map.size());
    encode_address_map(cf.address_map, cf.func_start_srcloc,
                       tables->address_map);
    // Sorted within each function; functions are laid out in order.
    for (const x64::TrapSite& t : cf.traps)
      tables->traps.push_back(TrapSite{at + t.offset, t.code});
  }

  lc->functions_ = tables->functions;
  lc->address_map_ = tables->address_map;
  lc->traps_ = tables->traps;
  lc->libcalls_ = tables->libcalls;
  lc->storage_ = std::move(tables);
  if (auto r = lc->finish(); !r.ok()) return std::move(r).error();
  return lc;
}

Result<std::unique_ptr<LoadedCode>> LoadedCode::from_image(
    Image image, const CompiledModule* module) {
  if (auto r = check_image(image); !r.ok()) return std::move(r).error();
  std::unique_ptr<LoadedCode> lc(new LoadedCode());
  lc->module_ = module;
  lc->code_size_ = image.layout.code_size;
  lc->layout_ = image.layout;
  lc->functions_ = image.functions;
  lc->address_map_ = image.address_map;
  lc->traps_ = image.traps;
  lc->libcalls_ = image.libcalls;
  lc->storage_ = std::move(image.storage);
  lc->memory_ = std::move(image.memory);
  for (const LibcallSite& s : lc->libcalls_) {
    const void* addr = libcall_address(s.libcall);
    if (!addr)
      return bad_image("unknown library call " + std::to_string(s.libcall));
    const uint64_t v = uint64_t(uintptr_t(addr)) + uint64_t(s.addend);
    auto slot = lc->memory_.prepare_write(s.offset, 8);
    if (!slot.ok()) return std::move(slot).error();
    std::memcpy(*slot, &v, 8);
  }
  if (auto r = lc->finish(); !r.ok()) return std::move(r).error();
  return lc;
}

Result<void> LoadedCode::finish() {
  if (auto r = memory_.make_executable(); !r.ok()) return r;
  const uintptr_t base = uintptr_t(memory_.data());
  eh_frame_ = {memory_.data() + layout_.eh_frame_offset,
               size_t(layout_.eh_frame_size)};
  if (!eh_frame_.empty()) {
    // libgcc only reads the section (lazily, at the first unwind that
    // needs it); const_cast for its C signature.
    __register_frame(const_cast<uint8_t*>(eh_frame_.data()));
    frames_registered_ = true;
  }
  registration_ = CodeRegistration::borrowed(
      base, base + std::max<size_t>(code_size_, 1), traps_, this);
  return {};
}

LoadedCode::~LoadedCode() {
  // gdb forgets the functions before anything about them is undone.
  gdb_jit_.reset();
  registration_.reset();
  if (frames_registered_)
    __deregister_frame(const_cast<uint8_t*>(eh_frame_.data()));
}

LoadedCode::ImageView LoadedCode::image() const {
  const size_t end = std::max(layout_.code_size,
                              layout_.eh_frame_offset + layout_.eh_frame_size);
  return ImageView{{memory_.data(), end}, layout_, functions_,
                   address_map_,          traps_,  libcalls_};
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
  // A function's entries run to the next function's (clamped: the tables
  // of a pre-linked image are not checked entry by entry).
  const size_t k = size_t(f - functions_.data());
  const size_t begin = std::min<size_t>(f->map_begin, address_map_.size());
  size_t end = k + 1 < functions_.size() ? functions_[k + 1].map_begin
                                         : address_map_.size();
  end = std::clamp(end, begin, address_map_.size());
  return lookup_address_map(address_map_.subspan(begin, end - begin),
                            f->map_count, f->start_srcloc, off);
}

const LoadedCode* LoadedCode::containing(uintptr_t pc) {
  CodeLookup l = CodeRegistry::lookup(pc);
  if (!l.in_wasm) return nullptr;
  return static_cast<const LoadedCode*>(l.owner);
}

}  // namespace heron
