// The on-disk code cache (see code_cache.h for the design).
#include "cache/code_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include "cache/cache_entry.h"

namespace heron {

namespace {

constexpr const char* kEntrySuffix = ".hc";
constexpr const char* kRecordSuffix = ".hf";
constexpr const char* kTempPrefix = ".tmp-";
// A temporary file this old belongs to a process that died mid-write: no
// healthy put takes minutes between creating and renaming it.
constexpr int64_t kStaleTempSeconds = 10 * 60;
constexpr int kPutAttempts = 4;
// put scans when no process has for this long (see code_cache.h).
constexpr int64_t kScanIntervalSeconds = 60;
constexpr const char* kScanMarker = ".last-eviction";

std::string errno_text(int err) { return std::strerror(err); }

Error io_error(const std::string& what, int err) {
  return Error(ErrorKind::Io, what + ": " + errno_text(err));
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

bool is_shard_name(std::string_view name) {
  return name.size() == 2 && is_lower_hex(name);
}

// "<64 hex><suffix>" whose first two digits are the shard's.
bool is_key_name(std::string_view name, std::string_view shard,
                 std::string_view suffix) {
  return name.size() == 64 + suffix.size() && name.substr(64) == suffix &&
         is_lower_hex(name.substr(0, 64)) && name.substr(0, 2) == shard;
}

// ".tmp-<16 hex>".
bool is_temp_name(std::string_view name) {
  const size_t prefix = std::strlen(kTempPrefix);
  return name.size() == prefix + 16 && name.substr(0, prefix) == kTempPrefix &&
         is_lower_hex(name.substr(prefix));
}

std::string temp_name() {
  uint64_t random = 0;
  if (getrandom(&random, sizeof random, GRND_NONBLOCK) != sizeof random) {
    // No entropy yet (early boot): O_EXCL still makes the name unique, a
    // collision only costs a retry.
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    random = uint64_t(now.tv_nsec) ^ uint64_t(now.tv_sec) << 30 ^
             uint64_t(getpid()) << 48;
  }
  uint8_t bytes[8];
  std::memcpy(bytes, &random, 8);
  return kTempPrefix + to_hex(bytes);
}

Result<void> make_directory(const std::string& path) {
  if (mkdir(path.c_str(), 0700) == 0 || errno == EEXIST) return {};
  return io_error("cannot create cache directory " + path, errno);
}

// mkdir -p, private.
Result<void> make_directories(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    auto made = make_directory(path.substr(0, slash));
    if (!made.ok()) return made;
  }
  return make_directory(path);
}

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) close(fd);
  }
};

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

bool older_than(const timespec& t, int64_t seconds) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return now.tv_sec - t.tv_sec > seconds;
}

// The file's `size` bytes from `offset`, or fewer if it ends earlier
// (truncated).
Result<std::vector<uint8_t>> read_all(int fd, uint64_t size,
                                      uint64_t offset = 0) {
  std::vector<uint8_t> bytes(size);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = pread(fd, bytes.data() + done, bytes.size() - done,
                      off_t(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("read", errno);
    }
    if (n == 0) break;
    done += size_t(n);
  }
  bytes.resize(done);
  return bytes;
}

Result<void> write_all(int fd, std::span<const uint8_t> bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("write", errno);
    }
    done += size_t(n);
  }
  return {};
}

}  // namespace

struct CodeCache::EntryFile {
  std::string path;
  uint64_t size = 0;
  timespec mtime{};
  bool record = false;  // a module file's record (.hf), not a module
};

Result<std::string> default_cache_directory(const char* xdg_cache_home,
                                            const char* home) {
  if (xdg_cache_home && xdg_cache_home[0] == '/') {
    return std::string(xdg_cache_home) + "/heron";
  }
  if (home && home[0] != '\0') return std::string(home) + "/.cache/heron";
  return Error(ErrorKind::Io,
               "no cache directory: neither XDG_CACHE_HOME nor HOME is set");
}

Result<std::string> default_cache_directory() {
  return default_cache_directory(std::getenv("XDG_CACHE_HOME"),
                                 std::getenv("HOME"));
}

CacheOptions cache_options_from_config(const api::Config& config) {
  CacheOptions options;
  options.directory = config.cache_dir;
  options.max_bytes = config.cache_max_bytes;
  options.warning = config.cache_warning;
  return options;
}

Result<CodeCache> CodeCache::open(CacheOptions options) {
  CodeCache cache;
  if (options.directory.empty()) {
    auto dir = default_cache_directory();
    if (!dir.ok()) return std::move(dir).error();
    options.directory = *dir;
  }
  cache.directory_ = options.directory;
  cache.root_ = options.directory + "/v" + std::to_string(kEntryFormatVersion);
  cache.max_bytes_ = options.max_bytes;
  cache.stored_blob_threshold_ = options.stored_blob_threshold;
  cache.warning_ = std::move(options.warning);

  if (options.create) {
    auto made = make_directories(cache.root_);
    if (!made.ok()) return std::move(made).error();
  }
  struct stat st {};
  if (stat(cache.root_.c_str(), &st) != 0) {
    if (errno == ENOENT && !options.create) return cache;
    return io_error("cache directory " + cache.root_, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return Error(ErrorKind::Io,
                 "cache directory " + cache.root_ + ": not a directory");
  }
  if (st.st_uid != geteuid()) {
    return Error(ErrorKind::Io, "cache directory " + cache.root_ +
                                    " belongs to another user (uid " +
                                    std::to_string(st.st_uid) + ")");
  }
  if (options.create && access(cache.root_.c_str(), W_OK | X_OK) != 0) {
    return io_error("cache directory " + cache.root_ + " is not writable",
                    errno);
  }
  return cache;
}

std::string CodeCache::entry_path(const CacheKey& key) const {
  const std::string hex = key.hex();
  return root_ + "/" + hex.substr(0, 2) + "/" + hex + kEntrySuffix;
}

std::string CodeCache::record_path(const CacheKey& record) const {
  const std::string hex = record.hex();
  return root_ + "/" + hex.substr(0, 2) + "/" + hex + kRecordSuffix;
}

void CodeCache::warn(const std::string& message) const {
  if (warning_) warning_(message);
}

CachedBlob::CachedBlob(CachedBlob&& other) noexcept
    : bytes_(std::move(other.bytes_)),
      fd_(std::exchange(other.fd_, -1)),
      offset_(other.offset_),
      size_(other.size_),
      path_(std::move(other.path_)) {}

CachedBlob::~CachedBlob() {
  if (fd_ >= 0) close(fd_);
}

// Opens a file of the cache for reading: a regular file, never following a
// symbolic link (removed: put never writes one) and never blocking on a
// FIFO planted under the name. A missing file is -1 quietly; anything else
// wrong is warned about.
int CodeCache::open_file(const std::string& path, const char* what,
                         struct stat& st) const {
  FdCloser file{
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)};
  if (file.fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return -1;
    if (errno == ELOOP) {
      warn(std::string(what) + " " + path + " is a symbolic link; removed");
      unlink(path.c_str());
    } else {
      warn(std::string("cannot read ") + what + " " + path + ": " +
           errno_text(errno));
    }
    return -1;
  }
  if (fstat(file.fd, &st) != 0) {
    warn(std::string("cannot read ") + what + " " + path + ": " +
         errno_text(errno));
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    warn(std::string(what) + " " + path + " is not a regular file; ignored");
    return -1;
  }
  return std::exchange(file.fd, -1);
}

// Reports a corrupt file and removes it, only if the name still refers to
// the file read (`st`): another process may have renamed a good one over
// it meanwhile.
void CodeCache::drop_file(const std::string& path, const char* what,
                          const struct stat& st,
                          const std::string& reason) const {
  warn(std::string(what) + " " + path + " is corrupt (" + reason +
       "); removed");
  struct stat now {};
  if (lstat(path.c_str(), &now) == 0 && now.st_ino == st.st_ino &&
      now.st_dev == st.st_dev) {
    unlink(path.c_str());
  }
}

std::optional<CachedBlob> CodeCache::get(const CacheKey& key) const {
  const std::string path = entry_path(key);
  struct stat st {};
  FdCloser file{open_file(path, "cache entry", st)};
  if (file.fd < 0) return std::nullopt;
  auto drop = [&](const std::string& reason) {
    drop_file(path, "cache entry", st, reason);
  };
  const uint64_t file_size = uint64_t(st.st_size);
  const uint64_t limit = kStoredBlobOffset + kMaxBlobBytes;
  if (file_size > limit) {
    drop("file of " + std::to_string(file_size) + " bytes is too large");
    return std::nullopt;
  }
  // No readahead for the header: a stored blob is mapped next, and pages
  // read ahead now would be cached in small folios, which cost ~0.7 ms
  // more page faults per 20 MB on every later hit than the large ones the
  // mapping's faults bring in (artifact/file_mapping.h).
  posix_fadvise(file.fd, 0, 0, POSIX_FADV_RANDOM);
  auto head_bytes =
      read_all(file.fd, std::min<uint64_t>(file_size, kStoredBlobOffset));
  if (!head_bytes.ok()) {
    warn("cannot read cache entry " + path + ": " + head_bytes.error().message);
    return std::nullopt;
  }
  auto head = read_entry_head(key, *head_bytes, file_size);
  if (!head.ok()) {
    drop(head.error().message);
    return std::nullopt;
  }
  // A hit makes the entry the most recently used. Failing (read-only file
  // system) only makes eviction less accurate.
  auto touch = [&] { futimens(file.fd, nullptr); };
  if (head->compression == EntryCompression::Stored) {
    touch();
    return CachedBlob(std::exchange(file.fd, -1), head->payload_offset,
                      head->payload_size, path);
  }
  posix_fadvise(file.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  auto bytes = read_all(file.fd, file_size);
  if (!bytes.ok()) {
    warn("cannot read cache entry " + path + ": " + bytes.error().message);
    return std::nullopt;
  }
  auto blob = decode_entry(key, *bytes);
  if (!blob.ok()) {
    if (blob.error().kind == ErrorKind::Malformed) {
      drop(blob.error().message);
    } else {  // out of memory: the entry may well be fine
      warn("cannot read cache entry " + path + ": " + blob.error().message);
    }
    return std::nullopt;
  }
  touch();
  return CachedBlob(std::move(blob).value());
}

std::optional<std::vector<uint8_t>> CodeCache::get_bytes(
    const CacheKey& key) const {
  std::optional<CachedBlob> blob = get(key);
  if (!blob) return std::nullopt;
  if (!blob->in_file()) return std::move(blob->bytes());
  auto bytes = read_all(blob->fd(), blob->size(), blob->offset());
  if (!bytes.ok() || bytes->size() != blob->size()) {
    warn("cannot read cache entry " + blob->path() + ": " +
         (bytes.ok() ? std::string("truncated") : bytes.error().message));
    return std::nullopt;
  }
  return std::move(bytes).value();
}

Result<void> CodeCache::put(const CacheKey& key,
                            std::span<const uint8_t> blob) const {
  // The entry is `head` then `tail`: a whole compressed entry, or a stored
  // blob's header and the blob itself (not copied).
  std::vector<uint8_t> head;
  std::span<const uint8_t> tail;
  if (blob.size() >= stored_blob_threshold_) {
    auto encoded = encode_stored_entry_head(key, blob.size());
    if (!encoded.ok()) return std::move(encoded).error();
    head = std::move(encoded).value();
    tail = blob;
  } else {
    auto encoded = encode_entry(key, blob);
    if (!encoded.ok()) return std::move(encoded).error();
    head = std::move(encoded).value();
  }
  const uint64_t entry_size = head.size() + tail.size();
  if (entry_size > max_bytes_) return {};

  return write_entry(entry_path(key), head, tail);
}

Result<void> CodeCache::write_entry(const std::string& path,
                                    std::span<const uint8_t> head,
                                    std::span<const uint8_t> tail) const {
  const uint64_t entry_size = head.size() + tail.size();
  const std::string shard = path.substr(0, path.rfind('/'));
  for (int attempt = 0;; attempt++) {
    if (mkdir(shard.c_str(), 0700) != 0 && errno != EEXIST) {
      auto made = make_directories(shard);
      if (!made.ok()) return made;
    }
    const std::string temp = shard + "/" + temp_name();
    FdCloser file{::open(temp.c_str(),
                         O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                         0600)};
    if (file.fd < 0) {
      // EEXIST: a name collision; ENOENT: the shard was removed by someone
      // clearing the cache under us. Both deserve another try.
      if ((errno == EEXIST || errno == ENOENT) && attempt + 1 < kPutAttempts) {
        continue;
      }
      return io_error("cannot create " + temp, errno);
    }
    auto written = write_all(file.fd, head);
    if (written.ok()) written = write_all(file.fd, tail);
    int close_status = close(file.fd);
    int close_errno = errno;
    file.fd = -1;
    if (written.ok() && close_status != 0) {
      written = io_error("close", close_errno);
    }
    if (!written.ok()) {
      unlink(temp.c_str());
      return Error(ErrorKind::Io, "cannot write cache entry " + temp + ": " +
                                      written.error().message);
    }
    if (rename(temp.c_str(), path.c_str()) != 0) {
      int err = errno;
      unlink(temp.c_str());
      return io_error("cannot rename " + temp + " to " + path, err);
    }
    break;
  }
  const uint64_t unscanned =
      unscanned_bytes_->fetch_add(entry_size) + entry_size;
  if (unscanned <= max_bytes_ / 16 && !scan_is_due()) return {};
  return evict();
}

std::optional<CacheKey> CodeCache::lookup_file(const CacheKey& record) const {
  const std::string path = record_path(record);
  struct stat st {};
  FdCloser file{open_file(path, "cache record", st)};
  if (file.fd < 0) return std::nullopt;
  // One byte more than a record: a longer file is corrupt too.
  auto bytes = read_all(file.fd, kFileRecordSize + 1);
  if (!bytes.ok()) {
    warn("cannot read cache record " + path + ": " + bytes.error().message);
    return std::nullopt;
  }
  auto module = decode_file_record(record, *bytes);
  if (!module.ok()) {
    drop_file(path, "cache record", st, module.error().message);
    return std::nullopt;
  }
  futimens(file.fd, nullptr);
  return *module;
}

Result<void> CodeCache::remember_file(const CacheKey& record,
                                      const CacheKey& module) const {
  const std::vector<uint8_t> bytes = encode_file_record(record, module);
  return write_entry(record_path(record), bytes, {});
}

bool CodeCache::scan_is_due() const {
  struct stat st {};
  const std::string marker = root_ + "/" + kScanMarker;
  return stat(marker.c_str(), &st) != 0 ||
         older_than(st.st_mtim, kScanIntervalSeconds);
}

Result<std::vector<CodeCache::EntryFile>> CodeCache::scan(
    bool remove_stale_temps) const {
  return scan_root(root_, remove_stale_temps);
}

Result<std::vector<CodeCache::EntryFile>> CodeCache::scan_root(
    const std::string& root_path, bool remove_stale_temps) const {
  std::vector<EntryFile> entries;
  DirPtr root(opendir(root_path.c_str()));
  if (!root) {
    if (errno == ENOENT) return entries;
    return io_error("cannot read cache directory " + root_path, errno);
  }
  while (dirent* shard_entry = readdir(root.get())) {
    const std::string_view shard_name = shard_entry->d_name;
    if (!is_shard_name(shard_name)) continue;
    int shard_fd = openat(dirfd(root.get()), shard_entry->d_name,
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (shard_fd < 0) {
      if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) continue;
      return io_error("cannot read cache directory " + root_path + "/" +
                          std::string(shard_name),
                      errno);
    }
    DirPtr shard(fdopendir(shard_fd));
    if (!shard) {
      int err = errno;
      close(shard_fd);
      return io_error("cannot read cache directory " + root_path + "/" +
                          std::string(shard_name),
                      err);
    }
    while (dirent* file = readdir(shard.get())) {
      const std::string_view name = file->d_name;
      const bool module = is_key_name(name, shard_name, kEntrySuffix);
      const bool record = is_key_name(name, shard_name, kRecordSuffix);
      const bool entry = module || record;
      if (!entry && !is_temp_name(name)) continue;
      struct stat st {};
      if (fstatat(shard_fd, file->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        continue;  // removed meanwhile
      }
      if (!S_ISREG(st.st_mode)) continue;
      if (entry) {
        entries.push_back(EntryFile{
            root_path + "/" + std::string(shard_name) + "/" + std::string(name),
            uint64_t(st.st_size), st.st_mtim, record});
      } else if (remove_stale_temps &&
                 older_than(st.st_mtim, kStaleTempSeconds)) {
        unlinkat(shard_fd, file->d_name, 0);
      }
    }
  }
  return entries;
}

// Entries of older format versions can never be read again: removed (names
// of the scheme only; the directories too, if that leaves them empty).
void CodeCache::remove_older_versions() const {
  for (uint32_t v = 1; v < kEntryFormatVersion; v++) {
    const std::string old_root = directory_ + "/v" + std::to_string(v);
    struct stat st {};
    if (lstat(old_root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    auto entries = scan_root(old_root, /*remove_stale_temps=*/true);
    if (!entries.ok()) continue;
    for (const EntryFile& e : *entries) {
      unlink(e.path.c_str());
      rmdir(e.path.substr(0, e.path.rfind('/')).c_str());
    }
    unlink((old_root + "/" + kScanMarker).c_str());
    rmdir(old_root.c_str());
  }
}

Result<void> CodeCache::evict() const {
  unscanned_bytes_->store(0);
  // Marked before scanning, so that processes putting meanwhile do not all
  // scan too. Failing to mark only makes the next put scan again.
  const std::string marker = root_ + "/" + kScanMarker;
  FdCloser mark{::open(marker.c_str(),
                       O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)};
  if (mark.fd >= 0) futimens(mark.fd, nullptr);

  remove_older_versions();
  auto entries = scan(/*remove_stale_temps=*/true);
  if (!entries.ok()) return std::move(entries).error();
  uint64_t total = 0;
  for (const EntryFile& e : *entries) total += e.size;
  if (total <= max_bytes_) return {};
  std::sort(entries->begin(), entries->end(),
            [](const EntryFile& a, const EntryFile& b) {
              if (a.mtime.tv_sec != b.mtime.tv_sec) {
                return a.mtime.tv_sec < b.mtime.tv_sec;
              }
              if (a.mtime.tv_nsec != b.mtime.tv_nsec) {
                return a.mtime.tv_nsec < b.mtime.tv_nsec;
              }
              return a.path < b.path;
            });
  for (const EntryFile& e : *entries) {
    if (total <= max_bytes_) break;
    // ENOENT: another process evicted it first; it is gone all the same.
    if (unlink(e.path.c_str()) != 0 && errno != ENOENT) {
      return io_error("cannot evict cache entry " + e.path, errno);
    }
    total -= e.size;
  }
  return {};
}

Result<CacheStats> CodeCache::stats() const {
  CacheStats stats;
  stats.directory = directory_;
  stats.max_bytes = max_bytes_;
  struct stat st {};
  stats.exists = stat(root_.c_str(), &st) == 0;
  auto entries = scan(/*remove_stale_temps=*/false);
  if (!entries.ok()) return std::move(entries).error();
  for (const EntryFile& e : *entries) {
    if (!e.record) stats.entries++;
    stats.bytes += e.size;
  }
  return stats;
}

Result<ClearResult> CodeCache::clear() const {
  remove_older_versions();
  auto entries = scan(/*remove_stale_temps=*/true);
  if (!entries.ok()) return std::move(entries).error();
  ClearResult result;
  for (const EntryFile& e : *entries) {
    if (unlink(e.path.c_str()) != 0) {
      if (errno == ENOENT) continue;
      return io_error("cannot remove cache entry " + e.path, errno);
    }
    if (!e.record) result.entries++;
    result.bytes += e.size;
  }
  return result;
}

}  // namespace heron
