// The sock_* functions of wasi_snapshot_preview1 on the guest's sockets:
// accepting on a preopened listening socket, then receiving, sending and
// shutting down on the connections it gives. Each checks, in this order,
// that the fd is open (badf), that it is a socket (notsock), that it has
// the right (notcapable: a listener cannot recv, a connection cannot
// accept), its flags (inval) and the guest pointers (fault), all before
// the syscall, so that a refused call never consumes a connection or
// data. The calls block as the host socket does; NONBLOCK makes them
// `again` instead.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "wasi/wasi_state.h"

namespace heron::wasi {
namespace {

// The entry of `fd` if it is an open socket with `rights`.
Errno lookup_socket(WasiState& s, uint32_t fd, uint64_t rights, FdEntry** out) {
  if (Errno r = s.lookup(fd, 0, out); r != Errno::success) return r;
  if (!is_socket(**out)) return Errno::notsock;
  return s.lookup(fd, rights, out);
}

}  // namespace

std::optional<Filetype> socket_filetype(int fd) {
  int type = 0;
  socklen_t len = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
    return std::nullopt;
  return type == SOCK_STREAM ? kSocketStream : kSocketDgram;
}

ssize_t send_nosignal(int fd, std::vector<iovec>& iov) {
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  ssize_t n;
  do {
    n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n;
}

// sock_accept(fd, fdflags, *new_fd): the connection gets the listener's
// inheriting rights and the lowest free guest fd.
Errno sock_accept(WasiState& s, const GuestMemory& mem,
                  std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = lookup_socket(s, arg32(a, 0), right::sock_accept, &e);
      r != Errno::success)
    return r;
  const uint32_t flags = arg32(a, 1);
  if (flags & ~uint32_t(kFdflagNonblock)) return Errno::inval;
  const uint32_t out = arg32(a, 2);
  if (!mem.in_bounds(out, 4)) return Errno::fault;
  const int accept_flags =
      SOCK_CLOEXEC | ((flags & kFdflagNonblock) ? SOCK_NONBLOCK : 0);
  int fd;
  do {
    fd = accept4(e->host_fd, nullptr, nullptr, accept_flags);
  } while (fd < 0 && errno == EINTR);
  fd = above_stdio(fd);
  if (fd < 0) return last_errno();
  FdEntry conn;
  conn.host_fd = fd;
  conn.filetype = e->filetype;
  conn.rights_base = e->rights_inheriting & right::socket_rights;
  conn.rights_inheriting = 0;
  const uint32_t guest_fd = s.next_fd();
  s.fds.emplace(guest_fd, std::move(conn));
  mem.store(out, guest_fd);
  return Errno::success;
}

// sock_recv(fd, iovs, iovs_len, riflags, *datalen, *roflags).
Errno sock_recv(WasiState& s, const GuestMemory& mem,
                std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = lookup_socket(s, arg32(a, 0), right::fd_read, &e);
      r != Errno::success)
    return r;
  const uint32_t riflags = arg32(a, 3);
  if (riflags & ~uint32_t(kRiflagPeek | kRiflagWaitall)) return Errno::inval;
  std::vector<iovec> iov;
  if (Errno r = gather_iovecs(mem, arg32(a, 1), arg32(a, 2), &iov);
      r != Errno::success)
    return r;
  const uint32_t datalen_ptr = arg32(a, 4), roflags_ptr = arg32(a, 5);
  if (!mem.in_bounds(datalen_ptr, 4) || !mem.in_bounds(roflags_ptr, 2))
    return Errno::fault;
  int flags = 0;
  if (riflags & kRiflagPeek) flags |= MSG_PEEK;
  if (riflags & kRiflagWaitall) flags |= MSG_WAITALL;
  msghdr msg{};
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  ssize_t n;
  do {
    n = recvmsg(e->host_fd, &msg, flags);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return last_errno();
  const uint16_t roflags =
      (msg.msg_flags & MSG_TRUNC) ? kRoflagDataTruncated : 0;
  mem.store(datalen_ptr, uint32_t(n));
  mem.store(roflags_ptr, roflags);
  return Errno::success;
}

// sock_send(fd, iovs, iovs_len, siflags, *datalen): siflags has no flags
// defined.
Errno sock_send(WasiState& s, const GuestMemory& mem,
                std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = lookup_socket(s, arg32(a, 0), right::fd_write, &e);
      r != Errno::success)
    return r;
  if (arg32(a, 3) != 0) return Errno::inval;
  std::vector<iovec> iov;
  if (Errno r = gather_iovecs(mem, arg32(a, 1), arg32(a, 2), &iov);
      r != Errno::success)
    return r;
  const uint32_t datalen_ptr = arg32(a, 4);
  if (!mem.in_bounds(datalen_ptr, 4)) return Errno::fault;
  const ssize_t n = send_nosignal(e->host_fd, iov);
  if (n < 0) return last_errno();
  mem.store(datalen_ptr, uint32_t(n));
  return Errno::success;
}

// sock_shutdown(fd, sdflags): RD, WR or both; none is no shutdown at all.
Errno sock_shutdown(WasiState& s, const GuestMemory&,
                    std::span<const api::Val> a) {
  FdEntry* e = nullptr;
  if (Errno r = lookup_socket(s, arg32(a, 0), right::sock_shutdown, &e);
      r != Errno::success)
    return r;
  int how;
  switch (arg32(a, 1)) {
    case kSdflagRd:
      how = SHUT_RD;
      break;
    case kSdflagWr:
      how = SHUT_WR;
      break;
    case kSdflagRd | kSdflagWr:
      how = SHUT_RDWR;
      break;
    default:
      return Errno::inval;
  }
  return shutdown(e->host_fd, how) == 0 ? Errno::success : last_errno();
}

}  // namespace heron::wasi
