// The path_* functions of wasi_snapshot_preview1. Every guest path is
// relative to an open directory fd and must stay beneath it: paths are only
// ever resolved by open_beneath (openat2 with RESOLVE_BENEATH) or, for
// operations on a last component, by resolve_parent and then a *at()
// syscall that does not follow a symlink in that component. Nothing here
// hands a guest path with ".." or a leading "/" to an unchecked syscall.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "wasi/wasi_state.h"

namespace heron::wasi {
namespace {

// Closes a host fd on scope exit.
struct FdGuard {
  int fd = -1;
  ~FdGuard() {
    if (fd >= 0) close(fd);
  }
};

// The magic link naming an open fd: lets syscalls without AT_EMPTY_PATH act
// on a file already resolved beneath the preopen (the kernel follows it to
// exactly that file, never re-resolving a path).
std::string proc_fd_path(int fd) {
  return "/proc/self/fd/" + std::to_string(fd);
}

// The directory fd with `rights`, the guest path read and split.
Errno parent_of(WasiState& s, const GuestMemory& mem, uint32_t fd,
                uint64_t rights, uint32_t path_ptr, uint32_t path_len,
                ParentDir* out) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(fd, rights, &e); r != Errno::success) return r;
  std::string path;
  if (Errno r = read_path(mem, path_ptr, path_len, &path); r != Errno::success)
    return r;
  if (e->filetype != kDirectory) return Errno::notdir;
  return resolve_parent(e->host_fd, path, out);
}

// The directory fd with `rights`, the guest path read, and what it names
// opened O_PATH beneath the directory with a final symlink followed (for
// the *_FOLLOW variants, which then act on /proc/self/fd/N).
Errno open_following(WasiState& s, const GuestMemory& mem, uint32_t fd,
                     uint64_t rights, uint32_t path_ptr, uint32_t path_len,
                     FdGuard* out) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(fd, rights, &e); r != Errno::success) return r;
  std::string path;
  if (Errno r = read_path(mem, path_ptr, path_len, &path); r != Errno::success)
    return r;
  return open_beneath(e->host_fd, path, O_PATH, 0, &out->fd);
}

}  // namespace

Errno path_open(WasiState& s, const GuestMemory& mem,
                std::span<const api::Val> a) {
  const uint32_t dirflags = arg32(a, 1);
  const uint32_t oflags = arg32(a, 4);
  const uint64_t base = arg64(a, 5), inheriting = arg64(a, 6);
  const uint32_t fdflags = arg32(a, 7);
  const uint32_t out_ptr = arg32(a, 8);
  uint64_t needed = right::path_open;
  if (oflags & kOflagCreat) needed |= right::path_create_file;
  if (oflags & kOflagTrunc) needed |= right::path_filestat_set_size;
  FdEntry* dir = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), needed, &dir); r != Errno::success)
    return r;
  std::string path;
  if (Errno r = read_path(mem, arg32(a, 2), arg32(a, 3), &path);
      r != Errno::success)
    return r;
  if (!mem.in_bounds(out_ptr, 4)) return Errno::fault;
  if (oflags &
      ~uint32_t(kOflagCreat | kOflagDirectory | kOflagExcl | kOflagTrunc))
    return Errno::inval;
  if (fdflags & ~uint32_t(kFdflagAppend | kFdflagDsync | kFdflagNonblock |
                          kFdflagRsync | kFdflagSync))
    return Errno::inval;
  if (dir->filetype != kDirectory) return Errno::notdir;

  // The access mode follows the rights asked for: libc asks for the write
  // rights exactly when the program opened for writing.
  const bool read = base & (right::fd_read | right::fd_readdir);
  const bool write = base & (right::fd_write | right::fd_allocate |
                             right::fd_filestat_set_size);
  int flags = write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagDirectory) flags |= O_DIRECTORY;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if (!(dirflags & kLookupSymlinkFollow)) flags |= O_NOFOLLOW;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & kFdflagSync) flags |= O_SYNC;
  if (fdflags & kFdflagRsync) flags |= O_RSYNC;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;

  int host_fd = -1;
  if (Errno r = open_beneath(dir->host_fd, path, flags, 0666, &host_fd);
      r != Errno::success)
    return r;
  struct stat st {};
  if (fstat(host_fd, &st) != 0) {
    Errno r = last_errno();
    close(host_fd);
    return r;
  }
  FdEntry entry;
  entry.host_fd = host_fd;
  entry.filetype = filetype_of_mode(st.st_mode);
  // New rights: what was asked, within what the directory passes on, and
  // meaningful for what was opened.
  const uint64_t kind_rights =
      entry.filetype == kDirectory ? right::dir_rights : right::file_rights;
  entry.rights_base = base & dir->rights_inheriting & kind_rights;
  entry.rights_inheriting = inheriting & dir->rights_inheriting;
  const uint32_t fd = s.next_fd();
  s.fds.emplace(fd, std::move(entry));
  mem.store(out_ptr, fd);
  return Errno::success;
}

Errno path_create_directory(WasiState& s, const GuestMemory& mem,
                            std::span<const api::Val> a) {
  ParentDir p;
  if (Errno r = parent_of(s, mem, arg32(a, 0), right::path_create_directory,
                          arg32(a, 1), arg32(a, 2), &p);
      r != Errno::success)
    return r;
  return mkdirat(p.dir_fd, p.name.c_str(), 0777) == 0 ? Errno::success
                                                      : last_errno();
}

Errno path_filestat_get(WasiState& s, const GuestMemory& mem,
                        std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), right::path_filestat_get, &e);
      r != Errno::success)
    return r;
  std::string path;
  if (Errno r = read_path(mem, arg32(a, 2), arg32(a, 3), &path);
      r != Errno::success)
    return r;
  if (!mem.in_bounds(arg32(a, 4), 64)) return Errno::fault;
  // O_PATH | O_NOFOLLOW opens a final symlink itself, so fstat describes
  // the link when the guest did not ask to follow it.
  const bool follow = arg32(a, 1) & kLookupSymlinkFollow;
  FdGuard file;
  if (Errno r = open_beneath(e->host_fd, path,
                             O_PATH | (follow ? 0 : O_NOFOLLOW), 0, &file.fd);
      r != Errno::success)
    return r;
  struct stat st {};
  if (fstat(file.fd, &st) != 0) return last_errno();
  return store_filestat(mem, arg32(a, 4), st);
}

Errno path_filestat_set_times(WasiState& s, const GuestMemory& mem,
                              std::span<const api::Val> a) {
  timespec times[2];
  if (Errno r = wasi_times(arg64(a, 4), arg64(a, 5), arg32(a, 6), times);
      r != Errno::success)
    return r;
  if (arg32(a, 1) & kLookupSymlinkFollow) {
    FdGuard file;
    if (Errno r =
            open_following(s, mem, arg32(a, 0), right::path_filestat_set_times,
                           arg32(a, 2), arg32(a, 3), &file);
        r != Errno::success)
      return r;
    return utimensat(AT_FDCWD, proc_fd_path(file.fd).c_str(), times, 0) == 0
               ? Errno::success
               : last_errno();
  }
  ParentDir p;
  if (Errno r = parent_of(s, mem, arg32(a, 0), right::path_filestat_set_times,
                          arg32(a, 2), arg32(a, 3), &p);
      r != Errno::success)
    return r;
  return utimensat(p.dir_fd, p.name.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0
             ? Errno::success
             : last_errno();
}

Errno path_link(WasiState& s, const GuestMemory& mem,
                std::span<const api::Val> a) {
  ParentDir to;
  if (Errno r = parent_of(s, mem, arg32(a, 4), right::path_link_target,
                          arg32(a, 5), arg32(a, 6), &to);
      r != Errno::success)
    return r;
  // "new/" cannot become a hard link (an existing directory there is left
  // for linkat to refuse with exist).
  if (to.must_be_dir && !to.type()) return Errno::noent;
  if (arg32(a, 1) & kLookupSymlinkFollow) {
    // linkat's own AT_SYMLINK_FOLLOW would follow a final symlink without
    // the beneath check; resolve it ourselves and link the result.
    FdGuard file;
    if (Errno r = open_following(s, mem, arg32(a, 0), right::path_link_source,
                                 arg32(a, 2), arg32(a, 3), &file);
        r != Errno::success)
      return r;
    return linkat(AT_FDCWD, proc_fd_path(file.fd).c_str(), to.dir_fd,
                  to.name.c_str(), AT_SYMLINK_FOLLOW) == 0
               ? Errno::success
               : last_errno();
  }
  ParentDir from;
  if (Errno r = parent_of(s, mem, arg32(a, 0), right::path_link_source,
                          arg32(a, 2), arg32(a, 3), &from);
      r != Errno::success)
    return r;
  return linkat(from.dir_fd, from.name.c_str(), to.dir_fd, to.name.c_str(),
                0) == 0
             ? Errno::success
             : last_errno();
}

Errno path_readlink(WasiState& s, const GuestMemory& mem,
                    std::span<const api::Val> a) {
  ParentDir p;
  if (Errno r = parent_of(s, mem, arg32(a, 0), right::path_readlink,
                          arg32(a, 1), arg32(a, 2), &p);
      r != Errno::success)
    return r;
  const uint32_t buf = arg32(a, 3), buf_len = arg32(a, 4);
  if (!mem.in_bounds(buf, buf_len) || !mem.in_bounds(arg32(a, 5), 4))
    return Errno::fault;
  std::string target(4096, '\0');
  const ssize_t n =
      readlinkat(p.dir_fd, p.name.c_str(), target.data(), target.size());
  if (n < 0) return last_errno();
  // The spec truncates silently to the buffer.
  const uint32_t len = std::min<uint32_t>(uint32_t(n), buf_len);
  mem.write(buf, target.data(), len);
  mem.store(arg32(a, 5), len);
  return Errno::success;
}

Errno path_remove_directory(WasiState& s, const GuestMemory& mem,
                            std::span<const api::Val> a) {
  ParentDir p;
  if (Errno r = parent_of(s, mem, arg32(a, 0), right::path_remove_directory,
                          arg32(a, 1), arg32(a, 2), &p);
      r != Errno::success)
    return r;
  return unlinkat(p.dir_fd, p.name.c_str(), AT_REMOVEDIR) == 0 ? Errno::success
                                                               : last_errno();
}

Errno path_rename(WasiState& s, const GuestMemory& mem,
                  std::span<const api::Val> a) {
  ParentDir from, to;
  if (Errno r = parent_of(s, mem, arg32(a, 0), right::path_rename_source,
                          arg32(a, 1), arg32(a, 2), &from);
      r != Errno::success)
    return r;
  if (Errno r = parent_of(s, mem, arg32(a, 3), right::path_rename_target,
                          arg32(a, 4), arg32(a, 5), &to);
      r != Errno::success)
    return r;
  // A trailing slash on either side: only a directory moves.
  if (to.must_be_dir) {
    const std::optional<Filetype> type = from.type();
    if (type && *type != kDirectory) return Errno::notdir;
  }
  return renameat(from.dir_fd, from.name.c_str(), to.dir_fd, to.name.c_str()) ==
                 0
             ? Errno::success
             : last_errno();
}

// The link's contents may name anything, even outside the preopen: it is
// only ever followed through open_beneath, which refuses to leave.
Errno path_symlink(WasiState& s, const GuestMemory& mem,
                   std::span<const api::Val> a) {
  std::string target;
  if (Errno r = read_path(mem, arg32(a, 0), arg32(a, 1), &target);
      r != Errno::success)
    return r;
  ParentDir p;
  if (Errno r = parent_of(s, mem, arg32(a, 2), right::path_symlink, arg32(a, 3),
                          arg32(a, 4), &p);
      r != Errno::success)
    return r;
  if (p.must_be_dir && !p.type()) return Errno::noent;  // "link/"
  return symlinkat(target.c_str(), p.dir_fd, p.name.c_str()) == 0
             ? Errno::success
             : last_errno();
}

Errno path_unlink_file(WasiState& s, const GuestMemory& mem,
                       std::span<const api::Val> a) {
  ParentDir p;
  if (Errno r = parent_of(s, mem, arg32(a, 0), right::path_unlink_file,
                          arg32(a, 1), arg32(a, 2), &p);
      r != Errno::success)
    return r;
  return unlinkat(p.dir_fd, p.name.c_str(), 0) == 0 ? Errno::success
                                                    : last_errno();
}

}  // namespace heron::wasi
