// The listening sockets of WasiConfig::sockets: an address to bind and
// listen on ("HOST:PORT", resolved by getaddrinfo, the first address that
// binds wins), or a host fd checked to be a listening stream socket and
// duplicated. Either way the result is a close-on-exec fd above stdio that
// the WasiCtx owns, and the address it listens on as getsockname says
// (which is how an embedder learns the port it got for port 0).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "wasi/wasi_state.h"

namespace heron::wasi {
namespace {

// "HOST:PORT" or "[HOST]:PORT" split, or false when it is neither (an
// empty host, a port that is not a decimal number up to 65535).
bool split_address(const std::string& address, std::string* host,
                   std::string* port) {
  size_t colon;
  if (!address.empty() && address[0] == '[') {
    const size_t close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() ||
        address[close + 1] != ':')
      return false;
    *host = address.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = address.rfind(':');
    if (colon == std::string::npos) return false;
    *host = address.substr(0, colon);
    // An unbracketed IPv6 literal would be split at its last colon.
    if (host->find(':') != std::string::npos) return false;
  }
  *port = address.substr(colon + 1);
  if (host->empty() || port->empty() || port->size() > 5) return false;
  unsigned value = 0;
  const char* end = port->data() + port->size();
  auto [ptr, ec] = std::from_chars(port->data(), end, value);
  return ec == std::errc() && ptr == end && value <= 65535;
}

// The local address of a socket, as WasiSocketInfo gives it.
api::WasiSocketInfo describe(int fd) {
  api::WasiSocketInfo info;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return info;
  }
  char text[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    info.port = ntohs(in->sin_port);
    info.address = std::string(text) + ":" + std::to_string(info.port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    info.port = ntohs(in6->sin6_port);
    // (Appended piecewise: gcc 12 warns falsely on "[" + std::string.)
    info.address.append("[").append(text).append("]:").append(
        std::to_string(info.port));
  } else if (ss.ss_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&ss);
    const size_t max = len - offsetof(sockaddr_un, sun_path);
    info.address.append("unix:").append(un->sun_path,
                                        strnlen(un->sun_path, max));
  }
  return info;
}

Result<Listener> bind_and_listen(const std::string& address) {
  std::string host, port;
  if (!split_address(address, &host, &port)) {
    return Error(ErrorKind::Usage,
                 "socket address " + address +
                     ": expected HOST:PORT (or [IPV6]:PORT), PORT 0-65535");
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
      rc != 0) {
    return Error(ErrorKind::Io,
                 "cannot listen on " + address + ": " + gai_strerror(rc));
  }
  int saved = 0;
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = above_stdio(
        socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (fd < 0) {
      saved = errno;
      continue;
    }
    // A server restarted on its port must not wait out TIME_WAIT.
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
        listen(fd, SOMAXCONN) != 0) {
      saved = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) {
    return Error(ErrorKind::Io,
                 "cannot listen on " + address + ": " + std::strerror(saved));
  }
  return Listener{fd, describe(fd)};
}

Result<Listener> adopt(int host_fd) {
  const std::string name = "fd " + std::to_string(host_fd);
  struct stat st {};
  if (host_fd < 0 || fstat(host_fd, &st) != 0) {
    return Error(ErrorKind::Usage,
                 "listening socket " + name + ": " + std::strerror(EBADF));
  }
  int type = 0, listening = 0;
  socklen_t len = sizeof type;
  if (!S_ISSOCK(st.st_mode) ||
      getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) {
    return Error(ErrorKind::Usage,
                 "listening socket " + name + ": not a socket");
  }
  len = sizeof listening;
  if (type != SOCK_STREAM ||
      getsockopt(host_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 ||
      !listening) {
    return Error(ErrorKind::Usage, "listening socket " + name +
                                       ": not a listening stream socket");
  }
  const int fd = fcntl(host_fd, F_DUPFD_CLOEXEC, 3);
  if (fd < 0) {
    return Error(ErrorKind::Io,
                 "listening socket " + name + ": " + std::strerror(errno));
  }
  return Listener{fd, describe(fd)};
}

}  // namespace

Result<Listener> open_listener(const api::WasiSocket& socket) {
  if (!socket.listen_address.empty()) {
    return bind_and_listen(socket.listen_address);
  }
  return adopt(socket.host_fd);
}

}  // namespace heron::wasi
