// Config::debugger_support: compiled code is linked into gdb's JIT list as an
// ELF symbol file gdb can read (checked here by parsing it as gdb's BFD
// would), and unlinked with the code; nothing is registered without the flag.
#include "runtime/gdb_jit.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api_test_support.h"
#include "runtime/compiled_module.h"

namespace heron {
namespace {

using testing::compile_wat;

// The list, first to last, after checking that the back links agree.
std::vector<const jit_code_entry*> jit_entries() {
  std::vector<const jit_code_entry*> out;
  const jit_code_entry* prev = nullptr;
  for (const jit_code_entry* e = __jit_debug_descriptor.first_entry; e;
       e = e->next_entry) {
    EXPECT_EQ(e->prev_entry, prev);
    out.push_back(e);
    prev = e;
  }
  return out;
}

// What gdb reads from a symbol file, by name.
struct ParsedSymfile {
  Elf64_Ehdr header{};
  std::map<std::string, Elf64_Shdr> sections;
  struct Symbol {
    uint64_t value;
    uint64_t size;
    unsigned char info;
    uint16_t shndx;
  };
  std::map<std::string, Symbol> symbols;
  std::vector<uint8_t> eh_frame;
  uint16_t text_index = 0;
};

template <typename T>
T read_at(const jit_code_entry& e, uint64_t offset) {
  T value{};
  if (offset + sizeof(T) > e.symfile_size) {
    ADD_FAILURE() << "read past the symbol file's end at " << offset;
    return value;
  }
  std::memcpy(&value, e.symfile_addr + offset, sizeof(T));
  return value;
}

std::string string_at(const jit_code_entry& e, const Elf64_Shdr& table,
                      uint32_t offset) {
  EXPECT_LT(offset, table.sh_size);
  const char* s = e.symfile_addr + table.sh_offset + offset;
  const size_t max = size_t(table.sh_size - offset);
  return std::string(s, strnlen(s, max));
}

ParsedSymfile parse(const jit_code_entry& e) {
  ParsedSymfile p;
  p.header = read_at<Elf64_Ehdr>(e, 0);
  const Elf64_Ehdr& h = p.header;
  EXPECT_EQ(std::memcmp(h.e_ident, ELFMAG, SELFMAG), 0);
  EXPECT_EQ(h.e_ident[EI_CLASS], ELFCLASS64);
  EXPECT_EQ(h.e_ident[EI_DATA], ELFDATA2LSB);
  EXPECT_EQ(h.e_ident[EI_VERSION], EV_CURRENT);
  EXPECT_TRUE(h.e_type == ET_EXEC || h.e_type == ET_REL);
  EXPECT_EQ(h.e_machine, EM_X86_64);
  EXPECT_EQ(h.e_shentsize, sizeof(Elf64_Shdr));
  EXPECT_EQ(h.e_ehsize, sizeof(Elf64_Ehdr));
  EXPECT_LE(h.e_shoff + uint64_t(h.e_shnum) * sizeof(Elf64_Shdr),
            e.symfile_size);
  EXPECT_LT(h.e_shstrndx, h.e_shnum);
  std::vector<Elf64_Shdr> shdrs;
  for (uint16_t i = 0; i < h.e_shnum; i++)
    shdrs.push_back(
        read_at<Elf64_Shdr>(e, h.e_shoff + uint64_t(i) * sizeof(Elf64_Shdr)));
  EXPECT_EQ(shdrs[0].sh_type, SHT_NULL);
  for (uint16_t i = 1; i < h.e_shnum; i++) {
    const Elf64_Shdr& s = shdrs[i];
    if (s.sh_type != SHT_NOBITS) {
      EXPECT_LE(s.sh_offset + s.sh_size, e.symfile_size) << i;
    }
    const std::string name = string_at(e, shdrs[h.e_shstrndx], s.sh_name);
    EXPECT_EQ(p.sections.count(name), 0u) << name;
    p.sections[name] = s;
    if (name == ".text") p.text_index = i;
    if (name == ".eh_frame")
      p.eh_frame.assign(e.symfile_addr + s.sh_offset,
                        e.symfile_addr + s.sh_offset + s.sh_size);
  }
  auto symtab = p.sections.find(".symtab");
  if (symtab == p.sections.end()) {
    ADD_FAILURE() << "no .symtab";
    return p;
  }
  const Elf64_Shdr& st = symtab->second;
  EXPECT_EQ(st.sh_type, SHT_SYMTAB);
  EXPECT_EQ(st.sh_entsize, sizeof(Elf64_Sym));
  EXPECT_LT(st.sh_link, h.e_shnum);
  const Elf64_Shdr& strtab = shdrs[st.sh_link];
  EXPECT_EQ(strtab.sh_type, SHT_STRTAB);
  for (uint64_t at = sizeof(Elf64_Sym); at < st.sh_size;
       at += sizeof(Elf64_Sym)) {
    const auto sym = read_at<Elf64_Sym>(e, st.sh_offset + at);
    p.symbols[string_at(e, strtab, sym.st_name)] = ParsedSymfile::Symbol{
        sym.st_value, sym.st_size, sym.st_info, sym.st_shndx};
  }
  return p;
}

// The entry whose symbol file describes `code`, if any.
const jit_code_entry* entry_for(const LoadedCode& code) {
  for (const jit_code_entry* e : jit_entries()) {
    const ParsedSymfile p = parse(*e);
    auto text = p.sections.find(".text");
    if (text != p.sections.end() &&
        text->second.sh_addr == uintptr_t(code.code_region().data()))
      return e;
  }
  return nullptr;
}

api::Config with_debugger_support() {
  api::Config config;
  config.debugger_support = true;
  return config;
}

TEST(GdbJit, RegistersTheCodeOfACompiledModule) {
  api::Engine engine(with_debugger_support());
  const size_t before = jit_entries().size();
  std::optional<api::Module> module = compile_wat(engine, R"((module $m
    (import "env" "f" (func $imported))
    (func $first (export "first") (result i32) (i32.const 1))
    (func (export "second") (result i32) (i32.const 2))
    (func $odd.name! (export "third") (call $imported)))
  )");
  const LoadedCode& code = *module->impl().code;
  ASSERT_EQ(code.num_functions(), 3u);
  ASSERT_EQ(jit_entries().size(), before + 1);
  EXPECT_EQ(__jit_debug_descriptor.version, 1u);
  EXPECT_EQ(__jit_debug_descriptor.action_flag, uint32_t(JIT_NOACTION));
  const jit_code_entry* entry = entry_for(code);
  ASSERT_NE(entry, nullptr);

  const ParsedSymfile p = parse(*entry);
  for (const char* name :
       {".text", ".eh_frame", ".symtab", ".strtab", ".shstrtab"})
    EXPECT_EQ(p.sections.count(name), 1u) << name;
  const Elf64_Shdr& text = p.sections.at(".text");
  EXPECT_EQ(text.sh_type, SHT_NOBITS);
  EXPECT_EQ(text.sh_flags, uint64_t(SHF_ALLOC | SHF_EXECINSTR));
  EXPECT_EQ(text.sh_addr, uintptr_t(code.code_region().data()));
  EXPECT_EQ(text.sh_size, code.code_region().size());

  const Elf64_Shdr& eh = p.sections.at(".eh_frame");
  EXPECT_EQ(eh.sh_addr, uintptr_t(code.eh_frame().data()));
  ASSERT_FALSE(code.eh_frame().empty());
  EXPECT_EQ(p.eh_frame, std::vector<uint8_t>(code.eh_frame().begin(),
                                             code.eh_frame().end()));

  // Function indices count the import; names come from the name section.
  const char* names[] = {"wasm_func_1_first", "wasm_func_2",
                         "wasm_func_3_odd_name_"};
  EXPECT_EQ(p.symbols.size(), 3u);
  for (size_t k = 0; k < 3; k++) {
    auto it = p.symbols.find(names[k]);
    ASSERT_NE(it, p.symbols.end()) << names[k];
    EXPECT_EQ(it->second.value, uintptr_t(code.code(k))) << names[k];
    EXPECT_EQ(it->second.size, code.function(k).size) << names[k];
    EXPECT_EQ(it->second.info, ELF64_ST_INFO(STB_GLOBAL, STT_FUNC));
    EXPECT_EQ(it->second.shndx, p.text_index);
  }

  module.reset();
  EXPECT_EQ(jit_entries().size(), before);
  for (const jit_code_entry* e : jit_entries()) EXPECT_NE(e, entry);
  EXPECT_EQ(__jit_debug_descriptor.relevant_entry, nullptr);
}

TEST(GdbJit, UnlinksFromAnyPositionInTheList) {
  api::Engine engine(with_debugger_support());
  const size_t before = jit_entries().size();
  const char* wat = "(module (func (export \"f\")))";
  std::optional<api::Module> a = compile_wat(engine, wat);
  std::optional<api::Module> b = compile_wat(engine, wat);
  std::optional<api::Module> c = compile_wat(engine, wat);
  ASSERT_EQ(jit_entries().size(), before + 3);
  const jit_code_entry* ea = entry_for(*a->impl().code);
  const jit_code_entry* ec = entry_for(*c->impl().code);
  b.reset();  // the middle one
  std::vector<const jit_code_entry*> left = jit_entries();
  ASSERT_EQ(left.size(), before + 2);
  EXPECT_EQ(left[0], ec);
  EXPECT_EQ(left[1], ea);
  c.reset();  // the first one
  left = jit_entries();
  ASSERT_EQ(left.size(), before + 1);
  EXPECT_EQ(left[0], ea);
  a.reset();
  EXPECT_EQ(jit_entries().size(), before);
}

TEST(GdbJit, RegistersTrampolinesWhenCalling) {
  api::Engine engine(with_debugger_support());
  api::Store store(engine);
  api::Module module = compile_wat(engine,
                                   "(module (func (export \"f\") (result i32) "
                                   "(i32.const 7)))");
  const size_t before = jit_entries().size();
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  auto r = inst->get_func("f").call_as<int32_t>(store);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 7);
  ASSERT_EQ(jit_entries().size(), before + 1);
  const ParsedSymfile p = parse(*jit_entries().front());
  EXPECT_EQ(p.symbols.count("heron_trampoline_0"), 1u);
  EXPECT_EQ(p.symbols.count("heron_trampoline_1"), 1u);
}

TEST(GdbJit, RegistersNothingWithoutTheFlag) {
  api::Engine engine;
  api::Store store(engine);
  const size_t before = jit_entries().size();
  api::Module module = compile_wat(
      engine, "(module (func (export \"f\") (result i32) (i32.const 7)))");
  auto inst = api::Instance::create(store, module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  ASSERT_TRUE(inst->get_func("f").call_as<int32_t>(store).ok());
  EXPECT_EQ(jit_entries().size(), before);
}

TEST(GdbJit, SymbolNamesAreIdentifiers) {
  EXPECT_EQ(GdbJit::function_symbol(4, ""), "wasm_func_4");
  EXPECT_EQ(GdbJit::function_symbol(0, "grow_it"), "wasm_func_0_grow_it");
  EXPECT_EQ(GdbJit::function_symbol(12, "a b::c<d>"), "wasm_func_12_a_b__c_d_");
}

}  // namespace
}  // namespace heron
