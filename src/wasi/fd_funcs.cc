// The fd_* functions of wasi_snapshot_preview1: I/O, seeking, metadata and
// directory listing on an open guest file descriptor, each a thin layer
// over the matching host syscall with every guest pointer checked first.
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "wasi/wasi_state.h"

namespace heron::wasi {
namespace {

uint64_t timespec_ns(const timespec& ts) {
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

// An offset a host file can have; otherwise errno EINVAL (as the host
// would say), so that the caller reports it like any other failure.
bool valid_offset(uint64_t offset) {
  if (offset <= uint64_t(INT64_MAX)) return true;
  errno = EINVAL;
  return false;
}

// What fd_read, fd_write, fd_pread and fd_pwrite share: the fd (arg 0)
// with `rights`, the guest's iovec array (args 1 and 2), the u32 count
// stored at arg `result_arg`, checked in this order before any transfer;
// then `transfer(entry, iovecs)`, retried while a signal interrupts it.
template <typename Transfer>
Errno vectored_io(WasiState& s, const GuestMemory& mem,
                  std::span<const api::Val> a, uint64_t rights,
                  size_t result_arg, Transfer transfer) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), rights, &e); r != Errno::success)
    return r;
  std::vector<iovec> iov;
  if (Errno r = gather_iovecs(mem, arg32(a, 1), arg32(a, 2), &iov);
      r != Errno::success)
    return r;
  const uint32_t result = arg32(a, result_arg);
  if (!mem.in_bounds(result, 4)) return Errno::fault;
  ssize_t n;
  do {
    n = transfer(*e, iov);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return last_errno();
  mem.store(result, uint32_t(n));
  return Errno::success;
}

}  // namespace

Errno gather_iovecs(const GuestMemory& mem, uint32_t iovs, uint32_t count,
                    std::vector<iovec>* out) {
  if (count > IOV_MAX) count = IOV_MAX;
  out->reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf = 0, len = 0;
    const uint32_t at = iovs + i * 8;
    if (uint64_t(iovs) + uint64_t(i) * 8 + 8 > UINT32_MAX + uint64_t(1) ||
        !mem.load(at, &buf) || !mem.load(at + 4, &len)) {
      return Errno::fault;
    }
    uint8_t* host = mem.span(buf, len);
    if (host == nullptr) return Errno::fault;
    out->push_back(iovec{host, len});
  }
  return Errno::success;
}

// filestat: dev u64 @0, ino u64 @8, filetype u8 @16, nlink u64 @24,
// size u64 @32, atim @40, mtim @48, ctim @56 (64 bytes).
Errno store_filestat(const GuestMemory& mem, uint32_t ptr,
                     const struct stat& st) {
  uint8_t buf[64] = {};
  auto put64 = [&](int at, uint64_t v) { std::memcpy(buf + at, &v, 8); };
  put64(0, uint64_t(st.st_dev));
  put64(8, uint64_t(st.st_ino));
  buf[16] = filetype_of_mode(st.st_mode);
  put64(24, uint64_t(st.st_nlink));
  put64(32, uint64_t(st.st_size));
  put64(40, timespec_ns(st.st_atim));
  put64(48, timespec_ns(st.st_mtim));
  put64(56, timespec_ns(st.st_ctim));
  return mem.write(ptr, buf, sizeof buf) ? Errno::success : Errno::fault;
}

// The utimensat/futimens times for (atim, mtim, fst_flags), or inval when a
// time is both given and "now".
Errno wasi_times(uint64_t atim, uint64_t mtim, uint32_t flags,
                 timespec out[2]) {
  const uint32_t known = kFstAtim | kFstAtimNow | kFstMtim | kFstMtimNow;
  if ((flags & ~known) != 0) return Errno::inval;
  if ((flags & kFstAtim) && (flags & kFstAtimNow)) return Errno::inval;
  if ((flags & kFstMtim) && (flags & kFstMtimNow)) return Errno::inval;
  auto one = [](uint64_t ns, bool set, bool now) {
    timespec ts{};
    if (now) {
      ts.tv_nsec = UTIME_NOW;
    } else if (set) {
      ts.tv_sec = time_t(ns / 1000000000ull);
      ts.tv_nsec = long(ns % 1000000000ull);
    } else {
      ts.tv_nsec = UTIME_OMIT;
    }
    return ts;
  };
  out[0] = one(atim, flags & kFstAtim, flags & kFstAtimNow);
  out[1] = one(mtim, flags & kFstMtim, flags & kFstMtimNow);
  return Errno::success;
}

Errno fd_advise(WasiState& s, const GuestMemory&, std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), right::fd_advise, &e);
      r != Errno::success)
    return r;
  static constexpr int kAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                                    POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                                    POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  const uint32_t advice = arg32(a, 3);
  if (advice >= std::size(kAdvice)) return Errno::inval;
  if (e->filetype == kDirectory) return Errno::badf;
  // Advice only: a host that cannot take it (pipes) loses nothing.
  int rc = posix_fadvise(e->host_fd, off_t(arg64(a, 1)), off_t(arg64(a, 2)),
                         kAdvice[advice]);
  return rc == ESPIPE || rc == 0 ? Errno::success : from_host_errno(rc);
}

Errno fd_allocate(WasiState& s, const GuestMemory&,
                  std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), right::fd_allocate, &e);
      r != Errno::success)
    return r;
  const uint64_t offset = arg64(a, 1), len = arg64(a, 2);
  if (offset > uint64_t(INT64_MAX) || len > uint64_t(INT64_MAX) - offset)
    return Errno::inval;
  int rc = posix_fallocate(e->host_fd, off_t(offset), off_t(len));
  return from_host_errno(rc);
}

Errno fd_close(WasiState& s, const GuestMemory&, std::span<const api::Val> a) {
  auto it = s.fds.find(arg32(a, 0));
  if (it == s.fds.end()) return Errno::badf;
  if (it->second.owned) close(it->second.host_fd);
  s.fds.erase(it);
  return Errno::success;
}

Errno fd_datasync(WasiState& s, const GuestMemory&,
                  std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), right::fd_datasync, &e);
      r != Errno::success)
    return r;
  return fdatasync(e->host_fd) == 0 ? Errno::success : last_errno();
}

Errno fd_sync(WasiState& s, const GuestMemory&, std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), right::fd_sync, &e); r != Errno::success)
    return r;
  return fsync(e->host_fd) == 0 ? Errno::success : last_errno();
}

// fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8,
// rights_inheriting u64 @16 (24 bytes).
Errno fd_fdstat_get(WasiState& s, const GuestMemory& mem,
                    std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), 0, &e); r != Errno::success) return r;
  const int fl = fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return last_errno();
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= kFdflagAppend;
  if (fl & O_NONBLOCK) flags |= kFdflagNonblock;
  if ((fl & O_SYNC) == O_SYNC) {
    flags |= kFdflagSync;
  } else if (fl & O_DSYNC) {
    flags |= kFdflagDsync;
  }
  uint8_t buf[24] = {};
  buf[0] = e->filetype;
  std::memcpy(buf + 2, &flags, 2);
  std::memcpy(buf + 8, &e->rights_base, 8);
  std::memcpy(buf + 16, &e->rights_inheriting, 8);
  return mem.write(arg32(a, 1), buf, sizeof buf) ? Errno::success
                                                 : Errno::fault;
}

Errno fd_fdstat_set_flags(WasiState& s, const GuestMemory&,
                          std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), right::fd_fdstat_set_flags, &e);
      r != Errno::success)
    return r;
  const uint32_t flags = arg32(a, 1);
  if (flags & ~uint32_t(kFdflagAppend | kFdflagNonblock | kFdflagDsync |
                        kFdflagRsync | kFdflagSync))
    return Errno::inval;
  // Linux's F_SETFL silently ignores the sync flags; saying so beats
  // pretending they took effect.
  if (flags & (kFdflagDsync | kFdflagRsync | kFdflagSync)) return Errno::notsup;
  int fl = fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return last_errno();
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & kFdflagAppend) fl |= O_APPEND;
  if (flags & kFdflagNonblock) fl |= O_NONBLOCK;
  return fcntl(e->host_fd, F_SETFL, fl) == 0 ? Errno::success : last_errno();
}

Errno fd_fdstat_set_rights(WasiState& s, const GuestMemory&,
                           std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), 0, &e); r != Errno::success) return r;
  const uint64_t base = arg64(a, 1), inheriting = arg64(a, 2);
  // Rights only ever shrink.
  if ((base & ~e->rights_base) || (inheriting & ~e->rights_inheriting))
    return Errno::notcapable;
  e->rights_base = base;
  e->rights_inheriting = inheriting;
  return Errno::success;
}

Errno fd_filestat_get(WasiState& s, const GuestMemory& mem,
                      std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), right::fd_filestat_get, &e);
      r != Errno::success)
    return r;
  struct stat st {};
  if (fstat(e->host_fd, &st) != 0) return last_errno();
  return store_filestat(mem, arg32(a, 1), st);
}

Errno fd_filestat_set_size(WasiState& s, const GuestMemory&,
                           std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), right::fd_filestat_set_size, &e);
      r != Errno::success)
    return r;
  if (arg64(a, 1) > uint64_t(INT64_MAX)) return Errno::inval;
  return ftruncate(e->host_fd, off_t(arg64(a, 1))) == 0 ? Errno::success
                                                        : last_errno();
}

Errno fd_filestat_set_times(WasiState& s, const GuestMemory&,
                            std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), right::fd_filestat_set_times, &e);
      r != Errno::success)
    return r;
  timespec times[2];
  if (Errno r = wasi_times(arg64(a, 1), arg64(a, 2), arg32(a, 3), times);
      r != Errno::success)
    return r;
  return futimens(e->host_fd, times) == 0 ? Errno::success : last_errno();
}

Errno fd_read(WasiState& s, const GuestMemory& mem,
              std::span<const api::Val> a) {
  return vectored_io(s, mem, a, right::fd_read, 3,
                     [](const FdEntry& e, std::vector<iovec>& iov) {
                       return readv(e.host_fd, iov.data(), int(iov.size()));
                     });
}

Errno fd_write(WasiState& s, const GuestMemory& mem,
               std::span<const api::Val> a) {
  return vectored_io(s, mem, a, right::fd_write, 3,
                     [](const FdEntry& e, std::vector<iovec>& iov) {
                       if (is_socket(e)) return send_nosignal(e.host_fd, iov);
                       return writev(e.host_fd, iov.data(), int(iov.size()));
                     });
}

Errno fd_pread(WasiState& s, const GuestMemory& mem,
               std::span<const api::Val> a) {
  const uint64_t offset = arg64(a, 3);
  return vectored_io(s, mem, a, right::fd_read | right::fd_seek, 4,
                     [offset](const FdEntry& e, std::vector<iovec>& iov) {
                       if (!valid_offset(offset)) return ssize_t(-1);
                       return preadv(e.host_fd, iov.data(), int(iov.size()),
                                     off_t(offset));
                     });
}

Errno fd_pwrite(WasiState& s, const GuestMemory& mem,
                std::span<const api::Val> a) {
  const uint64_t offset = arg64(a, 3);
  return vectored_io(s, mem, a, right::fd_write | right::fd_seek, 4,
                     [offset](const FdEntry& e, std::vector<iovec>& iov) {
                       if (!valid_offset(offset)) return ssize_t(-1);
                       return pwritev(e.host_fd, iov.data(), int(iov.size()),
                                      off_t(offset));
                     });
}

// prestat: tag u8 @0 (0 = dir), pr_name_len u32 @4 (8 bytes).
Errno fd_prestat_get(WasiState& s, const GuestMemory& mem,
                     std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), 0, &e); r != Errno::success) return r;
  if (e->preopen_name.empty()) return Errno::badf;  // what libc expects
  uint8_t buf[8] = {};
  const uint32_t len = uint32_t(e->preopen_name.size());
  std::memcpy(buf + 4, &len, 4);
  return mem.write(arg32(a, 1), buf, sizeof buf) ? Errno::success
                                                 : Errno::fault;
}

Errno fd_prestat_dir_name(WasiState& s, const GuestMemory& mem,
                          std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), 0, &e); r != Errno::success) return r;
  if (e->preopen_name.empty()) return Errno::badf;
  const std::string& name = e->preopen_name;
  if (arg32(a, 2) < name.size()) return Errno::nametoolong;
  return mem.write(arg32(a, 1), name.data(), name.size()) ? Errno::success
                                                          : Errno::fault;
}

Errno fd_renumber(WasiState& s, const GuestMemory&,
                  std::span<const api::Val> a) {
  const uint32_t from = arg32(a, 0), to = arg32(a, 1);
  auto src = s.fds.find(from);
  auto dst = s.fds.find(to);
  if (src == s.fds.end() || dst == s.fds.end()) return Errno::badf;
  if (from == to) return Errno::success;
  if (dst->second.owned) close(dst->second.host_fd);
  dst->second = std::move(src->second);
  s.fds.erase(src);
  return Errno::success;
}

Errno fd_seek(WasiState& s, const GuestMemory& mem,
              std::span<const api::Val> a) {
  const uint32_t whence = arg32(a, 2);
  // A plain "where am I" needs only fd_tell, as the spec allows.
  const bool tell = whence == 1 && arg64(a, 1) == 0;
  FdEntry* e = nullptr;
  if (Errno r =
          s.lookup(arg32(a, 0), tell ? right::fd_tell : right::fd_seek, &e);
      r != Errno::success)
    return r;
  static constexpr int kWhence[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence > 2) return Errno::inval;
  if (!mem.in_bounds(arg32(a, 3), 8)) return Errno::fault;
  if (e->filetype == kDirectory) return Errno::badf;
  const off_t pos = lseek(e->host_fd, off_t(arg64(a, 1)), kWhence[whence]);
  if (pos < 0) return last_errno();
  mem.store(arg32(a, 3), uint64_t(pos));
  return Errno::success;
}

Errno fd_tell(WasiState& s, const GuestMemory& mem,
              std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), right::fd_tell, &e); r != Errno::success)
    return r;
  if (!mem.in_bounds(arg32(a, 1), 8)) return Errno::fault;
  const off_t pos = lseek(e->host_fd, 0, SEEK_CUR);
  if (pos < 0) return last_errno();
  mem.store(arg32(a, 1), uint64_t(pos));
  return Errno::success;
}

// dirent: d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20
// (24 bytes), then the name. A cookie names a host directory position (the
// d_off of the entry before; see DirCookies), taken up on a private stream
// opened per call: seekdir/rewinddir and several readers of one fd all
// work, and positions are as stable as the host filesystem makes telldir's.
// (Counting entries instead would skip names as soon as the guest removes
// ones it already saw, which is how `rm -r` empties a directory.)
Errno fd_readdir(WasiState& s, const GuestMemory& mem,
                 std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = s.lookup(arg32(a, 0), right::fd_readdir, &e);
      r != Errno::success)
    return r;
  const uint32_t buf = arg32(a, 1), buf_len = arg32(a, 2);
  const uint64_t cookie = arg64(a, 3);
  const uint32_t used_ptr = arg32(a, 4);
  if (!mem.in_bounds(buf, buf_len) || !mem.in_bounds(used_ptr, 4))
    return Errno::fault;
  if (e->filetype != kDirectory) return Errno::notdir;
  const std::optional<uint64_t> position = e->dir_cookies.position_of(cookie);
  if (!position || *position > uint64_t(INT64_MAX)) return Errno::inval;
  // A private stream on the same directory: the guest fd's own offset is
  // left alone.
  const int dir_fd =
      openat(e->host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return last_errno();
  if (*position != 0 && lseek(dir_fd, off_t(*position), SEEK_SET) < 0) {
    const Errno r = last_errno();
    close(dir_fd);
    return r;
  }
  std::unique_ptr<DIR, int (*)(DIR*)> dir(fdopendir(dir_fd), closedir);
  if (!dir) {
    close(dir_fd);
    return last_errno();
  }
  uint32_t used = 0;
  errno = 0;
  while (used < buf_len) {
    dirent* d = readdir(dir.get());
    if (d == nullptr) {
      if (errno != 0) return last_errno();
      break;
    }
    Filetype type = kUnknown;
    switch (d->d_type) {
      case DT_BLK:
        type = kBlockDevice;
        break;
      case DT_CHR:
        type = kCharacterDevice;
        break;
      case DT_DIR:
        type = kDirectory;
        break;
      case DT_REG:
        type = kRegularFile;
        break;
      case DT_LNK:
        type = kSymbolicLink;
        break;
      case DT_SOCK:
        type = kSocketStream;
        break;
      default: {
        struct stat st {};
        if (fstatat(dir_fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
          type = filetype_of_mode(st.st_mode);
      }
    }
    const uint32_t name_len = uint32_t(std::strlen(d->d_name));
    uint8_t header[24] = {};
    const uint64_t next = e->dir_cookies.cookie_for(uint64_t(d->d_off));
    const uint64_t ino = d->d_ino;
    std::memcpy(header, &next, 8);
    std::memcpy(header + 8, &ino, 8);
    std::memcpy(header + 16, &name_len, 4);
    header[20] = type;
    // Entries that do not fit are cut short: a full buffer tells the
    // guest to call again with a larger one or the last cookie.
    uint32_t n = std::min<uint32_t>(24, buf_len - used);
    mem.write(buf + used, header, n);
    used += n;
    n = std::min<uint32_t>(name_len, buf_len - used);
    mem.write(buf + used, d->d_name, n);
    used += n;
    errno = 0;
  }
  mem.store(used_ptr, used);
  return Errno::success;
}

}  // namespace heron::wasi
