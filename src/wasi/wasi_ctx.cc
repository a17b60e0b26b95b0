// WasiCtx and add_wasi: the guest's initial file descriptors (stdio, the
// preopened directories, then the preopened sockets), binding to an instance's
// memory, the errno translation, the sandboxed path resolution (openat2 beneath
// a preopen), and the table of all 46 wasi_snapshot_preview1 functions with
// their wasm signatures.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "heron/wasi.h"
#include "wasi/wasi_state.h"

namespace heron {

namespace wasi {

Errno from_host_errno(int e) {
  switch (e) {
    case 0:
      return Errno::success;
    case E2BIG:
      return Errno::toobig;
    case EACCES:
      return Errno::acces;
    case EADDRINUSE:
      return Errno::addrinuse;
    case EADDRNOTAVAIL:
      return Errno::addrnotavail;
    case EAFNOSUPPORT:
      return Errno::afnosupport;
    case EAGAIN:
      return Errno::again;
    case EALREADY:
      return Errno::already;
    case EBADF:
      return Errno::badf;
    case EBADMSG:
      return Errno::badmsg;
    case EBUSY:
      return Errno::busy;
    case ECANCELED:
      return Errno::canceled;
    case ECHILD:
      return Errno::child;
    case ECONNABORTED:
      return Errno::connaborted;
    case ECONNREFUSED:
      return Errno::connrefused;
    case ECONNRESET:
      return Errno::connreset;
    case EDEADLK:
      return Errno::deadlk;
    case EDESTADDRREQ:
      return Errno::destaddrreq;
    case EDOM:
      return Errno::dom;
    case EDQUOT:
      return Errno::dquot;
    case EEXIST:
      return Errno::exist;
    case EFAULT:
      return Errno::fault;
    case EFBIG:
      return Errno::fbig;
    case EHOSTUNREACH:
      return Errno::hostunreach;
    case EIDRM:
      return Errno::idrm;
    case EILSEQ:
      return Errno::ilseq;
    case EINPROGRESS:
      return Errno::inprogress;
    case EINTR:
      return Errno::intr;
    case EINVAL:
      return Errno::inval;
    case EIO:
      return Errno::io;
    case EISCONN:
      return Errno::isconn;
    case EISDIR:
      return Errno::isdir;
    case ELOOP:
      return Errno::loop;
    case EMFILE:
      return Errno::mfile;
    case EMLINK:
      return Errno::mlink;
    case EMSGSIZE:
      return Errno::msgsize;
    case EMULTIHOP:
      return Errno::multihop;
    case ENAMETOOLONG:
      return Errno::nametoolong;
    case ENETDOWN:
      return Errno::netdown;
    case ENETRESET:
      return Errno::netreset;
    case ENETUNREACH:
      return Errno::netunreach;
    case ENFILE:
      return Errno::nfile;
    case ENOBUFS:
      return Errno::nobufs;
    case ENODEV:
      return Errno::nodev;
    case ENOENT:
      return Errno::noent;
    case ENOEXEC:
      return Errno::noexec;
    case ENOLCK:
      return Errno::nolck;
    case ENOLINK:
      return Errno::nolink;
    case ENOMEM:
      return Errno::nomem;
    case ENOMSG:
      return Errno::nomsg;
    case ENOPROTOOPT:
      return Errno::noprotoopt;
    case ENOSPC:
      return Errno::nospc;
    case ENOSYS:
      return Errno::nosys;
    case ENOTCONN:
      return Errno::notconn;
    case ENOTDIR:
      return Errno::notdir;
    case ENOTEMPTY:
      return Errno::notempty;
    case ENOTRECOVERABLE:
      return Errno::notrecoverable;
    case ENOTSOCK:
      return Errno::notsock;
    case EOPNOTSUPP:
      return Errno::notsup;
    case ENOTTY:
      return Errno::notty;
    case ENXIO:
      return Errno::nxio;
    case EOVERFLOW:
      return Errno::overflow;
    case EOWNERDEAD:
      return Errno::ownerdead;
    case EPERM:
      return Errno::perm;
    case EPIPE:
      return Errno::pipe;
    case EPROTO:
      return Errno::proto;
    case EPROTONOSUPPORT:
      return Errno::protonosupport;
    case EPROTOTYPE:
      return Errno::prototype;
    case ERANGE:
      return Errno::range;
    case EROFS:
      return Errno::rofs;
    case ESPIPE:
      return Errno::spipe;
    case ESRCH:
      return Errno::srch;
    case ESTALE:
      return Errno::stale;
    case ETIMEDOUT:
      return Errno::timedout;
    case ETXTBSY:
      return Errno::txtbsy;
    case EXDEV:
      return Errno::xdev;
    default:
      return Errno::io;
  }
}

Errno last_errno() { return from_host_errno(errno); }

Filetype filetype_of_mode(uint32_t mode) {
  switch (mode & S_IFMT) {
    case S_IFBLK:
      return kBlockDevice;
    case S_IFCHR:
      return kCharacterDevice;
    case S_IFDIR:
      return kDirectory;
    case S_IFREG:
      return kRegularFile;
    case S_IFSOCK:
      return kSocketStream;
    case S_IFLNK:
      return kSymbolicLink;
    default:
      return kUnknown;
  }
}

int above_stdio(int fd) {
  if (fd < 0 || fd > 2) return fd;
  const int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
  const int saved = errno;
  close(fd);
  errno = saved;
  return moved;
}

ParentDir::~ParentDir() {
  if (dir_fd >= 0) close(dir_fd);
}

Errno open_beneath(int base_fd, const std::string& path, int flags,
                   uint32_t mode, int* out_fd) {
  if (path.empty()) return Errno::noent;
  // Checked here as well as by the kernel, so that the errno says "not
  // allowed" rather than the kernel's EXDEV.
  if (path[0] == '/') return Errno::notcapable;
  open_how how{};
  how.flags = uint64_t(flags | O_CLOEXEC);
  // openat2, unlike openat, rejects a mode that will not be used. (O_TMPFILE
  // contains O_DIRECTORY's bit, hence the exact comparison.)
  const bool creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
  how.mode = creates ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    const int fd = above_stdio(
        int(syscall(SYS_openat2, base_fd, path.c_str(), &how, sizeof how)));
    if (fd >= 0) {
      *out_fd = fd;
      return Errno::success;
    }
    // EAGAIN: a concurrent rename raced the lookup; the kernel asks for a
    // retry rather than risk an unchecked walk.
    if (errno == EAGAIN || errno == EINTR) continue;
    if (errno == EXDEV) return Errno::notcapable;  // would leave the preopen
    return last_errno();
  }
}

std::optional<Filetype> ParentDir::type() const {
  struct stat st {};
  if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    return std::nullopt;
  return filetype_of_mode(st.st_mode);
}

Errno resolve_parent(int base_fd, const std::string& path, ParentDir* out) {
  std::string p = path;
  // "a/b/" names b, which must be a directory. The slashes cannot be left
  // for the syscall to check: they would make it follow b if b is a
  // symlink, unchecked.
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const bool must_be_dir = p.size() < path.size();
  if (p.empty()) return Errno::noent;
  if (p[0] == '/') return Errno::notcapable;
  const size_t slash = p.rfind('/');
  std::string parent = slash == std::string::npos ? "." : p.substr(0, slash);
  std::string name = slash == std::string::npos ? p : p.substr(slash + 1);
  if (name == "." || name == "..") {
    // The directory itself, resolved beneath like any path, so that no
    // *at() call sees a ".." that could step above the preopen.
    parent = p;
    name.assign(1, '.');
  }
  int fd = -1;
  Errno e = open_beneath(base_fd, parent, O_PATH | O_DIRECTORY, 0, &fd);
  if (e != Errno::success) return e;
  out->dir_fd = fd;
  out->name = std::move(name);
  out->must_be_dir = must_be_dir;
  if (must_be_dir) {
    const std::optional<Filetype> type = out->type();
    if (type && *type != kDirectory) return Errno::notdir;
  }
  return Errno::success;
}

Errno read_path(const GuestMemory& mem, uint32_t ptr, uint32_t len,
                std::string* out) {
  std::optional<std::string> s = mem.string(ptr, len);
  if (!s) return Errno::fault;
  // A NUL would silently cut the path short in the syscall.
  if (s->find('\0') != std::string::npos) return Errno::ilseq;
  *out = std::move(*s);
  return Errno::success;
}

}  // namespace wasi

WasiState::~WasiState() {
  for (auto& [fd, entry] : fds) {
    if (entry.owned && entry.host_fd >= 0) close(entry.host_fd);
  }
}

wasi::Errno WasiState::lookup(uint32_t fd, uint64_t rights,
                              wasi::FdEntry** out) {
  auto it = fds.find(fd);
  if (it == fds.end()) return wasi::Errno::badf;
  if ((it->second.rights_base & rights) != rights) {
    return wasi::Errno::notcapable;
  }
  *out = &it->second;
  return wasi::Errno::success;
}

uint32_t WasiState::next_fd() const {
  uint32_t fd = 0;
  for (const auto& [number, entry] : fds) {  // ordered: first gap wins
    if (number != fd) break;
    ++fd;
  }
  return fd;
}

namespace api {

WasiCtx::WasiCtx(std::unique_ptr<WasiState> state) : state_(std::move(state)) {}
WasiCtx::~WasiCtx() = default;

Result<std::shared_ptr<WasiCtx>> WasiCtx::create(const WasiConfig& config) {
  auto state = std::make_unique<WasiState>();
  state->args = config.args;
  state->env = config.env;
  if (config.inherit_stdio) {
    for (int fd = 0; fd < 3; ++fd) {
      struct stat st {};
      // A stream Heron was started without is not open in the guest either.
      if (fstat(fd, &st) != 0) continue;
      wasi::FdEntry entry;
      entry.host_fd = fd;
      entry.owned = false;  // Heron's own stdio outlives the guest
      entry.filetype = wasi::filetype_of_mode(st.st_mode);
      if (S_ISSOCK(st.st_mode)) {
        entry.filetype = wasi::socket_filetype(fd).value_or(entry.filetype);
      }
      entry.rights_base = wasi::right::file_rights;
      // wasi-libc's isatty() means "a character device that can neither
      // seek nor tell": a terminal offered those rights looks like a file,
      // and the guest buffers its output fully, prompts included.
      if (isatty(fd)) {
        entry.rights_base &= ~(wasi::right::fd_seek | wasi::right::fd_tell);
      }
      entry.rights_inheriting = 0;
      state->fds.emplace(uint32_t(fd), std::move(entry));
    }
  }
  uint32_t next = 3;
  for (const WasiPreopen& preopen : config.preopens) {
    const int fd = wasi::above_stdio(
        open(preopen.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd < 0) {
      return Error(ErrorKind::Io, "cannot open preopened directory " +
                                      preopen.host_path + ": " +
                                      std::strerror(errno));
    }
    wasi::FdEntry entry;
    entry.host_fd = fd;
    entry.filetype = wasi::kDirectory;
    entry.rights_base = wasi::right::dir_rights;
    entry.rights_inheriting = wasi::right::all;
    entry.preopen_name =
        preopen.guest_path.empty() ? preopen.host_path : preopen.guest_path;
    state->fds.emplace(next++, std::move(entry));
  }
  // After the directories: wasi-libc's startup asks fd 3, 4, ... for their
  // preopened directory names and stops at the first fd without one.
  std::vector<WasiSocketInfo> sockets;
  for (const WasiSocket& socket : config.sockets) {
    Result<wasi::Listener> listener = wasi::open_listener(socket);
    if (!listener.ok()) return listener.error();
    wasi::FdEntry entry;
    entry.host_fd = listener->host_fd;
    entry.filetype = wasi::kSocketStream;
    entry.rights_base = wasi::right::listener_rights;
    entry.rights_inheriting = wasi::right::socket_rights;
    listener->info.guest_fd = next;
    sockets.push_back(std::move(listener->info));
    state->fds.emplace(next++, std::move(entry));
  }
  auto ctx = std::shared_ptr<WasiCtx>(new WasiCtx(std::move(state)));
  ctx->sockets_ = std::move(sockets);
  return ctx;
}

Result<void> WasiCtx::bind(const Instance& instance) {
  std::optional<Memory> memory = instance.get_memory("memory");
  if (!memory) {
    return Error(ErrorKind::Usage,
                 "a WASI module must export its memory as \"memory\"");
  }
  state_->memory = *memory;
  state_->memory_bound = true;
  return {};
}

std::optional<uint32_t> WasiCtx::exit_code() const { return state_->exit_code; }

namespace {

constexpr std::string_view kWasiModule = "wasi_snapshot_preview1";

struct WasiFunction {
  const char* name;
  const char* params;  // one letter per parameter: i = i32, I = i64
  wasi::HostImpl impl;
};

// Every function of wasi_snapshot_preview1 (the witx signatures lowered to
// core wasm: handles, sizes and pointers are i32; 64-bit values i64), each
// returning its errno as i32. proc_exit is separate: it returns nothing.
constexpr WasiFunction kFunctions[] = {
    {"args_get", "ii", wasi::args_get},
    {"args_sizes_get", "ii", wasi::args_sizes_get},
    {"environ_get", "ii", wasi::environ_get},
    {"environ_sizes_get", "ii", wasi::environ_sizes_get},
    {"clock_res_get", "ii", wasi::clock_res_get},
    {"clock_time_get", "iIi", wasi::clock_time_get},
    {"fd_advise", "iIIi", wasi::fd_advise},
    {"fd_allocate", "iII", wasi::fd_allocate},
    {"fd_close", "i", wasi::fd_close},
    {"fd_datasync", "i", wasi::fd_datasync},
    {"fd_fdstat_get", "ii", wasi::fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", wasi::fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", wasi::fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", wasi::fd_filestat_get},
    {"fd_filestat_set_size", "iI", wasi::fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", wasi::fd_filestat_set_times},
    {"fd_pread", "iiiIi", wasi::fd_pread},
    {"fd_prestat_get", "ii", wasi::fd_prestat_get},
    {"fd_prestat_dir_name", "iii", wasi::fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi", wasi::fd_pwrite},
    {"fd_read", "iiii", wasi::fd_read},
    {"fd_readdir", "iiiIi", wasi::fd_readdir},
    {"fd_renumber", "ii", wasi::fd_renumber},
    {"fd_seek", "iIii", wasi::fd_seek},
    {"fd_sync", "i", wasi::fd_sync},
    {"fd_tell", "ii", wasi::fd_tell},
    {"fd_write", "iiii", wasi::fd_write},
    {"path_create_directory", "iii", wasi::path_create_directory},
    {"path_filestat_get", "iiiii", wasi::path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", wasi::path_filestat_set_times},
    {"path_link", "iiiiiii", wasi::path_link},
    {"path_open", "iiiiiIIii", wasi::path_open},
    {"path_readlink", "iiiiii", wasi::path_readlink},
    {"path_remove_directory", "iii", wasi::path_remove_directory},
    {"path_rename", "iiiiii", wasi::path_rename},
    {"path_symlink", "iiiii", wasi::path_symlink},
    {"path_unlink_file", "iii", wasi::path_unlink_file},
    {"poll_oneoff", "iiii", wasi::poll_oneoff},
    {"proc_raise", "i", wasi::proc_raise},
    {"sched_yield", "", wasi::sched_yield},
    {"random_get", "ii", wasi::random_get},
    {"sock_accept", "iii", wasi::sock_accept},
    {"sock_recv", "iiiiii", wasi::sock_recv},
    {"sock_send", "iiiii", wasi::sock_send},
    {"sock_shutdown", "ii", wasi::sock_shutdown},
};

FuncType signature(const char* params, bool returns_errno) {
  FuncType type;
  for (const char* p = params; *p; ++p) {
    type.params.push_back(*p == 'I' ? ValType::i64() : ValType::i32());
  }
  if (returns_errno) type.results.push_back(ValType::i32());
  return type;
}

}  // namespace

Result<void> add_wasi(Linker& linker, std::shared_ptr<WasiCtx> ctx) {
  for (const WasiFunction& f : kFunctions) {
    wasi::HostImpl impl = f.impl;
    HostFunction fn = [ctx, impl, name = f.name](
                          Caller&, std::span<const Val> args,
                          std::span<Val> results) -> std::optional<Trap> {
      WasiState& state = ctx->state();
      if (!state.memory_bound) {
        // The embedder forgot WasiCtx::bind: a usage error, reported as a
        // trap rather than guessed at.
        return Trap(TrapCode::Unreachable,
                    std::string("wasi: ") + name +
                        " called before WasiCtx::bind gave it a memory");
      }
      wasi::GuestMemory mem(state.memory.data(), state.memory.data_size());
      results[0] = Val::i32(int32_t(impl(state, mem, args)));
      return std::nullopt;
    };
    Result<void> r =
        linker.func(kWasiModule, f.name, signature(f.params, true), fn);
    if (!r.ok()) return r;
  }
  // proc_exit never returns to the guest: it unwinds the whole call with a
  // trap and leaves the status where the embedder (`heron run`) looks.
  return linker.func(kWasiModule, "proc_exit", signature("i", false),
                     [ctx](Caller&, std::span<const Val> args,
                           std::span<Val>) -> std::optional<Trap> {
                       const uint32_t status = uint32_t(args[0].as_i32());
                       ctx->state().exit_code = status;
                       return Trap::exit(
                           int32_t(status),
                           "wasi: proc_exit(" + std::to_string(status) + ")");
                     });
}

bool imports_wasi(const Module& module) {
  for (const ImportType& import : module.imports()) {
    if (import.module == kWasiModule) return true;
  }
  return false;
}

}  // namespace api
}  // namespace heron
