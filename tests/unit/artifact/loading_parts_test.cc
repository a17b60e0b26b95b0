// The runtime pieces an artifact is loaded with: code mapped from a file
// (executable, the patched pages writable meanwhile, never both; never the
// file itself changed), compact address maps (every entry found again, a
// damaged stream never read outside), and trap tables the CodeRegistry borrows.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <vector>

#include "../runtime/api_test_support.h"
#include "../runtime/proc_maps.h"
#include "artifact/file_mapping.h"
#include "runtime/address_map.h"
#include "runtime/code_memory.h"
#include "runtime/code_registry.h"

namespace heron {
namespace {

// The protections of the page at `offset` of `m`.
std::string perms_at(const CodeMemory& m, size_t offset) {
  const uintptr_t at = uintptr_t(m.data()) + offset;
  auto maps = testing::mappings_overlapping(at, at + 1);
  if (maps.size() != 1) return "(" + std::to_string(maps.size()) + " maps)";
  return maps[0].perms;
}

// Born read+execute; a patched page is read+write (never executable) until
// make_executable, the others never change; the file never changes.
TEST(CodeMapping, OnlyPatchedPagesBecomeWritableNeverTheFile) {
  const size_t page = host_page_size();
  const std::string path = testing::unique_temp_path("code_mapping.bin");
  std::vector<uint8_t> bytes(3 * page);
  for (size_t k = 0; k < bytes.size(); k++) bytes[k] = uint8_t(k * 7);
  {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            std::streamsize(bytes.size()));
  }
  const int fd = open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  auto mem = CodeMemory::map_file(fd, page, 2 * page);
  close(fd);
  ASSERT_TRUE(mem.ok()) << mem.error().message;
  EXPECT_TRUE(mem->file_backed());
  EXPECT_EQ(mem->size(), 2 * page);
  EXPECT_EQ(std::memcmp(mem->data(), bytes.data() + page, 2 * page), 0);
  EXPECT_EQ(perms_at(*mem, 0), "r-xp");
  EXPECT_EQ(perms_at(*mem, page), "r-xp");

  auto slot = mem->prepare_write(page + 8, 8);
  ASSERT_TRUE(slot.ok()) << slot.error().message;
  EXPECT_EQ(perms_at(*mem, 0), "r-xp");
  EXPECT_EQ(perms_at(*mem, page), "rw-p");
  const uint64_t value = 0x1122334455667788;
  std::memcpy(*slot, &value, 8);
  ASSERT_TRUE(mem->make_executable().ok());
  EXPECT_EQ(perms_at(*mem, 0), "r-xp");
  EXPECT_EQ(perms_at(*mem, page), "r-xp");
  EXPECT_EQ(std::memcmp(mem->data() + page + 8, &value, 8), 0);

  // The file still holds what was written to it.
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> after(bytes.size());
  f.read(reinterpret_cast<char*>(after.data()), std::streamsize(after.size()));
  EXPECT_TRUE(after == bytes);
  std::remove(path.c_str());
}

// The loader maps a whole artifact, then gives back what follows the
// metadata: the bytes kept are the file's, the rest is no longer mapped.
TEST(FileMapping, ShrinkUnmapsTheTail) {
  const size_t page = host_page_size();
  std::vector<uint8_t> bytes(3 * page + 100);
  for (size_t k = 0; k < bytes.size(); k++) bytes[k] = uint8_t(k * 7);
  const std::string path = testing::unique_temp_path("mapping.bin");
  {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            std::streamsize(bytes.size()));
  }
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto m = artifact::FileMapping::map(fd, 0, bytes.size());
  close(fd);
  std::remove(path.c_str());
  ASSERT_TRUE(m.ok()) << m.error().message;
  const uintptr_t base = uintptr_t(m->bytes().data());
  EXPECT_EQ(
      testing::mappings_overlapping(base + 2 * page, base + 3 * page).size(),
      1u);
  m->shrink(page);
  ASSERT_EQ(m->bytes().size(), page);
  EXPECT_EQ(std::memcmp(m->bytes().data(), bytes.data(), page), 0);
  EXPECT_EQ(testing::mappings_overlapping(base, base + page).size(), 1u);
  EXPECT_TRUE(
      testing::mappings_overlapping(base + page, base + 4 * page).empty());
}

TEST(AddressMap, EveryEntryIsFoundAgain) {
  std::mt19937 rng(5);
  std::vector<x64::AddressMapEntry> entries;
  uint32_t offset = 0;
  for (int k = 0; k < 500; k++) {
    offset += 1 + rng() % 40;
    uint32_t srcloc = rng() % 9 == 0   ? x64::kNoSrcLoc
                      : rng() % 5 == 0 ? uint32_t(rng())
                                       : 1000 + uint32_t(rng() % 300);
    entries.push_back({offset, srcloc});
  }
  std::vector<uint8_t> stream;
  encode_address_map(entries, 1100, stream);
  EXPECT_LT(stream.size(), entries.size() * 8);
  const uint32_t count = uint32_t(entries.size());
  EXPECT_EQ(lookup_address_map(stream, count, 1100, 0), std::nullopt);
  for (size_t k = 0; k < entries.size(); k++) {
    const uint32_t end =
        k + 1 < entries.size() ? entries[k + 1].offset : entries[k].offset + 9;
    for (uint32_t at : {entries[k].offset, end - 1}) {
      const auto got = lookup_address_map(stream, count, 1100, at);
      if (entries[k].srcloc == x64::kNoSrcLoc)
        EXPECT_EQ(got, std::nullopt) << k;
      else
        EXPECT_EQ(got, entries[k].srcloc) << k;
    }
  }
}

TEST(AddressMap, DamagedStreamsStayInside) {
  std::vector<x64::AddressMapEntry> entries = {{4, 10}, {9, 200000}, {30, 7}};
  std::vector<uint8_t> stream;
  encode_address_map(entries, x64::kNoSrcLoc, stream);
  // Cut short: lookups past the cut give up instead of reading on.
  for (size_t n = 0; n < stream.size(); n++) {
    std::vector<uint8_t> cut(stream.begin(), stream.begin() + ptrdiff_t(n));
    (void)lookup_address_map(cut, 3, x64::kNoSrcLoc, 100);
  }
  // Endless continuation bytes: no overlong read either.
  std::vector<uint8_t> junk(64, 0xff);
  EXPECT_EQ(lookup_address_map(junk, 1000, 5, 100), std::nullopt);
}

TEST(CodeRegistry, BorrowedTablesAreUsedInPlace) {
  const std::vector<TrapSite> traps = {{0, TrapCode::Unreachable},
                                       {16, TrapCode::IntegerDivideByZero},
                                       {40, TrapCode::MemoryOutOfBounds}};
  static char owner;
  alignas(64) static uint8_t region[64];
  const uintptr_t start = uintptr_t(region);
  {
    CodeRegistration r =
        CodeRegistration::borrowed(start, start + sizeof region, traps, &owner);
    CodeLookup l = CodeRegistry::lookup(start + 16);
    EXPECT_TRUE(l.in_wasm && l.is_trap_site);
    EXPECT_EQ(l.code, TrapCode::IntegerDivideByZero);
    EXPECT_EQ(l.owner, &owner);
    EXPECT_FALSE(CodeRegistry::lookup(start + 17).is_trap_site);
    EXPECT_EQ(CodeRegistry::lookup(start + 40).code,
              TrapCode::MemoryOutOfBounds);
  }
  EXPECT_FALSE(CodeRegistry::lookup(start + 16).in_wasm);
}

}  // namespace
}  // namespace heron
