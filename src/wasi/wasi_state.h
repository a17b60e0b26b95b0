// The inside of a WasiCtx: the WASI preview1 vocabulary (errno, filetypes,
// rights, flags: the numbering of the witx spec, which the guest's libc
// compiles in), the guest's file descriptor table, bounds-checked access to
// guest memory, and the sandboxed path resolution every path_* function
// goes through. The host functions themselves live in the other files of
// this folder, grouped like the spec: fd_*, path_*, sock_*, the rest.
#pragma once

#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "heron/error.h"
#include "heron/memory.h"
#include "heron/val.h"
#include "heron/wasi.h"

namespace heron {

namespace wasi {

// errno of wasi_snapshot_preview1 (u16).
enum class Errno : uint16_t {
  success = 0,
  toobig = 1,
  acces = 2,
  addrinuse = 3,
  addrnotavail = 4,
  afnosupport = 5,
  again = 6,
  already = 7,
  badf = 8,
  badmsg = 9,
  busy = 10,
  canceled = 11,
  child = 12,
  connaborted = 13,
  connrefused = 14,
  connreset = 15,
  deadlk = 16,
  destaddrreq = 17,
  dom = 18,
  dquot = 19,
  exist = 20,
  fault = 21,
  fbig = 22,
  hostunreach = 23,
  idrm = 24,
  ilseq = 25,
  inprogress = 26,
  intr = 27,
  inval = 28,
  io = 29,
  isconn = 30,
  isdir = 31,
  loop = 32,
  mfile = 33,
  mlink = 34,
  msgsize = 35,
  multihop = 36,
  nametoolong = 37,
  netdown = 38,
  netreset = 39,
  netunreach = 40,
  nfile = 41,
  nobufs = 42,
  nodev = 43,
  noent = 44,
  noexec = 45,
  nolck = 46,
  nolink = 47,
  nomem = 48,
  nomsg = 49,
  noprotoopt = 50,
  nospc = 51,
  nosys = 52,
  notconn = 53,
  notdir = 54,
  notempty = 55,
  notrecoverable = 56,
  notsock = 57,
  notsup = 58,
  notty = 59,
  nxio = 60,
  overflow = 61,
  ownerdead = 62,
  perm = 63,
  pipe = 64,
  proto = 65,
  protonosupport = 66,
  prototype = 67,
  range = 68,
  rofs = 69,
  spipe = 70,
  srch = 71,
  stale = 72,
  timedout = 73,
  txtbsy = 74,
  xdev = 75,
  notcapable = 76,
};

// The host's errno in WASI's numbering (io for anything unexpected).
Errno from_host_errno(int host_errno);
// from_host_errno(errno), for the common "a syscall failed" path.
Errno last_errno();

enum Filetype : uint8_t {
  kUnknown = 0,
  kBlockDevice = 1,
  kCharacterDevice = 2,
  kDirectory = 3,
  kRegularFile = 4,
  kSocketDgram = 5,
  kSocketStream = 6,
  kSymbolicLink = 7,
};
Filetype filetype_of_mode(uint32_t st_mode);

// Rights (u64), one bit each.
namespace right {
inline constexpr uint64_t fd_datasync = 1ull << 0;
inline constexpr uint64_t fd_read = 1ull << 1;
inline constexpr uint64_t fd_seek = 1ull << 2;
inline constexpr uint64_t fd_fdstat_set_flags = 1ull << 3;
inline constexpr uint64_t fd_sync = 1ull << 4;
inline constexpr uint64_t fd_tell = 1ull << 5;
inline constexpr uint64_t fd_write = 1ull << 6;
inline constexpr uint64_t fd_advise = 1ull << 7;
inline constexpr uint64_t fd_allocate = 1ull << 8;
inline constexpr uint64_t path_create_directory = 1ull << 9;
inline constexpr uint64_t path_create_file = 1ull << 10;
inline constexpr uint64_t path_link_source = 1ull << 11;
inline constexpr uint64_t path_link_target = 1ull << 12;
inline constexpr uint64_t path_open = 1ull << 13;
inline constexpr uint64_t fd_readdir = 1ull << 14;
inline constexpr uint64_t path_readlink = 1ull << 15;
inline constexpr uint64_t path_rename_source = 1ull << 16;
inline constexpr uint64_t path_rename_target = 1ull << 17;
inline constexpr uint64_t path_filestat_get = 1ull << 18;
inline constexpr uint64_t path_filestat_set_size = 1ull << 19;
inline constexpr uint64_t path_filestat_set_times = 1ull << 20;
inline constexpr uint64_t fd_filestat_get = 1ull << 21;
inline constexpr uint64_t fd_filestat_set_size = 1ull << 22;
inline constexpr uint64_t fd_filestat_set_times = 1ull << 23;
inline constexpr uint64_t path_symlink = 1ull << 24;
inline constexpr uint64_t path_remove_directory = 1ull << 25;
inline constexpr uint64_t path_unlink_file = 1ull << 26;
inline constexpr uint64_t poll_fd_readwrite = 1ull << 27;
inline constexpr uint64_t sock_shutdown = 1ull << 28;
inline constexpr uint64_t sock_accept = 1ull << 29;
inline constexpr uint64_t all = (1ull << 30) - 1;
// What a file (not a directory) can be asked to do.
inline constexpr uint64_t file_rights =
    fd_datasync | fd_read | fd_seek | fd_fdstat_set_flags | fd_sync | fd_tell |
    fd_write | fd_advise | fd_allocate | fd_filestat_get |
    fd_filestat_set_size | fd_filestat_set_times | poll_fd_readwrite;
// What a directory can be asked to do.
inline constexpr uint64_t dir_rights =
    fd_fdstat_set_flags | fd_sync | fd_datasync | path_create_directory |
    path_create_file | path_link_source | path_link_target | path_open |
    fd_readdir | path_readlink | path_rename_source | path_rename_target |
    path_filestat_get | path_filestat_set_size | path_filestat_set_times |
    fd_filestat_get | fd_filestat_set_times | path_symlink |
    path_remove_directory | path_unlink_file;
// What a listening socket can be asked to do; the connections it accepts
// get `socket_rights`.
inline constexpr uint64_t listener_rights =
    sock_accept | fd_fdstat_set_flags | fd_filestat_get | poll_fd_readwrite;
inline constexpr uint64_t socket_rights =
    fd_read | fd_write | fd_fdstat_set_flags | fd_filestat_get |
    poll_fd_readwrite | sock_shutdown;
}  // namespace right

// fdflags (u16), oflags (u16), lookupflags (u32), fstflags (u16).
inline constexpr uint16_t kFdflagAppend = 1, kFdflagDsync = 2,
                          kFdflagNonblock = 4, kFdflagRsync = 8,
                          kFdflagSync = 16;
inline constexpr uint16_t kOflagCreat = 1, kOflagDirectory = 2, kOflagExcl = 4,
                          kOflagTrunc = 8;
inline constexpr uint32_t kLookupSymlinkFollow = 1;
inline constexpr uint16_t kFstAtim = 1, kFstAtimNow = 2, kFstMtim = 4,
                          kFstMtimNow = 8;
// riflags, roflags (u16), sdflags (u8).
inline constexpr uint16_t kRiflagPeek = 1, kRiflagWaitall = 2;
inline constexpr uint16_t kRoflagDataTruncated = 1;
inline constexpr uint8_t kSdflagRd = 1, kSdflagWr = 2;

// Guest linear memory for the duration of one host call: every pointer and
// length the guest passes goes through here, so that a bad one is the errno
// `fault` and never a host access outside the memory. (The memory cannot
// move during a host call: WASI functions never call back into wasm.)
class GuestMemory {
 public:
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

  bool in_bounds(uint32_t ptr, uint64_t len) const {
    return uint64_t(ptr) + len <= size_;
  }
  // A host pointer to [ptr, ptr+len), or nullptr when out of bounds.
  uint8_t* span(uint32_t ptr, uint64_t len) const {
    return in_bounds(ptr, len) ? base_ + ptr : nullptr;
  }
  template <class T>
  bool load(uint32_t ptr, T* out) const {
    if (!in_bounds(ptr, sizeof(T))) return false;
    std::memcpy(out, base_ + ptr, sizeof(T));  // little endian, unaligned
    return true;
  }
  template <class T>
  bool store(uint32_t ptr, T value) const {
    if (!in_bounds(ptr, sizeof(T))) return false;
    std::memcpy(base_ + ptr, &value, sizeof(T));
    return true;
  }
  bool write(uint32_t ptr, const void* src, uint64_t len) const {
    if (!in_bounds(ptr, len)) return false;
    if (len != 0) std::memcpy(base_ + ptr, src, len);
    return true;
  }
  // A guest string (not NUL-terminated) as a host string, or nullopt.
  std::optional<std::string> string(uint32_t ptr, uint32_t len) const {
    if (!in_bounds(ptr, len)) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(base_ + ptr), len);
  }

 private:
  uint8_t* base_;
  uint64_t size_;
};

// The fd_readdir cookies of one directory fd. A cookie stands for a host
// directory position (an entry's d_off: on ext4 a 63-bit hash) by a small
// number, because wasi-libc keeps cookies in a 32-bit `long` for
// telldir/seekdir and would cut the host's own. Cookie 0 is the start,
// cookie k the k-th distinct position handed out; they live as long as
// the fd (so the table is bounded by the positions the directory ever had).
struct DirCookies {
  std::vector<uint64_t> positions;
  std::unordered_map<uint64_t, uint64_t> cookie_of;

  uint64_t cookie_for(uint64_t position) {
    auto [it, added] = cookie_of.try_emplace(position, positions.size() + 1);
    if (added) positions.push_back(position);
    return it->second;
  }
  // The host position of `cookie`, nullopt for one never handed out.
  std::optional<uint64_t> position_of(uint64_t cookie) const {
    if (cookie == 0) return 0;
    if (cookie > positions.size()) return std::nullopt;
    return positions[cookie - 1];
  }
};

// One open guest file descriptor.
struct FdEntry {
  int host_fd = -1;
  bool owned = true;  // closed with the entry (inherited stdio is not)
  Filetype filetype = kUnknown;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  std::string preopen_name;  // non-empty for a preopened directory
  DirCookies dir_cookies;    // directories only
};

// The call's arguments, read as WASI's unsigned integer types.
inline uint32_t arg32(std::span<const api::Val> a, size_t i) {
  return uint32_t(a[i].as_i32());
}
inline uint64_t arg64(std::span<const api::Val> a, size_t i) {
  return uint64_t(a[i].as_i64());
}

}  // namespace wasi

struct WasiState {
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::map<uint32_t, wasi::FdEntry> fds;
  api::Memory memory;  // null until WasiCtx::bind
  bool memory_bound = false;
  std::optional<uint32_t> exit_code;

  ~WasiState();

  // The entry of `fd` when it is open and has every right in `rights`:
  // badf or notcapable otherwise.
  wasi::Errno lookup(uint32_t fd, uint64_t rights, wasi::FdEntry** out);
  // The lowest free guest fd number.
  uint32_t next_fd() const;
};

namespace wasi {

// A guest path resolved for a path_* function: a host directory fd (owned
// here) beneath the preopen and one final component, neither "." nor ".."
// nor empty, that is to be acted on with the *at() syscalls without
// following a symlink there. Produced only by resolve_parent, which never
// lets an intermediate component escape the preopen.
struct ParentDir {
  int dir_fd = -1;
  std::string name;
  // The guest path ended in "/": `name` must be a directory. One that
  // exists and is not (a file, a symlink) was refused with `notdir`
  // already; creating anything but a directory there must fail too.
  bool must_be_dir = false;
  ParentDir() = default;
  ParentDir(ParentDir&& other) noexcept
      : dir_fd(other.dir_fd),
        name(std::move(other.name)),
        must_be_dir(other.must_be_dir) {
    other.dir_fd = -1;
  }
  // What `name` is (lstat), nullopt when it does not exist.
  std::optional<Filetype> type() const;
  ParentDir& operator=(ParentDir&&) = delete;
  ~ParentDir();
};

// Splits `path` relative to the directory `base_fd` into its parent, opened
// (O_PATH) strictly beneath `base_fd`, and its last component, for the *at()
// syscalls, which never follow a symlink in that last component unless
// asked. Trailing slashes are taken off the name, which must then be a
// directory (ParentDir::must_be_dir; `notdir` for an existing non-directory,
// as Linux answers unlink("file/")). A last component "." or ".." is
// resolved too (to a directory beneath `base_fd`) and the name becomes ".",
// so that no *at() call ever
// sees "..". Absolute paths are `notcapable`, empty ones `noent`.
Errno resolve_parent(int base_fd, const std::string& path, ParentDir* out);

// `fd` itself, or, when it is 0, 1 or 2, a duplicate numbered 3 or above
// (the original closed): a host fd the WASI layer opens while Heron runs
// with a standard stream closed must not take that stream's number, which
// the guest's own fd 0..2 name. -1 stays -1 (errno kept).
int above_stdio(int fd);

// openat2(base_fd, path, flags | O_CLOEXEC, mode) with RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS: the kernel resolves every component (symlinks
// included, atomically against concurrent renames) and refuses any step
// outside `base_fd`. Escapes are `notcapable`; a kernel without openat2 is
// `nosys` (there is no unchecked fallback). The fd is above_stdio's.
Errno open_beneath(int base_fd, const std::string& path, int flags,
                   uint32_t mode, int* out_fd);

// Guest iovecs ({u32 buf, u32 len}, 8 bytes each) as host iovecs, each
// checked against the memory (fault). At most IOV_MAX are taken: a shorter
// transfer than asked is legal for every read and write.
Errno gather_iovecs(const GuestMemory& mem, uint32_t iovs, uint32_t count,
                    std::vector<iovec>* out);

// A socket's filetype (stream or datagram) by SO_TYPE; nullopt when `fd`
// is not a socket.
std::optional<Filetype> socket_filetype(int fd);
inline bool is_socket(const FdEntry& e) {
  return e.filetype == kSocketStream || e.filetype == kSocketDgram;
}
// sendmsg(fd, iov, MSG_NOSIGNAL), retried on EINTR: a peer that went away
// is EPIPE for the guest, never a SIGPIPE that would kill Heron.
ssize_t send_nosignal(int fd, std::vector<iovec>& iov);

// A listening socket for WasiConfig::sockets: a host fd the caller owns
// (above stdio, close-on-exec) and what WasiCtx::sockets() reports of it.
struct Listener {
  int host_fd = -1;
  api::WasiSocketInfo info;
};
Result<Listener> open_listener(const api::WasiSocket& socket);

// A path from guest memory: fault if out of bounds, ilseq if it holds NUL.
Errno read_path(const GuestMemory& mem, uint32_t ptr, uint32_t len,
                std::string* out);

// filestat (64 bytes) from a host stat, at `ptr`.
Errno store_filestat(const GuestMemory& mem, uint32_t ptr,
                     const struct stat& st);
// utimensat's two timespecs for WASI's (atim, mtim, fstflags).
Errno wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst_flags,
                 timespec out[2]);

// The implementation of one WASI function: results through guest memory,
// errno returned.
using HostImpl = Errno (*)(WasiState& state, const GuestMemory& mem,
                           std::span<const api::Val> args);

// fd_*.
Errno fd_advise(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_allocate(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_close(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_datasync(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_fdstat_get(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_fdstat_set_flags(WasiState&, const GuestMemory&,
                          std::span<const api::Val>);
Errno fd_fdstat_set_rights(WasiState&, const GuestMemory&,
                           std::span<const api::Val>);
Errno fd_filestat_get(WasiState&, const GuestMemory&,
                      std::span<const api::Val>);
Errno fd_filestat_set_size(WasiState&, const GuestMemory&,
                           std::span<const api::Val>);
Errno fd_filestat_set_times(WasiState&, const GuestMemory&,
                            std::span<const api::Val>);
Errno fd_pread(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_prestat_get(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_prestat_dir_name(WasiState&, const GuestMemory&,
                          std::span<const api::Val>);
Errno fd_pwrite(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_read(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_readdir(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_renumber(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_seek(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_sync(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_tell(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno fd_write(WasiState&, const GuestMemory&, std::span<const api::Val>);

// path_*.
Errno path_create_directory(WasiState&, const GuestMemory&,
                            std::span<const api::Val>);
Errno path_filestat_get(WasiState&, const GuestMemory&,
                        std::span<const api::Val>);
Errno path_filestat_set_times(WasiState&, const GuestMemory&,
                              std::span<const api::Val>);
Errno path_link(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno path_open(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno path_readlink(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno path_remove_directory(WasiState&, const GuestMemory&,
                            std::span<const api::Val>);
Errno path_rename(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno path_symlink(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno path_unlink_file(WasiState&, const GuestMemory&,
                       std::span<const api::Val>);

// args, environ, clocks, random, poll, proc, sched.
Errno args_get(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno args_sizes_get(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno environ_get(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno environ_sizes_get(WasiState&, const GuestMemory&,
                        std::span<const api::Val>);
Errno clock_res_get(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno clock_time_get(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno random_get(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno poll_oneoff(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno proc_raise(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno sched_yield(WasiState&, const GuestMemory&, std::span<const api::Val>);

// sock_*.
Errno sock_accept(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno sock_recv(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno sock_send(WasiState&, const GuestMemory&, std::span<const api::Val>);
Errno sock_shutdown(WasiState&, const GuestMemory&, std::span<const api::Val>);

}  // namespace wasi
}  // namespace heron
