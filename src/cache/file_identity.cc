// File identities for the code cache's file records (see file_identity.h).
#include "cache/file_identity.h"

namespace heron {

std::optional<FileIdentity> file_identity(const struct stat& st) {
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  FileIdentity id;
  id.device = uint64_t(st.st_dev);
  id.inode = uint64_t(st.st_ino);
  id.size = uint64_t(st.st_size);
  id.mtime_sec = int64_t(st.st_mtim.tv_sec);
  id.mtime_nsec = int64_t(st.st_mtim.tv_nsec);
  id.ctime_sec = int64_t(st.st_ctim.tv_sec);
  id.ctime_nsec = int64_t(st.st_ctim.tv_nsec);
  return id;
}

std::optional<FileIdentity> file_identity(const char* path) {
  struct stat st {};
  if (stat(path, &st) != 0) return std::nullopt;
  return file_identity(st);
}

bool is_settled(const FileIdentity& file, int64_t now_sec) {
  // Strictly more than kSettledSeconds whole seconds: the nanoseconds of
  // ctime are not compared, so this errs towards "not yet".
  return file.ctime_sec < now_sec - kSettledSeconds;
}

}  // namespace heron
