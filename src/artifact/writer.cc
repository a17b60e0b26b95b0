// Serializing a CompiledModule into the artifact layout of format.h.
#include <cstring>
#include <string>
#include <type_traits>

#include "artifact/artifact.h"
#include "artifact/format.h"
#include "artifact/reader.h"
#include "artifact/settings.h"
#include "artifact/version.h"
#include "artifact/wasm_skeleton.h"
#include "runtime/compiled_module.h"
#include "runtime/engine_impl.h"
#include "runtime/loaded_code.h"

namespace heron {

namespace {

using namespace artifact;

// The records the loader uses in place must have exactly the layout the
// format gives them.
static_assert(std::is_trivially_copyable_v<LoadedCode::Function> &&
              sizeof(LoadedCode::Function) == 24);
static_assert(std::is_trivially_copyable_v<NameEntry> &&
              sizeof(NameEntry) == 12);
static_assert(std::is_trivially_copyable_v<ExportEntry> &&
              sizeof(ExportEntry) == 16 && offsetof(ExportEntry, kind) == 12);
static_assert(std::is_trivially_copyable_v<LoadedCode::LibcallSite> &&
              sizeof(LoadedCode::LibcallSite) == 16);
static_assert(sizeof(TrapSite) == 8 && offsetof(TrapSite, code) == 4 &&
              sizeof(TrapCode) == 1);
static_assert(std::is_trivially_copyable_v<LoadedCode::RegionLayout> &&
              sizeof(LoadedCode::RegionLayout) == 24);

uint64_t align_up(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

template <class T>
std::span<const uint8_t> as_bytes(std::span<const T> s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size_bytes()};
}

}  // namespace

Result<std::vector<uint8_t>> serialize_compiled_module(
    const CompiledModule& cm) {
  LoadedCode::ImageView image;
  if (cm.code) {
    if (!cm.code->serializable())
      return Error(ErrorKind::Unsupported,
                   "the module's code refers to embedder objects by address "
                   "and cannot be serialized");
    image = cm.code->image();
  }
  auto skeleton = wasm_skeleton(cm.module.bytes);
  if (!skeleton.ok()) return std::move(skeleton).error();
  const Module& m = cm.module;
  const std::span<const uint32_t> func_types =
      std::span<const uint32_t>(m.funcs).subspan(m.num_imported_funcs);

  // Section sizes, in SectionId order; the code goes last, page-aligned.
  const uint64_t sizes[kSectionCount] = {
      skeleton->size(),
      func_types.size_bytes(),
      cm.exports.size_bytes(),
      cm.export_text.size(),
      cm.names.size_bytes(),
      cm.name_text.size(),
      image.functions.size_bytes(),
      image.address_map.size_bytes(),
      image.traps.size() * sizeof(TrapSite),
      image.libcalls.size_bytes(),
      cm.code ? sizeof(LoadedCode::RegionLayout) : 0,
      image.region.size(),
  };
  SectionEntry table[kSectionCount];
  uint64_t at = kSectionTableEnd;
  for (uint32_t k = 0; k < kSectionCount; k++) {
    const uint64_t align =
        k + 1 == kSectionCount ? kCodeAlignment : kSectionAlignment;
    at = align_up(at, align);
    table[k] = SectionEntry{k + 1, 0, at, sizes[k]};
    at += sizes[k];
  }
  const uint64_t file_size = align_up(at, kCodeAlignment);
  std::vector<uint8_t> out(file_size, 0);
  auto put = [&](SectionId id, std::span<const uint8_t> bytes) {
    if (!bytes.empty())
      std::memcpy(out.data() + table[uint32_t(id) - 1].offset, bytes.data(),
                  bytes.size());
  };
  put(SectionId::Wasm, *skeleton);
  put(SectionId::FuncTypes, as_bytes(func_types));
  put(SectionId::Exports, as_bytes(cm.exports));
  put(SectionId::ExportText, as_bytes(cm.export_text));
  put(SectionId::Names, as_bytes(cm.names));
  put(SectionId::NameText, as_bytes(cm.name_text));
  put(SectionId::Functions, as_bytes(image.functions));
  put(SectionId::AddressMap, image.address_map);
  {
    // Field by field: TrapSite has padding, which must be zero in the file.
    uint8_t* p = out.data() + table[uint32_t(SectionId::Traps) - 1].offset;
    for (const TrapSite& t : image.traps) {
      std::memcpy(p, &t.offset, 4);
      p[4] = uint8_t(t.code);
      p += sizeof(TrapSite);
    }
  }
  put(SectionId::Libcalls, as_bytes(image.libcalls));
  if (cm.code)
    put(SectionId::CodeLayout,
        as_bytes(std::span<const LoadedCode::RegionLayout>(&image.layout, 1)));
  put(SectionId::Code, image.region);
  {
    // Library-call slots hold this process's addresses: zero them, so that
    // the artifact depends only on the module and the settings.
    uint8_t* code = out.data() + table[uint32_t(SectionId::Code) - 1].offset;
    for (const LoadedCode::LibcallSite& s : image.libcalls)
      std::memset(code + s.offset, 0, 8);
  }

  ArtifactHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format_version = kFormatVersion;
  h.header_size = sizeof(ArtifactHeader);
  std::strncpy(h.heron_version, heron_version(), sizeof h.heron_version - 1);
  h.file_size = file_size;
  h.checksum = 0;
  h.section_count = kSectionCount;
  h.settings = settings_for(cm.engine->config);
  std::memcpy(out.data(), &h, sizeof h);
  std::memcpy(out.data() + kSectionTableOffset, table, sizeof table);

  const uint64_t code_offset = table[kSectionCount - 1].offset;
  const std::span<const uint8_t> all(out);
  h.checksum =
      artifact_checksum(all.first(code_offset), all.subspan(code_offset));
  std::memcpy(out.data() + kChecksumOffset, &h.checksum, 4);
  return out;
}

}  // namespace heron
