// FileIdentity: telling, without reading it, that a module file is the one
// compiled before, so that a cache hit need not read and hash the module.
//
// Design note. The cache's keys hash the module's bytes (cache_key.h): for
// a 6 MB module, reading it and hashing it cost 8 ms, more than loading the
// cached code. Like ccache's "direct mode" and git's index, the cache also
// records, per file, where its content key was found: a small record named
// by a hash of the file's identity (device, inode, size, modification and
// status-change times in nanoseconds) and the compile settings, holding
// the content key. A run that finds the record for the file's identity
// loads the entry without opening the module.
//
// Why the identity is safe. Every write to a file, every truncation,
// rename onto it and utimes() on it sets its status-change time (ctime) to
// the current time, and nothing can set ctime backwards short of changing
// the system clock. Two hazards remain, and both are closed by recording a
// file only once it is settled, its ctime more than kSettledSeconds in the
// past, checked after the bytes were read:
// - file systems keep coarse timestamps (the kernel's tick, a few
//   milliseconds): a file rewritten with the same size within one tick of
//   the content we read would keep its identity. A settled file was not
//   written for seconds, so the bytes read are its bytes, and any later
//   write gives it a newer ctime;
// - a file written while being read: its ctime would be new.
// A file is also compared before and after reading (the same identity), so
// that a rename of another file over the name in between is noticed. A
// freshly built module is therefore hashed on its first runs, until it
// settles. Where ctime means nothing (exotic file systems), the cache can
// be turned off; a record never survives a change of the compiler or the
// settings, which are in its name.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>

namespace heron {

inline constexpr int64_t kSettledSeconds = 2;

struct FileIdentity {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_sec = 0;
  int64_t mtime_nsec = 0;
  int64_t ctime_sec = 0;
  int64_t ctime_nsec = 0;

  bool operator==(const FileIdentity&) const = default;
};

// The identity of a regular file, nullopt for anything else.
std::optional<FileIdentity> file_identity(const struct stat& st);
// Of `path` (following symbolic links, as opening it does).
std::optional<FileIdentity> file_identity(const char* path);

// True when the file's ctime is more than kSettledSeconds before
// `now_sec` (CLOCK_REALTIME seconds), and not in the future.
bool is_settled(const FileIdentity& file, int64_t now_sec);

}  // namespace heron
