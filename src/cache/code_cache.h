// CodeCache: the on-disk store of compiled modules, one file per CacheKey,
// shared by every process of the user (CLI runs, embedders, tests) without
// locks. The blob stored is opaque here (the serialized compiled module);
// large ones must carry their own checksum (cache_entry.h).
//
// Layout: DIR/v2/ab/abcdef...(64 hex).hc, "v2" the entry format version
// and "ab" the key's first byte (so no directory grows huge); the records
// of module files (file_identity.h) lie beside them as .hf files. Entries of
// older format versions (v1/...) are never read; eviction scans and
// `clear` remove them.
//
// Concurrency, with no lock anywhere:
// - put writes a temporary file (DIR/v1/ab/.tmp-<16 hex>, created O_EXCL)
//   and renames it over the entry's name, atomically: readers see the old
//   file, the new one, or none, never a partial one; two processes putting
//   the same key leave one of two identical files.
// - get reads through an open descriptor, so an entry evicted or replaced
//   meanwhile is still read whole; a stored blob is handed over as that
//   descriptor (the file is never modified in place, only replaced or
//   unlinked, so a mapping of it stays valid). Every entry's header is
//   verified (cache_entry.h), a compressed blob by its checksum, before it
//   is returned; a bad one is reported through the warning sink, removed,
//   and is a miss. No fsync: after a crash a damaged entry is just
//   a corrupt one, detected the same way.
// - Recency is the file's mtime, refreshed by every hit. Eviction scans the
//   directory (every entry's size and mtime) and removes the least recently
//   used entries until the total is within the limit; files vanishing
//   under a scan (another process evicting) are skipped. A scan costs
//   ~10 us per entry, too much for every put into a big cache, so put runs
//   one only when this CodeCache has written more than 1/16 of the limit
//   since its last one, or when no process has scanned for a minute (the
//   mtime of DIR/v1/.last-eviction): the total overshoots the limit by at
//   most that much, briefly.
// - Only names of the scheme are ever deleted (entries, and temporary files
//   older than ten minutes, left by a process that died mid-write), so a
//   cache directory pointed at the wrong place loses nothing else.
//
// Trust: whoever can write the directory can make Heron run their code, as
// for any code cache; the directories are created private (0700) and a
// directory owned by another user is refused.
//
// Thread-safe: the file system arbitrates; the only state in memory is an
// atomic count of bytes written since the last scan (shared by copies).
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_entry.h"
#include "cache/cache_key.h"
#include "heron/config.h"
#include "heron/error.h"

namespace heron {

inline constexpr uint64_t kDefaultCacheMaxBytes = uint64_t(1) << 30;

// $XDG_CACHE_HOME/heron if XDG_CACHE_HOME is an absolute path (the XDG base
// directory spec ignores relative ones), else $HOME/.cache/heron; an Io
// error when neither is set.
Result<std::string> default_cache_directory();
Result<std::string> default_cache_directory(const char* xdg_cache_home,
                                            const char* home);

struct CacheOptions {
  std::string directory;  // empty: default_cache_directory()
  uint64_t max_bytes = kDefaultCacheMaxBytes;
  // Receives one line per problem worth telling (a corrupt entry removed);
  // null drops them.
  std::function<void(std::string_view)> warning;
  // open() creates the directory if missing (`heron cache stats` does not).
  bool create = true;
  // Blobs of at least this many bytes are stored uncompressed
  // (cache_entry.h); tests lower it.
  uint64_t stored_blob_threshold = kStoredBlobThreshold;
};

// The options an engine with this Config uses.
CacheOptions cache_options_from_config(const api::Config& config);

struct CacheStats {
  std::string directory;  // as given or defaulted (not the v1 subfolder)
  bool exists = false;    // false: nothing was ever stored there
  uint64_t entries = 0;   // compiled modules
  uint64_t bytes = 0;     // sum of the entry files' sizes, file records too
  uint64_t max_bytes = 0;
};

// A blob get() found: decompressed in memory, or stored in its entry file.
class CachedBlob {
 public:
  explicit CachedBlob(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  CachedBlob(int fd, uint64_t offset, uint64_t size, std::string path)
      : fd_(fd), offset_(offset), size_(size), path_(std::move(path)) {}
  CachedBlob(CachedBlob&& other) noexcept;
  CachedBlob& operator=(CachedBlob&&) = delete;
  ~CachedBlob();

  bool in_file() const { return fd_ >= 0; }
  // In memory (!in_file()).
  std::vector<uint8_t>& bytes() { return bytes_; }
  // In the file (in_file()): `size` bytes from `offset` of open file `fd`,
  // read-only; the descriptor lives as long as this object.
  int fd() const { return fd_; }
  uint64_t offset() const { return offset_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::vector<uint8_t> bytes_;
  int fd_ = -1;
  uint64_t offset_ = 0;
  uint64_t size_ = 0;
  std::string path_;
};

struct ClearResult {
  uint64_t entries = 0;
  uint64_t bytes = 0;
};

class CodeCache {
 public:
  // Fails (Io) when no directory is set or derivable, or it cannot be
  // created, is not a directory, is not writable (read-only file system)
  // or belongs to another user. Callers that cache opportunistically turn
  // the cache off then.
  static Result<CodeCache> open(CacheOptions options);

  // The blob stored under `key`, or nullopt (miss, or a bad entry that was
  // reported and removed).
  std::optional<CachedBlob> get(const CacheKey& key) const;
  // The same, read into memory whichever its form.
  std::optional<std::vector<uint8_t>> get_bytes(const CacheKey& key) const;

  // Stores `blob` under `key` (replacing any entry), compressed or stored
  // by its size (cache_entry.h), then evicts least
  // recently used entries beyond the limit when a scan is due (see above).
  // An entry larger than the whole limit is not stored. An error (disk
  // full...) leaves no partial file.
  Result<void> put(const CacheKey& key, std::span<const uint8_t> blob) const;

  // Module files' records (file_identity.h), kept and evicted like
  // entries: the module key recorded under `record`, or nullopt (none, or
  // a bad record, reported and removed).
  std::optional<CacheKey> lookup_file(const CacheKey& record) const;
  Result<void> remember_file(const CacheKey& record,
                             const CacheKey& module) const;

  // Evicts least recently used entries beyond the limit, now.
  Result<void> evict() const;

  // Read-only: counts entries, removes nothing.
  Result<CacheStats> stats() const;
  // Removes every entry (and stale temporary files).
  Result<ClearResult> clear() const;

  const std::string& directory() const { return directory_; }
  uint64_t max_bytes() const { return max_bytes_; }
  std::string entry_path(const CacheKey& key) const;
  std::string record_path(const CacheKey& record) const;

 private:
  struct EntryFile;
  // The entries (names of the scheme, regular files); also removes stale
  // temporary files when asked.
  Result<std::vector<EntryFile>> scan(bool remove_stale_temps) const;
  Result<std::vector<EntryFile>> scan_root(const std::string& root,
                                           bool remove_stale_temps) const;
  void remove_older_versions() const;
  bool scan_is_due() const;
  int open_file(const std::string& path, const char* what,
                struct stat& st) const;
  void drop_file(const std::string& path, const char* what,
                 const struct stat& st, const std::string& reason) const;
  // Writes `head` then `tail` to `path` through a temporary file and a
  // rename, then evicts when a scan is due.
  Result<void> write_entry(const std::string& path,
                           std::span<const uint8_t> head,
                           std::span<const uint8_t> tail) const;
  void warn(const std::string& message) const;

  std::string directory_;
  std::string root_;  // directory_/v1
  uint64_t max_bytes_ = kDefaultCacheMaxBytes;
  uint64_t stored_blob_threshold_ = kStoredBlobThreshold;
  std::function<void(std::string_view)> warning_;
  std::shared_ptr<std::atomic<uint64_t>> unscanned_bytes_ =
      std::make_shared<std::atomic<uint64_t>>(0);
};

}  // namespace heron
