// The compiled-module artifact (".cwasm"): a module compiled ahead of time,
// loadable without compiling. `heron compile` writes it to a file, the
// compiled-code cache keeps the same bytes under its keys.
//
// Layout (little endian; every section 8-aligned, the code page-aligned):
//
//   header (128 bytes, ArtifactHeader)
//     magic "\x7fHRNAOT\n", format version, header size, Heron's version,
//     file size, CRC32C checksum, section count, and the compile settings
//     (CompileSettings): everything that changes the generated code (opt
//     level, bounds-check strategy, epoch checks, wasm features, guard size,
//     VMContext offsets, the CPU features the code uses, a fingerprint of
//     the runtime ABI: trap codes, library calls, VMContext layout)
//   section table (SectionEntry per section, in SectionId order)
//   Wasm        the module without its custom, function, export and code
//               sections (wasm_skeleton.h): what instantiation reads
//               (types, imports, globals, tables, segments, constant
//               expressions), decoded again at load without validation;
//               tens of KB for a 6 MB module
//   FuncTypes   uint32[]: the type index of each defined function
//   Exports     ExportEntry[]: the export section, flat (CompiledModule's
//               own table)
//   ExportText  the export names' characters
//   Names       NameEntry[]: the name section's function names and module
//               name, sorted by index (CompiledModule's own table)
//   NameText    the names' characters
//   Functions   LoadedCode::Function[]: index, offset, size, address map
//               slice, one per defined function in index order
//   AddressMap  the compact address maps (runtime/address_map.h: native
//               offset -> wasm offset of the ORIGINAL module's bytes)
//   Traps       TrapSite[] in region offsets, sorted (CodeRegistry's form:
//               registered in place, never copied)
//   Libcalls    LoadedCode::LibcallSite[]: 8-byte slots in the code that
//               receive a runtime library call's address (by ir::LibCall
//               id; the ABI fingerprint pins what the ids mean)
//   CodeLayout  LoadedCode::RegionLayout: where the code ends and the
//               .eh_frame lies in the region
//   Code        the linked region: the code, calls between functions
//               resolved (rel32, position independent), library-call slots
//               zero; then the .eh_frame, whose FDEs address their
//               functions pc-relatively (runtime/eh_frame_linker.h), so
//               nothing in it depends on where it is mapped. The file is
//               padded to a whole page after it
//
// Loading a file maps everything before the code read-only and the code
// privately at its page-aligned offset, so nothing is copied: the pages come
// from the page cache, and only the ones the loader writes (library-call
// slots) become private copies. The tables are used where they lie
// (LoadedCode::from_image). From memory (the cache), the bytes are the
// storage and the region is copied into fresh code memory.
//
// What loading checks, in order: the magic, the format version and Heron's
// version (a different Heron may lay out anything differently), the size
// (truncation), the checksum over the whole file, the compile settings
// against the engine's Config and the CPU, then the structure: section
// bounds, alignment and record sizes, and every index or offset that the
// loader itself follows (function and export indices, name and export text
// ranges, the functions' extents, library-call slots, the region layout).
// What it trusts, without a pass over them: the code region (machine code
// and .eh_frame), the wasm skeleton (decoded, not validated), the trap
// table and the address maps (lookups in those stay in bounds anyway). The
// checksum detects corruption (a truncated copy, a flipped bit), not
// malice: anyone who can write an artifact can make it run any machine
// code, exactly as with Wasmtime's serialized modules. Load only artifacts
// you, or a producer you trust, compiled.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace heron::artifact {

inline constexpr uint8_t kMagic[8] = {0x7f, 'H', 'R', 'N', 'A', 'O', 'T', '\n'};
// Bump on any change of this layout or of what a section means.
inline constexpr uint32_t kFormatVersion = 1;
// The code's file offset and the file's size are multiples of this (the
// largest page size the loader maps directly; other hosts copy the code).
inline constexpr uint64_t kCodeAlignment = 4096;
inline constexpr uint64_t kSectionAlignment = 8;

// Everything that makes two compilations of one module produce different
// code. Equal settings (CPU features: a subset of the host's) mean the code
// runs correctly in the engine.
struct CompileSettings {
  uint8_t opt_level = 0;  // 0 (-O0) or 2 (-O2)
  uint8_t explicit_bounds_checks = 0;
  uint8_t epoch_interruption = 0;
  uint8_t stack_check = 0;
  uint32_t wasm_features = 0;  // bits of heron::Features (settings.cc)
  uint64_t guard_bytes = 0;
  int32_t limits_ptr_offset = 0;
  int32_t stack_limit_offset = 0;
  uint32_t cpu_features = 0;  // x64::CpuFeatures::feature_bits()
  uint32_t runtime_abi = 0;   // runtime_abi_fingerprint()
  uint8_t reserved[16] = {};  // zero
};
static_assert(sizeof(CompileSettings) == 48);

struct ArtifactHeader {
  uint8_t magic[8];
  uint32_t format_version;
  uint32_t header_size;    // sizeof(ArtifactHeader)
  char heron_version[32];  // NUL-padded
  uint64_t file_size;
  uint32_t checksum;  // CRC32C of the whole file, this field read as zero
  uint32_t section_count;
  CompileSettings settings;
  uint8_t reserved[16];  // zero
};
static_assert(sizeof(ArtifactHeader) == 128);
static_assert(std::is_trivially_copyable_v<ArtifactHeader>);
inline constexpr size_t kChecksumOffset = offsetof(ArtifactHeader, checksum);

enum class SectionId : uint32_t {
  Wasm = 1,
  FuncTypes,
  Exports,
  ExportText,
  Names,
  NameText,
  Functions,
  AddressMap,
  Traps,
  Libcalls,
  CodeLayout,
  Code,  // always last
};
inline constexpr uint32_t kSectionCount = 12;

struct SectionEntry {
  uint32_t id;
  uint32_t reserved;  // zero
  uint64_t offset;
  uint64_t size;
};
static_assert(sizeof(SectionEntry) == 24);

// Where the code starts and the table ends.
inline constexpr uint64_t kSectionTableOffset = sizeof(ArtifactHeader);
inline constexpr uint64_t kSectionTableEnd =
    kSectionTableOffset + kSectionCount * sizeof(SectionEntry);

}  // namespace heron::artifact
