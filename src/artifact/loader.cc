// Loading an artifact into a CompiledModule without compiling (format.h):
// identity, size, checksum, settings and structure are checked, the wasm
// module's metadata decoded again (no validation, no function bodies), the
// module's interface computed, and the pre-linked code handed to
// LoadedCode::from_image.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "artifact/artifact.h"
#include "artifact/file_mapping.h"
#include "artifact/format.h"
#include "artifact/reader.h"
#include "artifact/settings.h"
#include "format/decoder.h"
#include "runtime/compiled_module.h"
#include "runtime/engine_impl.h"
#include "runtime/loaded_code.h"

namespace heron {

namespace {

using namespace artifact;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Adds the time since the last lap to one phase.
class Laps {
 public:
  explicit Laps(ArtifactLoadTimes* times) : times_(times), last_(now_ns()) {}
  void lap(int64_t ArtifactLoadTimes::*phase) {
    const int64_t t = now_ns();
    if (times_) times_->*phase += t - last_;
    last_ = t;
  }

 private:
  ArtifactLoadTimes* times_;
  int64_t last_;
};

template <class T>
std::span<const T> records(std::span<const uint8_t> meta,
                           const SectionEntry& s) {
  return {reinterpret_cast<const T*>(meta.data() + s.offset),
          size_t(s.size / sizeof(T))};
}

Error malformed(const std::string& what) {
  return Error(ErrorKind::Malformed, "malformed compiled module: " + what);
}

// The checksum over `meta` and `code` (the artifact's bytes before the code
// and from it), then the settings, then the structure.
Result<void> verify(const ArtifactLayout& layout, const api::Config& config,
                    std::span<const uint8_t> meta,
                    std::span<const uint8_t> code) {
  if (auto r = check_checksum(layout, artifact_checksum(meta, code)); !r.ok())
    return r;
  if (auto r = check_settings(layout.header.settings, config); !r.ok())
    return r;
  return check_sections(layout);
}

// What the artifact stores flat (wasm_skeleton.h) into the decoded
// skeleton: the defined functions' types, the export and name tables. The
// indices are checked, as the validator would have, so that nothing later
// indexes past the module's own tables.
Result<void> attach_flat_sections(CompiledModule& cm,
                                  const ArtifactLayout& layout,
                                  std::span<const uint8_t> meta) {
  Module& m = cm.module;
  if (!m.bodies.empty() || m.funcs.size() != m.num_imported_funcs ||
      !m.exports.empty())
    return malformed("its wasm module has function or export sections");
  const auto types =
      records<uint32_t>(meta, layout.section(SectionId::FuncTypes));
  for (uint32_t t : types)
    if (t >= m.types.size() || m.types[t].composite.kind != CompositeKind::Func)
      return malformed("function of an unknown type");
  m.funcs.insert(m.funcs.end(), types.begin(), types.end());

  const SectionEntry& export_text = layout.section(SectionId::ExportText);
  cm.exports = records<ExportEntry>(meta, layout.section(SectionId::Exports));
  cm.export_text = {
      reinterpret_cast<const char*>(meta.data() + export_text.offset),
      size_t(export_text.size)};
  const uint64_t counts[] = {m.funcs.size(), m.tables.size(), m.memories.size(),
                             m.globals.size(), m.tags.size()};
  for (const ExportEntry& e : cm.exports)
    if (uint8_t(e.kind) >= std::size(counts) ||
        e.index >= counts[uint8_t(e.kind)] ||
        uint64_t(e.name_offset) + e.name_size > export_text.size)
      return malformed("export table");

  const SectionEntry& name_text = layout.section(SectionId::NameText);
  cm.names = records<NameEntry>(meta, layout.section(SectionId::Names));
  cm.name_text = {reinterpret_cast<const char*>(meta.data() + name_text.offset),
                  size_t(name_text.size)};
  for (size_t k = 0; k < cm.names.size(); k++) {
    const NameEntry& e = cm.names[k];
    if (uint64_t(e.offset) + e.size > name_text.size ||
        (k != 0 && e.index <= cm.names[k - 1].index))
      return malformed("name table");
  }
  return {};
}

// Builds the module from verified bytes: `meta` (everything before the
// code, owned by `storage`) and `code` (the code section in code memory,
// not executable yet).
Result<std::shared_ptr<const CompiledModule>> build_module(
    const std::shared_ptr<EngineImpl>& engine, const ArtifactLayout& layout,
    std::span<const uint8_t> meta, CodeMemory code,
    std::shared_ptr<const void> storage, Laps& laps) {
  auto cm = std::make_shared<CompiledModule>();
  cm->engine = engine;
  cm->storage = storage;
  const SectionEntry& wasm = layout.section(SectionId::Wasm);
  auto decoded = decode_module(meta.subspan(wasm.offset, wasm.size));
  if (!decoded.ok())
    return malformed("its wasm module does not decode: " +
                     decoded.error().message);
  cm->module = std::move(decoded).value();
  if (auto r = attach_flat_sections(*cm, layout, meta); !r.ok())
    return std::move(r).error();
  const Module& m = cm->module;
  if (auto r = init_module_interface(*cm); !r.ok()) return r.error();

  const auto functions =
      records<LoadedCode::Function>(meta, layout.section(SectionId::Functions));
  const uint32_t first = m.num_imported_funcs;
  if (functions.size() != m.funcs.size() - first)
    return malformed(std::to_string(functions.size()) +
                     " compiled functions for " +
                     std::to_string(m.funcs.size() - first) + " defined ones");
  for (size_t k = 0; k < functions.size(); k++)
    if (functions[k].func_index != first + k)
      return malformed("compiled functions out of order");
  laps.lap(&ArtifactLoadTimes::decode_ns);

  const auto region = records<LoadedCode::RegionLayout>(
      meta, layout.section(SectionId::CodeLayout));
  if (functions.empty() != region.empty() || region.size() > 1)
    return malformed("code layout");
  if (!functions.empty()) {
    LoadedCode::Image image;
    image.memory = std::move(code);
    image.layout = region[0];
    if (image.layout.code_size > layout.code_size())
      return malformed("code layout");
    image.functions = functions;
    image.address_map =
        records<uint8_t>(meta, layout.section(SectionId::AddressMap));
    image.traps = records<TrapSite>(meta, layout.section(SectionId::Traps));
    image.libcalls = records<LoadedCode::LibcallSite>(
        meta, layout.section(SectionId::Libcalls));
    image.storage = std::move(storage);
    auto loaded = LoadedCode::from_image(std::move(image), cm.get());
    if (!loaded.ok()) return std::move(loaded).error();
    cm->code = std::move(loaded).value();
    announce_module_code(*cm);
  }
  laps.lap(&ArtifactLoadTimes::link_ns);
  return std::shared_ptr<const CompiledModule>(std::move(cm));
}

// The memory path: `bytes` is owned by `storage` and 8-aligned.
Result<std::shared_ptr<const CompiledModule>> load_from_memory(
    const std::shared_ptr<EngineImpl>& engine, std::span<uint8_t> bytes,
    std::shared_ptr<const void> storage, Laps& laps) {
  auto layout = read_layout(bytes, bytes.size());
  if (!layout.ok()) return std::move(layout).error();
  const uint64_t code_offset = layout->code_offset();
  const std::span<uint8_t> meta = bytes.first(code_offset);
  const std::span<uint8_t> code_bytes = bytes.subspan(code_offset);
  if (auto r = verify(*layout, engine->config, meta, code_bytes); !r.ok())
    return std::move(r).error();
  laps.lap(&ArtifactLoadTimes::verify_ns);
  CodeMemory code;
  if (layout->code_size() != 0) {
    auto mem = CodeMemory::allocate(layout->code_size());
    if (!mem.ok()) return std::move(mem).error();
    code = std::move(mem).value();
    std::memcpy(code.writable().data(), code_bytes.data(), layout->code_size());
  }
  laps.lap(&ArtifactLoadTimes::map_ns);
  return build_module(engine, *layout, meta, std::move(code),
                      std::move(storage), laps);
}

Error io_error(const std::string& path, const std::string& what) {
  return Error(ErrorKind::Io,
               "cannot " + what + " " + path + ": " + std::strerror(errno));
}

// Closes a descriptor on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// The whole artifact is mapped first and the header read through the
// mapping, not with pread (advise_huge_pages says why); everything after
// the code's offset is unmapped again once the layout is known, the code
// being mapped on its own at its page-aligned offset. Where pages are
// larger than the format's alignment, or the file system forbids executing
// mapped files (noexec), the code is read into code memory instead.
Result<std::shared_ptr<const CompiledModule>> load_from_file(
    const std::shared_ptr<EngineImpl>& engine, const ArtifactInFile& source,
    Laps& laps) {
  const std::string& path = source.name;
  const int fd = source.fd;
  if (source.size == 0) return read_layout({}, 0).error();
  auto whole = FileMapping::map(fd, source.offset, source.size);
  if (!whole.ok()) return std::move(whole).error();
  auto mapping = std::make_shared<FileMapping>(std::move(whole).value());
  auto layout = read_layout(mapping->bytes(), source.size);
  if (!layout.ok()) return std::move(layout).error();
  const uint64_t code_offset = layout->code_offset();
  if (code_offset % host_page_size() == 0) mapping->shrink(code_offset);
  const std::span<const uint8_t> meta = mapping->bytes().first(code_offset);
  CodeMemory code;
  const uint64_t padded = source.size - code_offset;
  const uint64_t file_code_offset = source.offset + code_offset;
  if (padded != 0 && file_code_offset % host_page_size() == 0) {
    auto mem = CodeMemory::map_file(fd, file_code_offset, padded);
    if (mem.ok()) code = std::move(mem).value();
  }
  if (padded != 0 && !code.data()) {
    auto mem = CodeMemory::allocate(padded);
    if (!mem.ok()) return std::move(mem).error();
    code = std::move(mem).value();
    uint8_t* out = code.writable().data();
    size_t done = 0;
    while (done < padded) {
      const ssize_t r =
          pread(fd, out + done, padded - done, off_t(file_code_offset + done));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return io_error(path, "read");
      done += size_t(r);
    }
  }
  laps.lap(&ArtifactLoadTimes::map_ns);

  if (auto r = verify(*layout, engine->config, meta, {code.data(), padded});
      !r.ok())
    return std::move(r).error();
  laps.lap(&ArtifactLoadTimes::verify_ns);

  return build_module(engine, *layout, meta, std::move(code),
                      std::move(mapping), laps);
}

}  // namespace

bool is_artifact(std::span<const uint8_t> bytes) {
  return bytes.size() >= sizeof kMagic &&
         std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

Result<std::shared_ptr<const CompiledModule>> deserialize_compiled_module(
    const std::shared_ptr<EngineImpl>& engine, std::span<const uint8_t> bytes) {
  return deserialize_compiled_module(
      engine, std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

Result<std::shared_ptr<const CompiledModule>> deserialize_compiled_module(
    const std::shared_ptr<EngineImpl>& engine, std::vector<uint8_t>&& bytes) {
  Laps laps(nullptr);
  auto owned = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  if (uintptr_t(owned->data()) % kSectionAlignment != 0)
    owned = std::make_shared<std::vector<uint8_t>>(*owned);  // fresh: aligned
  const std::span<uint8_t> span(*owned);
  return load_from_memory(engine, span, std::move(owned), laps);
}

Result<std::shared_ptr<const CompiledModule>> deserialize_compiled_module_file(
    const std::shared_ptr<EngineImpl>& engine, const std::string& path,
    ArtifactLoadTimes* times) {
  Laps laps(times);
  Fd fd{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.fd < 0) return io_error(path, "open");
  struct stat st;
  if (fstat(fd.fd, &st) != 0) return io_error(path, "stat");
  if (!S_ISREG(st.st_mode))
    return Error(ErrorKind::Io, "cannot map " + path + ": not a regular file");
  laps.lap(&ArtifactLoadTimes::map_ns);
  return load_from_file(engine, {fd.fd, 0, uint64_t(st.st_size), path}, laps);
}

Result<std::shared_ptr<const CompiledModule>> deserialize_compiled_module_at(
    const std::shared_ptr<EngineImpl>& engine, const ArtifactInFile& source,
    ArtifactLoadTimes* times) {
  if (source.offset % kCodeAlignment != 0)
    fatal_invariant("artifact at an unaligned file offset");
  Laps laps(times);
  return load_from_file(engine, source, laps);
}

}  // namespace heron
