// Several processes share one cache directory at once, as concurrent
// `heron` runs do: writers put the same keys and different keys, readers
// read, eviction deletes under everyone's feet (a small limit). Every read
// must return exactly the blob of its key or a miss, never garbage, never a
// warning (no reader may see a partial file), for compressed and for stored
// entries alike.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "cache/code_cache.h"

namespace heron {
namespace {

namespace fs = std::filesystem;

constexpr int kKeys = 12;
constexpr uint64_t kStoredFrom = 12000;

CacheKey key_of(int i) {
  Sha256 h;
  h.update("concurrent " + std::to_string(i));
  return CacheKey{h.finish()};
}

// The one blob of key i: its size and content depend on i only, part
// random (so entries are big), part repetitive.
std::vector<uint8_t> blob_of(int i) {
  std::mt19937 rng(uint32_t(i) * 7919u);
  std::vector<uint8_t> blob(3000 + size_t(i) * 1500);
  for (size_t j = 0; j < blob.size(); j++) {
    blob[j] = j % 3 == 0 ? uint8_t(rng()) : uint8_t(i);
  }
  return blob;
}

// One process's share of the work; returns the number of bad reads.
int worker(const std::string& dir, int id, int iterations, int* hits) {
  CacheOptions options;
  options.directory = dir;
  // Room for about a third of the keys: puts keep evicting.
  options.max_bytes = 40000;
  // The larger half of the blobs are stored uncompressed (read back
  // through the entry's descriptor), the others compressed.
  options.stored_blob_threshold = kStoredFrom;
  int bad = 0;
  options.warning = [&](std::string_view w) {
    fprintf(stderr, "worker %d: warning: %.*s\n", id, int(w.size()), w.data());
    bad++;
  };
  auto cache = CodeCache::open(options);
  if (!cache.ok()) {
    fprintf(stderr, "worker %d: %s\n", id, cache.error().message.c_str());
    return 1;
  }
  std::mt19937 rng(uint32_t(id) + 1);
  for (int n = 0; n < iterations; n++) {
    const int i = int(rng() % kKeys);
    if (rng() % 3 == 0) {
      auto put = cache->put(key_of(i), blob_of(i));
      if (!put.ok()) {
        fprintf(stderr, "worker %d: put: %s\n", id,
                put.error().message.c_str());
        bad++;
      }
    } else if (auto got = cache->get_bytes(key_of(i))) {
      (*hits)++;
      if (*got != blob_of(i)) {
        fprintf(stderr, "worker %d: key %d: wrong blob\n", id, i);
        bad++;
      }
    }
  }
  return bad;
}

TEST(CodeCacheConcurrency, ProcessesShareADirectory) {
  std::string tmpl = fs::temp_directory_path() / "heron-cache-mp-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const std::string dir = tmpl;
  constexpr int kProcesses = 6;
  constexpr int kIterations = 400;

  std::vector<pid_t> children;
  for (int id = 0; id < kProcesses; id++) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int hits = 0;
      int bad = worker(dir, id, kIterations, &hits);
      // Exit status: 0 all good, 1 a bad read, 2 no hit at all (the test
      // would not be testing reads).
      _exit(bad != 0 ? 1 : hits == 0 ? 2 : 0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status)) << "child killed by a signal";
    EXPECT_EQ(WEXITSTATUS(status), 0)
        << (WEXITSTATUS(status) == 1 ? "a read returned garbage or failed"
                                     : "a worker never hit");
  }

  // Afterwards: every entry valid, no temporary file, and within the limit
  // but for what each process wrote since its last scan (< 1/16 of the
  // limit each), until the next eviction.
  CacheOptions options;
  options.directory = dir;
  options.max_bytes = 40000;
  options.stored_blob_threshold = kStoredFrom;
  int warnings = 0;
  options.warning = [&](std::string_view) { warnings++; };
  auto cache = CodeCache::open(options);
  ASSERT_TRUE(cache.ok());
  auto stats = cache->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_LE(stats->bytes,
            options.max_bytes + kProcesses * (options.max_bytes / 16 + 10000));
  EXPECT_GT(stats->entries, 0u);
  for (int i = 0; i < kKeys; i++) {
    if (auto got = cache->get_bytes(key_of(i))) {
      EXPECT_EQ(*got, blob_of(i));
    }
  }
  EXPECT_EQ(warnings, 0);
  ASSERT_TRUE(cache->evict().ok());
  stats = cache->stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_LE(stats->bytes, options.max_bytes);
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    EXPECT_EQ(e.path().filename().string().rfind(".tmp-", 0), std::string::npos)
        << e.path();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace heron
