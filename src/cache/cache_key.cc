// The cache key and its inputs (see cache_key.h).
#include "cache/cache_key.h"

#include <elf.h>
#include <link.h>

#include <cstring>
#include <string_view>

#include "isa/x64/cpu_features.h"

#ifndef HERON_VERSION
#error "HERON_VERSION must be defined for cache_key.cc (CMakeLists.txt)"
#endif

namespace heron {

namespace {

// Tripwires: a new Config or Features field must be classified as changing
// generated code (then encoded in encode_compile_settings) or not (then
// listed in cache_key.h's comment); only then update the size here. A
// forgotten field would hand out code compiled under other settings.
static_assert(sizeof(Features) == 3,
              "Features changed: encode the new field in "
              "encode_compile_settings (cache_key.cc)");
static_assert(sizeof(api::Config) == 104,
              "api::Config changed: classify the new field for the code "
              "cache key in encode_compile_settings (cache_key.cc)");

void add_u64(Sha256& h, uint64_t v) {
  uint8_t bytes[8];
  for (int i = 0; i < 8; i++) bytes[i] = uint8_t(v >> (8 * i));
  h.update(std::span<const uint8_t>(bytes, 8));
}

void add_field(Sha256& h, std::span<const uint8_t> bytes) {
  add_u64(h, bytes.size());
  h.update(bytes);
}

struct BuildIdSearch {
  uintptr_t address;  // of a function of Heron's
  std::string hex;    // found build id
};

// dl_iterate_phdr callback: in the object whose loaded segments contain
// `address`, the NT_GNU_BUILD_ID note.
int find_build_id(dl_phdr_info* info, size_t, void* data) {
  auto* search = static_cast<BuildIdSearch*>(data);
  bool contains = false;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (search->address >= start && search->address < start + ph.p_memsz) {
      contains = true;
    }
  }
  if (!contains) return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const auto* p =
        reinterpret_cast<const uint8_t*>(info->dlpi_addr + ph.p_vaddr);
    const uint8_t* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      ElfW(Nhdr) note;
      std::memcpy(&note, p, sizeof note);
      const uint8_t* name = p + sizeof note;
      const uint8_t* desc = name + ((note.n_namesz + 3) & ~3u);
      const uint8_t* next = desc + ((note.n_descsz + 3) & ~3u);
      if (next > end) break;
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
          std::memcmp(name, "GNU", 4) == 0) {
        search->hex = to_hex(std::span<const uint8_t>(desc, note.n_descsz));
        return 1;
      }
      p = next;
    }
  }
  return 1;  // the right object, without a build id
}

std::vector<uint8_t> make_compiler_identity() {
  std::string identity = "heron " HERON_VERSION;
  BuildIdSearch search{reinterpret_cast<uintptr_t>(&make_compiler_identity),
                       {}};
  dl_iterate_phdr(find_build_id, &search);
  if (!search.hex.empty()) identity += " build-id " + search.hex;
  return std::vector<uint8_t>(identity.begin(), identity.end());
}

}  // namespace

CacheKey cache_key(std::span<const uint8_t> compiler_identity,
                   std::span<const uint8_t> settings, uint64_t cpu_feature_bits,
                   std::span<const uint8_t> module_bytes) {
  Sha256 h;
  h.update(std::string_view("heron code cache key 1"));
  add_field(h, compiler_identity);
  add_field(h, settings);
  add_u64(h, cpu_feature_bits);
  add_field(h, module_bytes);
  return CacheKey{h.finish()};
}

const std::vector<uint8_t>& compiler_identity() {
  static const std::vector<uint8_t> identity = make_compiler_identity();
  return identity;
}

std::vector<uint8_t> encode_compile_settings(const api::Config& config) {
  std::string text;
  auto add = [&](std::string_view name, unsigned value) {
    text += name;
    text += '=';
    text += std::to_string(value);
    text += '\n';
  };
  add("opt_level", config.opt_level == api::OptLevel::O0 ? 0 : 2);
  add("explicit_bounds_checks", config.explicit_bounds_checks);
  add("epoch_interruption", config.epoch_interruption);
  add("features.multi_memory", config.features.multi_memory);
  add("features.multi_table", config.features.multi_table);
  add("features.memory64", config.features.memory64);
  return std::vector<uint8_t>(text.begin(), text.end());
}

CacheKey module_cache_key(const api::Config& config,
                          std::span<const uint8_t> module_bytes) {
  return cache_key(compiler_identity(), encode_compile_settings(config),
                   x64::host_cpu_features().feature_bits(), module_bytes);
}

CacheKey file_record_key(const api::Config& config, const FileIdentity& file) {
  static constexpr char kPrefix[] = "heron file identity";
  std::vector<uint8_t> bytes(kPrefix, kPrefix + sizeof kPrefix);
  for (uint64_t v : {file.device, file.inode, file.size,
                     uint64_t(file.mtime_sec), uint64_t(file.mtime_nsec),
                     uint64_t(file.ctime_sec), uint64_t(file.ctime_nsec)}) {
    for (int i = 0; i < 8; i++) bytes.push_back(uint8_t(v >> (8 * i)));
  }
  return module_cache_key(config, bytes);
}

}  // namespace heron
