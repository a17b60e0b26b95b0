// gdb's JIT interface and the ELF symbol files it reads (see gdb_jit.h).
#include "runtime/gdb_jit.h"

#include <elf.h>

#include <cstring>
#include <mutex>

#include "runtime/compiled_module.h"
#include "runtime/loaded_code.h"

extern "C" {

// Weak, so that a process that also links another JIT implementing the same
// interface (LLVM's, say) links, and both share the one descriptor gdb
// watches (each JIT under its own lock: they must not register at once).
__attribute__((weak))
jit_descriptor __jit_debug_descriptor = {1, JIT_NOACTION, nullptr, nullptr};

// gdb's breakpoint target: it must stay a real call, with a body the
// optimizer can neither drop nor merge with another function's.
__attribute__((weak, noinline)) void __jit_debug_register_code() {
  asm volatile("" ::: "memory");
}

}  // extern "C"

namespace heron {

namespace {

std::mutex& gdb_jit_mutex() {
  static std::mutex m;
  return m;
}

// Section indices of the symbol file.
enum : uint16_t {
  kNull,
  kText,
  kEhFrame,
  kSymtab,
  kStrtab,
  kShstrtab,
  kNumSections
};

// A string table under construction: offset 0 is the empty name.
class StringTable {
 public:
  uint32_t add(std::string_view s) {
    const uint32_t at = uint32_t(bytes_.size());
    bytes_ += s;
    bytes_ += '\0';
    return at;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_ = std::string(1, '\0');
};

size_t align8(size_t n) { return (n + 7) & ~size_t(7); }

template <typename T>
void put(std::vector<uint8_t>& out, size_t at, const T& value) {
  std::memcpy(out.data() + at, &value, sizeof value);
}

void append_name(std::string& out, std::string_view name) {
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_';
    out.push_back(ok ? c : '_');
  }
}

GdbJitRegistration register_code(const LoadedCode& code,
                                 const std::vector<std::string>& names) {
  std::vector<GdbJitSymbol> symbols;
  symbols.reserve(code.num_functions());
  for (size_t k = 0; k < code.num_functions(); k++)
    symbols.push_back(GdbJitSymbol{names[k], uint64_t(uintptr_t(code.code(k))),
                                   code.function(k).size});
  const std::span<const uint8_t> region = code.code_region();
  const std::span<const uint8_t> eh = code.eh_frame();
  return GdbJitRegistration(
      build_gdb_symfile(uint64_t(uintptr_t(region.data())), region.size(),
                        symbols, eh, uint64_t(uintptr_t(eh.data()))));
}

}  // namespace

std::vector<uint8_t> build_gdb_symfile(uint64_t text_address,
                                       uint64_t text_size,
                                       std::span<const GdbJitSymbol> symbols,
                                       std::span<const uint8_t> eh_frame,
                                       uint64_t eh_frame_address) {
  StringTable shstrtab;
  uint32_t section_names[kNumSections] = {};
  section_names[kText] = shstrtab.add(".text");
  section_names[kEhFrame] = shstrtab.add(".eh_frame");
  section_names[kSymtab] = shstrtab.add(".symtab");
  section_names[kStrtab] = shstrtab.add(".strtab");
  section_names[kShstrtab] = shstrtab.add(".shstrtab");

  StringTable strtab;
  std::vector<Elf64_Sym> syms(1 + symbols.size());  // [0]: the null symbol
  for (size_t k = 0; k < symbols.size(); k++) {
    Elf64_Sym& s = syms[1 + k];
    s.st_name = strtab.add(symbols[k].name);
    s.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
    s.st_other = STV_DEFAULT;
    s.st_shndx = kText;
    s.st_value = symbols[k].address;  // ET_EXEC: addresses, not offsets
    s.st_size = symbols[k].size;
  }

  // Layout: ELF header, the section contents (each 8-aligned), the section
  // header table. No program headers: gdb reads sections only.
  size_t size = sizeof(Elf64_Ehdr);
  const size_t eh_frame_at = size;
  size = align8(size + eh_frame.size());
  const size_t symtab_at = size;
  size = align8(size + syms.size() * sizeof(Elf64_Sym));
  const size_t strtab_at = size;
  size = align8(size + strtab.bytes().size());
  const size_t shstrtab_at = size;
  size = align8(size + shstrtab.bytes().size());
  const size_t shdrs_at = size;
  size += kNumSections * sizeof(Elf64_Shdr);

  std::vector<uint8_t> out(size, 0);
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
  // ET_EXEC: sh_addr and st_value are final addresses, which gdb takes as
  // they are (an ET_REL's symbols would be section-relative).
  eh.e_type = ET_EXEC;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_shoff = shdrs_at;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = kNumSections;
  eh.e_shstrndx = kShstrtab;
  put(out, 0, eh);

  if (!eh_frame.empty())
    std::memcpy(out.data() + eh_frame_at, eh_frame.data(), eh_frame.size());
  std::memcpy(out.data() + symtab_at, syms.data(),
              syms.size() * sizeof(Elf64_Sym));
  std::memcpy(out.data() + strtab_at, strtab.bytes().data(),
              strtab.bytes().size());
  std::memcpy(out.data() + shstrtab_at, shstrtab.bytes().data(),
              shstrtab.bytes().size());

  Elf64_Shdr sh[kNumSections] = {};
  for (uint16_t i = 1; i < kNumSections; i++) sh[i].sh_name = section_names[i];
  sh[kText].sh_type = SHT_NOBITS;
  sh[kText].sh_flags = SHF_ALLOC | SHF_EXECINSTR;
  sh[kText].sh_addr = text_address;
  sh[kText].sh_offset = sizeof(Elf64_Ehdr);
  sh[kText].sh_size = text_size;
  sh[kText].sh_addralign = 16;
  // Without CFI the section stays, empty, so that section indices are fixed.
  sh[kEhFrame].sh_type = SHT_PROGBITS;
  sh[kEhFrame].sh_flags = SHF_ALLOC;
  sh[kEhFrame].sh_addr = eh_frame.empty() ? 0 : eh_frame_address;
  sh[kEhFrame].sh_offset = eh_frame_at;
  sh[kEhFrame].sh_size = eh_frame.size();
  sh[kEhFrame].sh_addralign = 8;
  sh[kSymtab].sh_type = SHT_SYMTAB;
  sh[kSymtab].sh_offset = symtab_at;
  sh[kSymtab].sh_size = syms.size() * sizeof(Elf64_Sym);
  sh[kSymtab].sh_link = kStrtab;
  sh[kSymtab].sh_info = 1;  // index of the first non-local symbol
  sh[kSymtab].sh_addralign = 8;
  sh[kSymtab].sh_entsize = sizeof(Elf64_Sym);
  sh[kStrtab].sh_type = SHT_STRTAB;
  sh[kStrtab].sh_offset = strtab_at;
  sh[kStrtab].sh_size = strtab.bytes().size();
  sh[kStrtab].sh_addralign = 1;
  sh[kShstrtab].sh_type = SHT_STRTAB;
  sh[kShstrtab].sh_offset = shstrtab_at;
  sh[kShstrtab].sh_size = shstrtab.bytes().size();
  sh[kShstrtab].sh_addralign = 1;
  std::memcpy(out.data() + shdrs_at, sh, sizeof sh);
  return out;
}

GdbJitRegistration::GdbJitRegistration(std::vector<uint8_t> symfile)
    : entry_(std::make_unique<Entry>()) {
  entry_->symfile = std::move(symfile);
  jit_code_entry* e = &entry_->entry;
  e->symfile_addr = reinterpret_cast<const char*>(entry_->symfile.data());
  e->symfile_size = entry_->symfile.size();
  std::lock_guard<std::mutex> lock(gdb_jit_mutex());
  jit_descriptor& d = __jit_debug_descriptor;
  e->prev_entry = nullptr;
  e->next_entry = d.first_entry;
  if (d.first_entry) d.first_entry->prev_entry = e;
  d.first_entry = e;
  d.relevant_entry = e;
  d.action_flag = JIT_REGISTER_FN;
  __jit_debug_register_code();
  d.action_flag = JIT_NOACTION;
  d.relevant_entry = nullptr;
}

GdbJitRegistration& GdbJitRegistration::operator=(
    GdbJitRegistration&& other) noexcept {
  if (this != &other) {
    reset();
    entry_ = std::move(other.entry_);
  }
  return *this;
}

void GdbJitRegistration::reset() {
  if (!entry_) return;
  {
    std::lock_guard<std::mutex> lock(gdb_jit_mutex());
    jit_descriptor& d = __jit_debug_descriptor;
    jit_code_entry* e = &entry_->entry;
    if (e->prev_entry)
      e->prev_entry->next_entry = e->next_entry;
    else
      d.first_entry = e->next_entry;
    if (e->next_entry) e->next_entry->prev_entry = e->prev_entry;
    d.relevant_entry = e;
    d.action_flag = JIT_UNREGISTER_FN;
    __jit_debug_register_code();
    d.action_flag = JIT_NOACTION;
    d.relevant_entry = nullptr;
  }
  entry_.reset();
}

std::string GdbJit::function_symbol(uint32_t func_index,
                                    std::string_view name) {
  std::string s = "wasm_func_" + std::to_string(func_index);
  if (!name.empty()) {
    s += '_';
    append_name(s, name);
  }
  return s;
}

void GdbJit::add_module(const CompiledModule& module) {
  if (!module.code || module.code->num_functions() == 0) return;
  LoadedCode& code = *module.code;
  std::vector<std::string> names;
  names.reserve(code.num_functions());
  for (size_t k = 0; k < code.num_functions(); k++) {
    const uint32_t index = code.function(k).func_index;
    names.push_back(function_symbol(index, module.function_name(index)));
  }
  code.set_gdb_jit(register_code(code, names));
}

void GdbJit::add_trampolines(LoadedCode& code, std::string_view kind) {
  if (code.num_functions() == 0) return;
  std::vector<std::string> names;
  names.reserve(code.num_functions());
  for (size_t k = 0; k < code.num_functions(); k++) {
    std::string name = "heron_";
    append_name(name, kind);
    names.push_back(name + "_" + std::to_string(code.function(k).func_index));
  }
  code.set_gdb_jit(register_code(code, names));
}

}  // namespace heron
