// The on-disk code cache: hits and misses, compressed and stored entries,
// module files' records, damaged entries reported and removed, LRU
// eviction, what it never deletes, stale temporary files, stats/clear, and
// directories it cannot use.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cache/cache_entry.h"
#include "cache/code_cache.h"

namespace heron {
namespace {

namespace fs = std::filesystem;

CacheKey key_of(std::string_view seed) {
  Sha256 h;
  h.update(seed);
  return CacheKey{h.finish()};
}

// key_of(prefix + decimal n).
CacheKey key_of(std::string_view prefix, int n) {
  Sha256 h;
  h.update(prefix);
  h.update(std::to_string(n));
  return CacheKey{h.finish()};
}

std::vector<uint8_t> blob_of(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> blob(n);
  for (uint8_t& b : blob) b = uint8_t(rng());  // incompressible
  return blob;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, std::span<const uint8_t> bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            std::streamsize(bytes.size()));
}

// Sets a file's modification time to `seconds_ago` in the past.
void age(const std::string& path, int64_t seconds_ago) {
  timespec times[2];
  clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= seconds_ago;
  times[1] = times[0];
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

class CodeCacheTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "heron-cache-XXXXXX");
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  CodeCache open(uint64_t max_bytes = kDefaultCacheMaxBytes,
                 uint64_t stored_from = kStoredBlobThreshold) {
    CacheOptions options;
    options.directory = dir_;
    options.max_bytes = max_bytes;
    options.stored_blob_threshold = stored_from;
    options.warning = [this](std::string_view w) { warnings_.emplace_back(w); };
    auto cache = CodeCache::open(options);
    if (!cache.ok()) {
      ADD_FAILURE() << cache.error().message;
      std::abort();
    }
    return std::move(cache).value();
  }

  std::string dir_;
  std::vector<std::string> warnings_;
};

TEST_F(CodeCacheTest, MissThenHit) {
  CodeCache cache = open();
  const CacheKey key = key_of("module");
  EXPECT_FALSE(cache.get_bytes(key).has_value());
  const std::vector<uint8_t> blob = blob_of(10000, 1);
  ASSERT_TRUE(cache.put(key, blob).ok());
  auto hit = cache.get_bytes(key);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(*hit, blob);
  EXPECT_TRUE(warnings_.empty());
  // The layout: DIR/v2/<first byte>/<key>.hc, private directories.
  const std::string hex = key.hex();
  EXPECT_EQ(cache.entry_path(key),
            dir_ + "/v2/" + hex.substr(0, 2) + "/" + hex + ".hc");
  EXPECT_TRUE(fs::is_regular_file(cache.entry_path(key)));
  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/v2").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // Nothing else is left behind: the entry, and the marker of the scan the
  // first put into a directory runs (no temporary file).
  std::vector<std::string> files;
  for (auto& e : fs::recursive_directory_iterator(dir_)) {
    if (e.is_regular_file()) files.push_back(e.path().filename());
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{".last-eviction", hex + ".hc"}));
}

// Blobs from the threshold up are stored after a page of header and come
// back as the entry's open descriptor; smaller ones are compressed and
// come back in memory.
TEST_F(CodeCacheTest, LargeBlobsAreStoredAndHandedOverAsTheFile) {
  CodeCache cache = open(kDefaultCacheMaxBytes, /*stored_from=*/5000);
  const CacheKey small = key_of("small"), large = key_of("large");
  const std::vector<uint8_t> small_blob = blob_of(4999, 1);
  const std::vector<uint8_t> large_blob = blob_of(5000, 2);
  ASSERT_TRUE(cache.put(small, small_blob).ok());
  ASSERT_TRUE(cache.put(large, large_blob).ok());
  EXPECT_EQ(fs::file_size(cache.entry_path(large)),
            kStoredBlobOffset + large_blob.size());

  std::optional<CachedBlob> small_hit = cache.get(small);
  ASSERT_TRUE(small_hit.has_value());
  EXPECT_FALSE(small_hit->in_file());
  EXPECT_EQ(small_hit->bytes(), small_blob);

  std::optional<CachedBlob> hit = cache.get(large);
  ASSERT_TRUE(hit.has_value());
  ASSERT_TRUE(hit->in_file());
  EXPECT_EQ(hit->offset(), kStoredBlobOffset);
  EXPECT_EQ(hit->size(), large_blob.size());
  EXPECT_EQ(hit->path(), cache.entry_path(large));
  std::vector<uint8_t> read(hit->size());
  ASSERT_EQ(pread(hit->fd(), read.data(), read.size(), off_t(hit->offset())),
            ssize_t(read.size()));
  EXPECT_EQ(read, large_blob);
  // The descriptor outlives a replacement of the entry (rename) and its
  // eviction: what was found stays readable.
  ASSERT_TRUE(cache.put(large, blob_of(6000, 3)).ok());
  ASSERT_TRUE(cache.clear().ok());
  ASSERT_EQ(pread(hit->fd(), read.data(), read.size(), off_t(hit->offset())),
            ssize_t(read.size()));
  EXPECT_EQ(read, large_blob);
  EXPECT_TRUE(warnings_.empty());
}

// A stored entry whose header or size is wrong is reported and removed; its
// blob is not checked here (the artifact's own checksum is, at load).
TEST_F(CodeCacheTest, DamagedStoredEntriesAreReportedAndRemoved) {
  CodeCache cache = open(kDefaultCacheMaxBytes, /*stored_from=*/1000);
  const CacheKey key = key_of("stored");
  const std::vector<uint8_t> blob = blob_of(3000, 4);
  const std::string path = cache.entry_path(key);
  struct Damage {
    const char* what;
    std::function<void(std::vector<uint8_t>&)> apply;
  };
  const std::vector<Damage> damages = {
      {"truncated", [](auto& b) { b.resize(b.size() - 1); }},
      {"trailing bytes", [](auto& b) { b.push_back(0); }},
      {"padding byte", [](auto& b) { b[100] = 1; }},
      {"key mismatch", [](auto& b) { b[20] ^= 1; }},
      {"size mismatch", [](auto& b) { b[50] ^= 1; }},
      {"truncated", [](auto& b) { b.resize(kStoredBlobOffset - 1); }},
  };
  for (const Damage& d : damages) {
    ASSERT_TRUE(cache.put(key, blob).ok());
    std::vector<uint8_t> bytes = read_bytes(path);
    d.apply(bytes);
    write_bytes(path, bytes);
    warnings_.clear();
    EXPECT_FALSE(cache.get(key).has_value()) << d.what;
    ASSERT_EQ(warnings_.size(), 1u) << d.what;
    EXPECT_NE(warnings_[0].find(d.what), std::string::npos) << warnings_[0];
    EXPECT_FALSE(fs::exists(path)) << d.what;
  }
}

// A module file's record: the key it points to, found by the record's own
// key; damaged records are reported and removed; records are evicted and
// cleared with the entries but are not counted as modules.
TEST_F(CodeCacheTest, FileRecords) {
  CodeCache cache = open();
  const CacheKey record = key_of("file identity"), module = key_of("module");
  EXPECT_FALSE(cache.lookup_file(record).has_value());
  ASSERT_TRUE(cache.remember_file(record, module).ok());
  EXPECT_EQ(cache.lookup_file(record), module);
  const std::string hex = record.hex();
  EXPECT_EQ(cache.record_path(record),
            dir_ + "/v2/" + hex.substr(0, 2) + "/" + hex + ".hf");
  EXPECT_FALSE(cache.lookup_file(key_of("other")).has_value());

  ASSERT_TRUE(cache.put(module, blob_of(100, 5)).ok());
  auto stats = cache.stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->entries, 1u);
  EXPECT_EQ(stats->bytes, fs::file_size(cache.entry_path(module)) +
                              fs::file_size(cache.record_path(record)));
  EXPECT_TRUE(warnings_.empty());

  // Damage: every byte flipped, a truncation, trailing bytes, another
  // record's file under this name.
  const std::vector<uint8_t> good = read_bytes(cache.record_path(record));
  ASSERT_EQ(good.size(), kFileRecordSize);
  std::vector<std::vector<uint8_t>> bad;
  for (size_t i = 0; i < 48; i++) {
    bad.push_back(good);
    bad.back()[i] ^= 0x10;
  }
  bad.push_back(std::vector<uint8_t>(good.begin(), good.end() - 1));
  bad.push_back(good);
  bad.back().push_back(0);
  bad.push_back(encode_file_record(key_of("elsewhere"), module));
  for (const std::vector<uint8_t>& b : bad) {
    write_bytes(cache.record_path(record), b);
    warnings_.clear();
    EXPECT_FALSE(cache.lookup_file(record).has_value());
    ASSERT_EQ(warnings_.size(), 1u);
    EXPECT_NE(warnings_[0].find("is corrupt"), std::string::npos)
        << warnings_[0];
    EXPECT_FALSE(fs::exists(cache.record_path(record)));
  }

  ASSERT_TRUE(cache.remember_file(record, module).ok());
  auto cleared = cache.clear();
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(cleared->entries, 1u);
  EXPECT_FALSE(fs::exists(cache.record_path(record)));
  EXPECT_FALSE(cache.lookup_file(record).has_value());
}

// Entries of the previous format (v1/) can never be read: an eviction scan
// or clear removes them, and the directories they leave empty, but no
// other file.
TEST_F(CodeCacheTest, OlderFormatVersionsAreRemoved) {
  const std::string hex = key_of("old").hex();
  const std::string a = dir_ + "/v1/" + hex.substr(0, 2) + "/" + hex + ".hc";
  const std::string other = dir_ + "/v1/cd/cd" + hex.substr(2) + ".hc";
  const std::string keep = dir_ + "/v1/cd/notes.txt";
  for (const std::string& f : {a, other, keep}) write_bytes(f, blob_of(10, 1));
  CodeCache cache = open();
  ASSERT_TRUE(cache.evict().ok());
  EXPECT_FALSE(fs::exists(a));
  EXPECT_FALSE(fs::exists(fs::path(a).parent_path()));
  EXPECT_FALSE(fs::exists(other));
  EXPECT_TRUE(fs::exists(keep));
  write_bytes(other, blob_of(10, 2));
  ASSERT_TRUE(cache.clear().ok());
  EXPECT_FALSE(fs::exists(other));
  EXPECT_TRUE(fs::exists(keep));
}

TEST_F(CodeCacheTest, ReplacingAnEntryAndEmptyBlobs) {
  CodeCache cache = open();
  const CacheKey key = key_of("module");
  ASSERT_TRUE(cache.put(key, blob_of(100, 1)).ok());
  ASSERT_TRUE(cache.put(key, blob_of(200, 2)).ok());
  EXPECT_EQ(cache.get_bytes(key), blob_of(200, 2));
  const CacheKey empty = key_of("empty");
  ASSERT_TRUE(cache.put(empty, {}).ok());
  auto hit = cache.get_bytes(empty);
  ASSERT_TRUE(hit.has_value());
  EXPECT_TRUE(hit->empty());
}

// An entry written for another compiler version has another key: a miss,
// not a warning.
TEST_F(CodeCacheTest, OtherVersionIsAMiss) {
  CodeCache cache = open();
  auto id = [](std::string_view v) {
    return std::vector<uint8_t>(v.begin(), v.end());
  };
  const std::vector<uint8_t> module = {0, 'a', 's', 'm', 1, 0, 0, 0};
  const CacheKey old_key = cache_key(id("heron 0.1.0"), {}, 0, module);
  const CacheKey new_key = cache_key(id("heron 0.2.0"), {}, 0, module);
  ASSERT_TRUE(cache.put(old_key, blob_of(100, 1)).ok());
  EXPECT_FALSE(cache.get_bytes(new_key).has_value());
  EXPECT_TRUE(warnings_.empty());
  EXPECT_TRUE(cache.get_bytes(old_key).has_value());
}

// Each kind of damage: one warning naming the entry, a miss, the file
// removed; the next get is a silent miss.
TEST_F(CodeCacheTest, DamagedEntriesAreReportedRemovedAndMissed) {
  CodeCache cache = open();
  const CacheKey key = key_of("module");
  const std::vector<uint8_t> blob = blob_of(30000, 9);
  ASSERT_TRUE(cache.put(key, blob).ok());
  const std::string path = cache.entry_path(key);
  const std::vector<uint8_t> good = read_bytes(path);

  struct Damage {
    const char* name;
    std::vector<uint8_t> bytes;
  };
  std::vector<Damage> damages;
  auto flipped = [&](size_t at) {
    std::vector<uint8_t> b = good;
    b[at] ^= 0x20;
    return b;
  };
  damages.push_back({"byte flipped in the middle", flipped(good.size() / 2)});
  damages.push_back({"byte flipped in the header key", flipped(20)});
  damages.push_back({"byte flipped in the header size", flipped(50)});
  damages.push_back(
      {"truncated", std::vector<uint8_t>(good.begin(), good.end() - 100)});
  damages.push_back({"empty", {}});
  damages.push_back({"foreign", blob_of(5000, 10)});
  // An entry of another key under this key's name.
  auto other = encode_entry(key_of("other"), blob);
  ASSERT_TRUE(other.ok());
  damages.push_back({"another key's entry", *other});

  for (const Damage& d : damages) {
    SCOPED_TRACE(d.name);
    warnings_.clear();
    write_bytes(path, d.bytes);
    EXPECT_FALSE(cache.get_bytes(key).has_value());
    ASSERT_EQ(warnings_.size(), 1u);
    EXPECT_NE(warnings_[0].find(path), std::string::npos) << warnings_[0];
    EXPECT_NE(warnings_[0].find("corrupt"), std::string::npos) << warnings_[0];
    EXPECT_FALSE(fs::exists(path));
    EXPECT_FALSE(cache.get_bytes(key).has_value());
    EXPECT_EQ(warnings_.size(), 1u);
  }
  // And the cache works again after all that.
  ASSERT_TRUE(cache.put(key, blob).ok());
  EXPECT_EQ(cache.get_bytes(key), blob);
}

TEST_F(CodeCacheTest, SymlinkAndDirectoryEntries) {
  CodeCache cache = open();
  const CacheKey key = key_of("module");
  const std::string path = cache.entry_path(key);
  // A symbolic link under an entry's name: removed (the link, not its
  // target).
  const std::string target = dir_ + "/target";
  write_bytes(target, blob_of(10, 1));
  fs::create_directories(fs::path(path).parent_path());
  fs::create_symlink(target, path);
  EXPECT_FALSE(cache.get_bytes(key).has_value());
  EXPECT_EQ(warnings_.size(), 1u);
  EXPECT_FALSE(fs::is_symlink(path));
  EXPECT_TRUE(fs::exists(target));
  // A directory: never deleted, a miss.
  warnings_.clear();
  fs::create_directory(path);
  EXPECT_FALSE(cache.get_bytes(key).has_value());
  EXPECT_EQ(warnings_.size(), 1u);
  EXPECT_TRUE(fs::is_directory(path));
  // A FIFO must not block the reader.
  fs::remove(path);
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  EXPECT_FALSE(cache.get_bytes(key).has_value());
  EXPECT_TRUE(fs::exists(path));
}

// Least recently used first: a hit refreshes an entry.
TEST_F(CodeCacheTest, EvictsLeastRecentlyUsed) {
  const size_t kBlob = 10000;
  // Room for three entries (incompressible blobs: entry ~ blob + header).
  CodeCache cache = open(3 * (kBlob + 200));
  std::vector<CacheKey> keys;
  for (int i = 0; i < 3; i++) {
    keys.push_back(key_of("m", i));
    ASSERT_TRUE(cache.put(keys[i], blob_of(kBlob, i)).ok());
  }
  // Ages: m0 used 300 s ago, m1 200 s, m2 100 s; then m0 is hit.
  for (int i = 0; i < 3; i++) age(cache.entry_path(keys[i]), 300 - 100 * i);
  ASSERT_TRUE(cache.get_bytes(keys[0]).has_value());
  // A fourth entry pushes out the least recently used: m1.
  keys.push_back(key_of("m3"));
  ASSERT_TRUE(cache.put(keys[3], blob_of(kBlob, 3)).ok());
  EXPECT_TRUE(cache.get_bytes(keys[0]).has_value());
  EXPECT_FALSE(cache.get_bytes(keys[1]).has_value());
  EXPECT_TRUE(cache.get_bytes(keys[2]).has_value());
  EXPECT_TRUE(cache.get_bytes(keys[3]).has_value());
  // Now m2 is the oldest, then m0, then m3 (and the new m4, m5).
  age(cache.entry_path(keys[2]), 50);
  age(cache.entry_path(keys[0]), 40);
  age(cache.entry_path(keys[3]), 30);
  ASSERT_TRUE(cache.put(key_of("m4"), blob_of(kBlob, 4)).ok());
  EXPECT_FALSE(fs::exists(cache.entry_path(keys[2])));
  EXPECT_TRUE(fs::exists(cache.entry_path(keys[0])));
  ASSERT_TRUE(cache.put(key_of("m5"), blob_of(kBlob, 5)).ok());
  EXPECT_FALSE(fs::exists(cache.entry_path(keys[0])));
  EXPECT_TRUE(fs::exists(cache.entry_path(keys[3])));
  auto stats = cache.stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->entries, 3u);
  EXPECT_LE(stats->bytes, cache.max_bytes());
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(CodeCacheTest, EntryLargerThanTheLimitIsNotStored) {
  CodeCache cache = open(5000);
  ASSERT_TRUE(cache.put(key_of("small"), blob_of(1000, 1)).ok());
  ASSERT_TRUE(cache.put(key_of("big"), blob_of(10000, 2)).ok());
  EXPECT_FALSE(cache.get_bytes(key_of("big")).has_value());
  EXPECT_TRUE(cache.get_bytes(key_of("small")).has_value());
}

// Eviction and clear only touch names of the scheme.
TEST_F(CodeCacheTest, NeverDeletesForeignFiles) {
  CodeCache cache = open(300);  // room for one small entry
  const std::string hex = key_of("x").hex();
  const std::vector<std::string> foreign = {
      dir_ + "/notes.txt",
      dir_ + "/" + hex + ".hc",        // not under v2/
      dir_ + "/v2/README",             //
      dir_ + "/v2/" + hex + ".hc",     // not in a shard
      dir_ + "/v2/zz/" + hex + ".hc",  // not a shard name
      dir_ + "/v2/00/" + hex + ".hc",  // the wrong shard
      dir_ + "/v2/" + hex.substr(0, 2) + "/" + hex + ".hc.bak",
      dir_ + "/v2/AB/AB" + hex.substr(2) + ".hc",  // uppercase
      dir_ + "/v2/" + hex.substr(0, 2) + "/.tmp-notatemp",
      dir_ + "/v2/" + hex.substr(0, 2) + "/" + hex.substr(0, 63) + ".hc",
  };
  for (const std::string& f : foreign) {
    write_bytes(f, blob_of(100, 1));
    age(f, 3600);
  }
  // A real entry (made old too), then a put that triggers eviction.
  CodeCache roomy = open();
  ASSERT_TRUE(roomy.put(key_of("x"), blob_of(100, 2)).ok());
  age(roomy.entry_path(key_of("x")), 3600);
  ASSERT_TRUE(cache.put(key_of("y"), blob_of(100, 3)).ok());
  EXPECT_FALSE(fs::exists(roomy.entry_path(key_of("x"))));
  for (const std::string& f : foreign) EXPECT_TRUE(fs::exists(f)) << f;
  ASSERT_TRUE(roomy.put(key_of("x"), blob_of(100, 2)).ok());
  auto cleared = roomy.clear();
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(cleared->entries, 2u);  // x and y
  for (const std::string& f : foreign) EXPECT_TRUE(fs::exists(f)) << f;
}

// Temporary files of a writer that died are removed once stale; a fresh one
// may belong to a live writer and stays.
TEST_F(CodeCacheTest, StaleTemporaryFilesAreCleanedUp) {
  CodeCache cache = open();
  const std::string shard = dir_ + "/v2/ab";
  const std::string stale = shard + "/.tmp-0123456789abcdef";
  const std::string fresh = shard + "/.tmp-fedcba9876543210";
  write_bytes(stale, blob_of(100, 1));
  write_bytes(fresh, blob_of(100, 2));
  age(stale, 11 * 60);
  auto before = cache.stats();  // stats only looks
  ASSERT_TRUE(before.ok());
  EXPECT_TRUE(fs::exists(stale));
  ASSERT_TRUE(cache.put(key_of("z"), blob_of(10, 3)).ok());
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(fresh));
  auto stats = cache.stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->entries, 1u);  // temporary files are not entries
}

// put scans the directory only when due: after 1/16 of the limit written
// by this CodeCache, or when no process scanned for a minute. (A stale
// temporary file shows whether a scan ran.)
TEST_F(CodeCacheTest, ScansAreThrottled) {
  const std::string stale = dir_ + "/v2/ab/.tmp-0123456789abcdef";
  auto plant_stale = [&] {
    write_bytes(stale, blob_of(10, 1));
    age(stale, 11 * 60);
  };
  // Entries of ~1 KiB, 1/16 of the limit ~ 3.5 of them.
  CodeCache cache = open(16 * 3500);
  ASSERT_TRUE(cache.put(key_of("a"), blob_of(1000, 1)).ok());  // no marker
  EXPECT_TRUE(fs::exists(dir_ + "/v2/.last-eviction"));
  plant_stale();
  ASSERT_TRUE(cache.put(key_of("b"), blob_of(1000, 2)).ok());
  ASSERT_TRUE(cache.put(key_of("c"), blob_of(1000, 3)).ok());
  ASSERT_TRUE(cache.put(key_of("d"), blob_of(1000, 4)).ok());
  EXPECT_TRUE(fs::exists(stale)) << "scanned before 1/16 of the limit";
  ASSERT_TRUE(cache.put(key_of("e"), blob_of(1000, 5)).ok());
  EXPECT_FALSE(fs::exists(stale)) << "no scan after 1/16 of the limit";
  // Another process's scan a minute ago makes the next put scan.
  plant_stale();
  ASSERT_TRUE(cache.put(key_of("f"), blob_of(1000, 6)).ok());
  EXPECT_TRUE(fs::exists(stale));
  age(dir_ + "/v2/.last-eviction", 61);
  ASSERT_TRUE(cache.put(key_of("g"), blob_of(1000, 7)).ok());
  EXPECT_FALSE(fs::exists(stale)) << "no scan a minute after the last";
  // evict() scans at once; the marker is no entry.
  plant_stale();
  ASSERT_TRUE(cache.evict().ok());
  EXPECT_FALSE(fs::exists(stale));
  auto stats = cache.stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->entries, 7u);
}

TEST_F(CodeCacheTest, StatsAndClear) {
  CodeCache cache = open();
  uint64_t total = 0;
  for (int i = 0; i < 5; i++) {
    ASSERT_TRUE(cache.put(key_of("s", i), blob_of(1000 * (i + 1), i)).ok());
    total += fs::file_size(cache.entry_path(key_of("s", i)));
  }
  auto stats = cache.stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->directory, dir_);
  EXPECT_TRUE(stats->exists);
  EXPECT_EQ(stats->entries, 5u);
  EXPECT_EQ(stats->bytes, total);
  EXPECT_EQ(stats->max_bytes, kDefaultCacheMaxBytes);
  auto cleared = cache.clear();
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(cleared->entries, 5u);
  EXPECT_EQ(cleared->bytes, total);
  stats = cache.stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->entries, 0u);
  EXPECT_EQ(stats->bytes, 0u);
  EXPECT_FALSE(cache.get_bytes(key_of("s0")).has_value());
}

TEST_F(CodeCacheTest, OpenWithoutCreateLeavesAMissingDirectoryAlone) {
  CacheOptions options;
  options.directory = dir_ + "/not/yet";
  options.create = false;
  auto cache = CodeCache::open(options);
  ASSERT_TRUE(cache.ok()) << cache.error().message;
  auto stats = cache->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_FALSE(stats->exists);
  EXPECT_EQ(stats->entries, 0u);
  EXPECT_FALSE(fs::exists(dir_ + "/not"));
}

// No usable directory: open fails with a clear Io error (callers turn the
// cache off), never a crash.
TEST_F(CodeCacheTest, UnusableDirectories) {
  write_bytes(dir_ + "/file", blob_of(10, 1));
  for (bool create : {true, false}) {
    CacheOptions options;
    options.directory = dir_ + "/file";
    options.create = create;
    auto under_file = CodeCache::open(options);
    ASSERT_FALSE(under_file.ok());
    EXPECT_EQ(under_file.error().kind, ErrorKind::Io);
    EXPECT_NE(under_file.error().message.find("Not a directory"),
              std::string::npos)
        << under_file.error().message;
    options.directory = dir_ + "/file/sub";
    auto below_file = CodeCache::open(options);
    ASSERT_FALSE(below_file.ok());
    EXPECT_NE(below_file.error().message.find(dir_ + "/file"),
              std::string::npos)
        << below_file.error().message;
  }
  // A read-only directory (not testable as root, which may write anyway).
  if (geteuid() != 0) {
    fs::create_directory(dir_ + "/ro");
    chmod((dir_ + "/ro").c_str(), 0500);
    CacheOptions options;
    options.directory = dir_ + "/ro";
    EXPECT_FALSE(CodeCache::open(options).ok());
    chmod((dir_ + "/ro").c_str(), 0700);
  }
}

// A directory belonging to another user is refused (whoever can write it
// chooses the code we would run).
TEST_F(CodeCacheTest, ForeignOwnerIsRefused) {
  if (geteuid() != 0) {
    GTEST_SKIP() << "changing a directory's owner needs root";
  }
  fs::create_directories(dir_ + "/v2");
  ASSERT_EQ(chown((dir_ + "/v2").c_str(), 12345, 12345), 0);
  CacheOptions options;
  options.directory = dir_;
  auto cache = CodeCache::open(options);
  ASSERT_FALSE(cache.ok());
  EXPECT_NE(cache.error().message.find("another user"), std::string::npos)
      << cache.error().message;
}

TEST(CacheDirectory, Defaults) {
  auto d = default_cache_directory("/xdg", "/home/u");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "/xdg/heron");
  d = default_cache_directory(nullptr, "/home/u");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "/home/u/.cache/heron");
  // The XDG spec: a relative path is invalid and ignored; so is an empty one.
  d = default_cache_directory("relative", "/home/u");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "/home/u/.cache/heron");
  d = default_cache_directory("", "/home/u");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "/home/u/.cache/heron");
  d = default_cache_directory(nullptr, nullptr);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().kind, ErrorKind::Io);
  d = default_cache_directory(nullptr, "");
  EXPECT_FALSE(d.ok());
}

TEST(CacheDirectory, OptionsFromConfig) {
  api::Config config;
  EXPECT_FALSE(config.cache);  // opt-in for embedders
  config.cache_dir = "/somewhere";
  config.cache_max_bytes = 12345;
  int warned = 0;
  config.cache_warning = [&](std::string_view) { warned++; };
  CacheOptions options = cache_options_from_config(config);
  EXPECT_EQ(options.directory, "/somewhere");
  EXPECT_EQ(options.max_bytes, 12345u);
  ASSERT_TRUE(bool(options.warning));
  options.warning("x");
  EXPECT_EQ(warned, 1);
  EXPECT_EQ(api::Config().cache_max_bytes, kDefaultCacheMaxBytes);
}

}  // namespace
}  // namespace heron
