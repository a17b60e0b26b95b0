// Compiled-module files (see artifact_files.h).
#include "cli/artifact_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "artifact/format.h"
#include "cli/file_util.h"

namespace heron::cli {

bool is_artifact_file(const std::string& path) {
  // Only a regular file is looked into: reading a pipe (heron run
  // /dev/stdin) would consume the module's first bytes. Artifacts are
  // mapped, so they are regular files anyway.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  // No readahead: an artifact is mapped next, and pages read ahead now
  // would be cached in small folios (see artifact/file_mapping.h).
  posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
  uint8_t head[16];
  ssize_t n;
  do {
    n = ::read(fd, head, sizeof head);
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  // A prefix of the magic is a truncated artifact, for the loader to say so
  // (no text module starts with the DEL character).
  const size_t k =
      std::min<size_t>(n > 0 ? size_t(n) : 0, sizeof artifact::kMagic);
  return k > 0 && std::memcmp(head, artifact::kMagic, k) == 0;
}

Result<void> replace_file(const std::string& path,
                          std::span<const uint8_t> bytes) {
  const std::string temp = path + ".tmp" + std::to_string(long(getpid()));
  if (Result<void> r = write_file(temp, bytes); !r.ok()) {
    std::remove(temp.c_str());
    return r;
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(temp.c_str());
    return Error(ErrorKind::Io, std::string("cannot rename into place: ") +
                                    std::strerror(err));
  }
  return {};
}

}  // namespace heron::cli
