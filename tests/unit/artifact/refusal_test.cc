// Every way an artifact is refused, each with its own message: not an
// artifact, truncated, trailing bytes, corrupt (checksum), another format or
// Heron version, compile settings that differ from the engine's, CPU
// features this machine lacks, another runtime ABI, a broken structure
// under a valid checksum. Then the brute-force loops: every single-byte
// flip and every truncation of a small artifact is refused, never a crash.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <string>

#include "../runtime/api_test_support.h"
#include "artifact/format.h"
#include "artifact/reader.h"
#include "heron/heron.h"
#include "runtime/compiled_module.h"

namespace heron {
namespace {

using namespace artifact;
using testing::compile_wat;

constexpr const char* kWat = R"((module
  (memory 1)
  (func $f (export "f") (param i32) (result i32)
    (i32.add (i32.load (local.get 0)) (call $g (local.get 0))))
  (func $g (param i32) (result i32)
    (i32.div_u (i32.const 100) (local.get 0)))
  (func (export "grow") (result i32) (memory.grow (i32.const 1))))
)";

std::vector<uint8_t> artifact_of(const api::Engine& engine,
                                 const char* wat = kWat) {
  auto bytes = compile_wat(engine, wat).serialize();
  if (!bytes.ok()) {
    ADD_FAILURE() << bytes.error().message;
    return {};
  }
  return *bytes;
}

// Rewrites the checksum after a deliberate change, so that the check under
// test is the one that refuses. The code offset is the table's, or
// `code_offset` when given (a test that changes the table itself).
void rechecksum(std::vector<uint8_t>& bytes, uint64_t code_offset = 0) {
  if (code_offset == 0) {
    std::memcpy(&code_offset,
                bytes.data() + kSectionTableOffset +
                    (kSectionCount - 1) * sizeof(SectionEntry) +
                    offsetof(SectionEntry, offset),
                8);
  }
  const std::span<const uint8_t> all(bytes);
  const uint32_t crc =
      artifact_checksum(all.first(code_offset), all.subspan(code_offset));
  std::memcpy(bytes.data() + kChecksumOffset, &crc, 4);
}

template <class F>
std::vector<uint8_t> with_header(std::vector<uint8_t> bytes, F change) {
  ArtifactHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  change(h);
  std::memcpy(bytes.data(), &h, sizeof h);
  rechecksum(bytes);
  return bytes;
}

SectionEntry& section(std::vector<uint8_t>& bytes, SectionId id) {
  return reinterpret_cast<SectionEntry*>(bytes.data() +
                                         kSectionTableOffset)[uint32_t(id) - 1];
}

std::string refusal(const api::Engine& engine, std::span<const uint8_t> bytes) {
  auto m = api::Module::deserialize(engine, bytes);
  if (m.ok()) return "(accepted)";
  return m.error().message;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

TEST(ArtifactRefusal, NotAnArtifact) {
  api::Engine engine;
  api::Module m = compile_wat(engine, kWat);
  EXPECT_EQ(refusal(engine, m.impl().module.bytes),
            "not a Heron compiled module (no .cwasm magic)");
  EXPECT_EQ(refusal(engine, {}),
            "not a Heron compiled module (no .cwasm magic)");
  const std::string text = "(module)";
  EXPECT_EQ(refusal(engine, {reinterpret_cast<const uint8_t*>(text.data()),
                             text.size()}),
            "not a Heron compiled module (no .cwasm magic)");
  auto err = api::Module::deserialize(engine, m.impl().module.bytes);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().kind, ErrorKind::Malformed);
}

TEST(ArtifactRefusal, Truncated) {
  api::Engine engine;
  const std::vector<uint8_t> bytes = artifact_of(engine);
  for (size_t n :
       {size_t(3), size_t(8), size_t(12), size_t(100), size_t(kSectionTableEnd),
        bytes.size() / 2, bytes.size() - 1}) {
    const std::string msg =
        refusal(engine, std::span<const uint8_t>(bytes).first(n));
    EXPECT_TRUE(starts_with(
        msg, "truncated compiled module: " + std::to_string(n) + " bytes"))
        << n << ": " << msg;
  }
}

TEST(ArtifactRefusal, TrailingBytes) {
  api::Engine engine;
  std::vector<uint8_t> bytes = artifact_of(engine);
  bytes.push_back(0);
  EXPECT_EQ(refusal(engine, bytes),
            "malformed compiled module: 1 trailing bytes after the module's " +
                std::to_string(bytes.size() - 1));
}

TEST(ArtifactRefusal, Corrupt) {
  api::Engine engine;
  std::vector<uint8_t> bytes = artifact_of(engine);
  const uint64_t code = section(bytes, SectionId::Code).offset;
  bytes[code + 5] ^= 0x10;  // a bit of machine code
  EXPECT_EQ(refusal(engine, bytes),
            "compiled module is corrupt: checksum mismatch");
  bytes[code + 5] ^= 0x10;
  bytes[section(bytes, SectionId::Wasm).offset + 9] ^= 1;
  EXPECT_EQ(refusal(engine, bytes),
            "compiled module is corrupt: checksum mismatch");
}

TEST(ArtifactRefusal, OtherFormatVersion) {
  api::Engine engine;
  auto bytes = with_header(artifact_of(engine),
                           [](ArtifactHeader& h) { h.format_version = 99; });
  const std::string msg = refusal(engine, bytes);
  EXPECT_EQ(msg,
            "compiled module in artifact format 99, but this Heron "
            "reads format " +
                std::to_string(kFormatVersion) + ": compile it again");
  EXPECT_EQ(api::Module::deserialize(engine, bytes).error().kind,
            ErrorKind::Unsupported);
}

TEST(ArtifactRefusal, OtherHeronVersion) {
  api::Engine engine;
  auto bytes = with_header(artifact_of(engine), [](ArtifactHeader& h) {
    std::memset(h.heron_version, 0, sizeof h.heron_version);
    std::memcpy(h.heron_version, "9.9.9", 5);
  });
  const std::string msg = refusal(engine, bytes);
  EXPECT_TRUE(starts_with(msg,
                          "compiled module made by Heron 9.9.9, but this "
                          "is Heron "))
      << msg;
}

TEST(ArtifactRefusal, OtherCompileSettings) {
  api::Config o2;
  api::Engine engine_o2(o2);
  const std::vector<uint8_t> bytes = artifact_of(engine_o2);

  api::Config o0;
  o0.opt_level = api::OptLevel::O0;
  EXPECT_EQ(refusal(api::Engine(o0), bytes),
            "incompatible compiled module: compiled at -O2, but the engine "
            "compiles at -O0");
  api::Config bounds;
  bounds.explicit_bounds_checks = true;
  EXPECT_EQ(refusal(api::Engine(bounds), bytes),
            "incompatible compiled module: compiled for guard pages, but the "
            "engine uses explicit bounds checks");
  EXPECT_EQ(refusal(api::Engine(o2), artifact_of(api::Engine(bounds))),
            "incompatible compiled module: compiled with explicit bounds "
            "checks, but the engine uses guard pages");
  api::Config epoch;
  epoch.epoch_interruption = true;
  EXPECT_EQ(refusal(api::Engine(epoch), bytes),
            "incompatible compiled module: compiled without epoch "
            "interruption, but the engine has it on");
  api::Config features;
  features.features.memory64 = false;
  EXPECT_EQ(refusal(api::Engine(features), bytes),
            "incompatible compiled module: compiled with WebAssembly "
            "features {multi-memory, multi-table, memory64}, but the engine "
            "enables {multi-memory, multi-table}");
  // Settings that do not change code do not matter.
  api::Config runtime_only;
  runtime_only.max_wasm_stack = 64 * 1024;
  runtime_only.perf_map = true;
  EXPECT_EQ(refusal(api::Engine(runtime_only), bytes), "(accepted)");
}

TEST(ArtifactRefusal, CpuFeaturesThisMachineLacks) {
  api::Engine engine;
  auto bytes = with_header(artifact_of(engine), [](ArtifactHeader& h) {
    h.settings.cpu_features |= 1u << 30;
  });
  EXPECT_EQ(refusal(engine, bytes),
            "incompatible compiled module: compiled for CPU features this "
            "machine lacks: bit 30");
  EXPECT_EQ(api::Module::deserialize(engine, bytes).error().kind,
            ErrorKind::Unsupported);
  // Code that uses fewer features than the machine has runs.
  auto fewer = with_header(artifact_of(engine), [](ArtifactHeader& h) {
    h.settings.cpu_features = 0;
  });
  EXPECT_EQ(refusal(engine, fewer), "(accepted)");
}

TEST(ArtifactRefusal, OtherRuntimeAbi) {
  api::Engine engine;
  auto bytes = with_header(artifact_of(engine), [](ArtifactHeader& h) {
    h.settings.runtime_abi ^= 1;
  });
  EXPECT_EQ(refusal(engine, bytes),
            "incompatible compiled module: compiled against another runtime "
            "ABI (trap codes, library calls or VMContext layout differ)");
}

TEST(ArtifactRefusal, BrokenStructureUnderAValidChecksum) {
  api::Engine engine;
  const std::vector<uint8_t> good = artifact_of(engine);
  {
    auto bytes = good;
    section(bytes, SectionId::Functions).offset += 4;
    rechecksum(bytes);
    EXPECT_EQ(refusal(engine, bytes),
              "malformed compiled module: section Functions: misplaced");
  }
  {
    auto bytes = good;
    section(bytes, SectionId::Traps).size = 1u << 30;
    rechecksum(bytes);
    EXPECT_EQ(refusal(engine, bytes),
              "malformed compiled module: section Traps: outside the file");
  }
  {
    auto bytes = good;
    section(bytes, SectionId::Code).offset += 8;
    rechecksum(bytes);
    EXPECT_EQ(refusal(engine, bytes),
              "malformed compiled module: code section does not end the "
              "file on a page");
  }
  {
    // A function beyond the code.
    auto bytes = good;
    const uint64_t at = section(bytes, SectionId::Functions).offset;
    uint32_t offset = 1u << 20;
    std::memcpy(bytes.data() + at + 4, &offset, 4);
    rechecksum(bytes);
    const std::string msg = refusal(engine, bytes);
    EXPECT_TRUE(starts_with(msg,
                            "malformed code image: function 0 outside "
                            "the code"))
        << msg;
  }
  {
    // One function too few for the module.
    auto bytes = good;
    section(bytes, SectionId::Functions).size -= 24;
    rechecksum(bytes);
    EXPECT_EQ(refusal(engine, bytes),
              "malformed compiled module: 2 compiled functions for 3 defined "
              "ones");
  }
  {
    // A library call this runtime does not have.
    auto bytes = good;
    ASSERT_GT(section(bytes, SectionId::Libcalls).size, 0u);
    const uint64_t at = section(bytes, SectionId::Libcalls).offset;
    uint32_t id = 200;
    std::memcpy(bytes.data() + at + 4, &id, 4);
    rechecksum(bytes);
    EXPECT_EQ(refusal(engine, bytes),
              "malformed code image: unknown library call 200");
  }
}

TEST(ArtifactRefusal, FileErrors) {
  api::Engine engine;
  auto missing = api::Module::deserialize_file(engine, "/nonexistent/x.cwasm");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::Io);
  EXPECT_TRUE(starts_with(missing.error().message,
                          "cannot open /nonexistent/x.cwasm: "))
      << missing.error().message;
  auto dir = api::Module::deserialize_file(engine, ::testing::TempDir());
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().kind, ErrorKind::Io);

  // A truncated file is refused like truncated bytes.
  std::vector<uint8_t> bytes = artifact_of(engine);
  const std::string path = testing::unique_temp_path("truncated.cwasm");
  {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            std::streamsize(bytes.size() - 4096));
  }
  auto t = api::Module::deserialize_file(engine, path);
  ASSERT_FALSE(t.ok());
  EXPECT_TRUE(starts_with(t.error().message, "truncated compiled module: "))
      << t.error().message;

  // Empty and short files (the loader maps the whole file first).
  for (size_t n : {size_t(0), size_t(3), size_t(100)}) {
    {
      std::ofstream f(path, std::ios::binary | std::ios::trunc);
      f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(n));
    }
    auto s = api::Module::deserialize_file(engine, path);
    ASSERT_FALSE(s.ok()) << n;
    EXPECT_EQ(s.error().message,
              n == 0
                  ? std::string("not a Heron compiled module (no .cwasm magic)")
                  : "truncated compiled module: " + std::to_string(n) +
                        " bytes, expected " + std::to_string(kSectionTableEnd))
        << n;
  }
  std::remove(path.c_str());
}

// With the checksum on, no single-byte change goes unnoticed, wherever it
// lands (header, tables, wasm, code, padding), and no prefix loads.
TEST(ArtifactRefusal, EveryFlipAndEveryTruncationIsRefused) {
  api::Engine engine;
  std::vector<uint8_t> bytes = artifact_of(engine);
  ASSERT_LE(bytes.size(), 64u * 1024) << "keep the brute force small";
  size_t refused = 0;
  for (size_t at = 0; at < bytes.size(); at++) {
    const uint8_t flip = uint8_t(1u << (at % 8));
    bytes[at] ^= flip;
    auto m = api::Module::deserialize(engine, bytes);
    EXPECT_FALSE(m.ok()) << "flip at " << at << " accepted";
    refused += !m.ok();
    bytes[at] ^= flip;
  }
  EXPECT_EQ(refused, bytes.size());
  for (size_t n = 0; n < bytes.size(); n++) {
    auto m = api::Module::deserialize(engine,
                                      std::span<const uint8_t>(bytes).first(n));
    EXPECT_FALSE(m.ok()) << "prefix of " << n << " bytes accepted";
  }
  EXPECT_TRUE(api::Module::deserialize(engine, bytes).ok());
}

// Under a checksum that matches (a producer bug, or the checksum forged),
// changes to the tables and the section table are refused or loaded, but
// never make the loader crash. (The wasm section and the code region, the
// .eh_frame included, are trusted: loading does not validate them beyond
// the .eh_frame's entry lengths; see artifact/format.h.)
TEST(ArtifactRefusal, TableChangesUnderAValidChecksumNeverCrashTheLoader) {
  api::Engine engine;
  const std::vector<uint8_t> good = artifact_of(engine);
  std::vector<uint8_t> copy = good;
  const uint64_t code_offset = section(copy, SectionId::Code).offset;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (SectionId id :
       {SectionId::FuncTypes, SectionId::Exports, SectionId::ExportText,
        SectionId::Names, SectionId::NameText, SectionId::Functions,
        SectionId::AddressMap, SectionId::Traps, SectionId::Libcalls,
        SectionId::CodeLayout}) {
    const SectionEntry& s = section(copy, id);
    ranges.emplace_back(s.offset, s.offset + s.size);
  }
  // The section table entries other than the wasm section's.
  ranges.emplace_back(kSectionTableOffset + sizeof(SectionEntry),
                      kSectionTableEnd);
  size_t accepted = 0, total = 0;
  for (auto [begin, end] : ranges) {
    for (uint64_t at = begin; at < end; at++) {
      for (uint8_t flip : {uint8_t(0x01), uint8_t(0x80), uint8_t(0xff)}) {
        std::vector<uint8_t> bytes = good;
        bytes[at] ^= flip;
        rechecksum(bytes, code_offset);
        auto m = api::Module::deserialize(engine, bytes);
        accepted += m.ok();
        total++;
      }
    }
  }
  // Most changes are caught; the rest (an address-map offset, a trap code
  // that is still a trap code) load, and are simply not called here.
  EXPECT_GT(total, 0u);
  EXPECT_LT(accepted, total);
}

}  // namespace
}  // namespace heron
