// Preopened sockets: the host side makes a listening socket through
// WasiConfig::sockets, a client socket of the test connects to it, and the
// guest side (the wrappers of wasi_fixture.h) accepts, receives, sends and
// shuts down. Connections wait in the listen backlog, so most tests need
// no thread; every client socket has a receive timeout, so that a broken
// host function fails a test rather than hanging it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "heron/heron.h"
#include "heron/wasi.h"
#include "wasi_fixture.h"

namespace heron {
namespace {

using namespace wasi_testing;  // NOLINT(build/namespaces): the fixture

constexpr int32_t kAgain = 6, kConnreset = 15, kPipe = 64;
constexpr uint8_t kSocketStream = 6, kSocketDgram = 5;
constexpr uint64_t kFdstatSetFlags = 1 << 3, kPollFdReadwrite = 1ull << 27,
                   kSockShutdown = 1ull << 28, kSockAccept = 1ull << 29;
constexpr uint32_t kNonblock = 4, kPeek = 1, kWaitall = 2;

class WasiSockTest : public WasiTest {
 protected:
  void TearDown() override {
    for (int fd : host_fds_) close(fd);
    WasiTest::TearDown();
  }

  // start() with a socket listening on 127.0.0.1 (an ephemeral port) after
  // the /sandbox preopen: guest fd 4.
  void start_listening(api::WasiConfig config = {}) {
    config.sockets.insert(config.sockets.begin(),
                          api::WasiSocket::tcp_listen("127.0.0.1:0"));
    start(config);
    ASSERT_FALSE(ctx_->sockets().empty());
    listener_ = ctx_->sockets()[0].guest_fd;
    port_ = ctx_->sockets()[0].port;
    ASSERT_NE(port_, 0);
  }

  // A host fd the test closes at its end, unless it closes it earlier
  // with close_kept.
  int keep(int fd) {
    if (fd >= 0) host_fds_.push_back(fd);
    return fd;
  }
  void close_kept(int fd) {
    std::erase(host_fds_, fd);
    close(fd);
  }

  // A client connected to 127.0.0.1:`port` (the connection waits in the
  // backlog until the guest accepts it).
  int connect_client(uint16_t port) {
    const int fd = keep(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    EXPECT_GE(fd, 0);
    timeval timeout{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0)
        << std::strerror(errno);
    return fd;
  }

  // What the client receives: up to `len` bytes, "" at end of stream.
  static std::string client_recv(int fd, size_t len = 256) {
    std::string buf(len, '\0');
    const ssize_t n = ::recv(fd, buf.data(), len, 0);
    EXPECT_GE(n, 0) << std::strerror(errno);
    buf.resize(n > 0 ? size_t(n) : 0);
    return buf;
  }
  static void client_send(int fd, std::string_view text) {
    ASSERT_EQ(::send(fd, text.data(), text.size(), MSG_NOSIGNAL),
              ssize_t(text.size()));
  }

  // sock_accept on `fd`: the new guest fd, or -errno.
  int32_t accept(uint32_t fd, uint32_t flags = 0) {
    const int32_t e = call("sock_accept", fd, flags, kOut);
    return e == kSuccess ? int32_t(u32(kOut)) : -e;
  }
  // sock_recv of up to `len` bytes into kData with one iovec: the errno;
  // the bytes in *out, the roflags in *roflags.
  int32_t recv(uint32_t fd, uint32_t len, uint32_t riflags, std::string* out,
               uint16_t* roflags = nullptr) {
    put32(kIov, kData);
    put32(kIov + 4, len);
    put32(kOut, 0xdeadbeef);
    const int32_t e =
        call("sock_recv", fd, kIov, 1, riflags, kOut, uint32_t(kOut + 4));
    if (e == kSuccess) {
      *out = get(kData, u32(kOut));
      if (roflags) *roflags = uint16_t(u32(kOut + 4));
    }
    return e;
  }
  // sock_send of `text` with one iovec: the errno (all of it must go).
  int32_t send(uint32_t fd, std::string_view text, uint32_t siflags = 0) {
    put(kData, text);
    put32(kIov, kData);
    put32(kIov + 4, uint32_t(text.size()));
    const int32_t e = call("sock_send", fd, kIov, 1, siflags, kOut);
    if (e == kSuccess) {
      EXPECT_EQ(u32(kOut), text.size());
    }
    return e;
  }
  // fd_fdstat_get: filetype, flags, rights base and inheriting.
  struct Fdstat {
    uint8_t filetype;
    uint16_t flags;
    uint64_t base, inheriting;
  };
  Fdstat fdstat(uint32_t fd) {
    EXPECT_EQ(call("fd_fdstat_get", fd, 0x10), kSuccess);
    return {uint8_t(get(0x10, 1)[0]), uint16_t(u32(0x10) >> 16), u64(0x18),
            u64(0x20)};
  }

  uint32_t listener_ = 0;
  uint16_t port_ = 0;
  std::vector<int> host_fds_;
};

TEST_F(WasiSockTest, ListenersArePreopenedAfterTheDirectories) {
  // A listening socket of the host's own, handed over by fd.
  const int own = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(own, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(own, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(own, reinterpret_cast<sockaddr*>(&addr), &len);
  api::WasiConfig config;
  config.sockets.push_back(api::WasiSocket::listening_fd(own));
  start_listening(config);
  close(own);  // the context has its own duplicate

  ASSERT_EQ(ctx_->sockets().size(), 2u);
  EXPECT_EQ(ctx_->sockets()[0].guest_fd, 4u);  // after /sandbox at 3
  EXPECT_EQ(ctx_->sockets()[0].address,
            "127.0.0.1:" + std::to_string(ctx_->sockets()[0].port));
  EXPECT_EQ(ctx_->sockets()[1].guest_fd, 5u);
  EXPECT_EQ(ctx_->sockets()[1].port, ntohs(addr.sin_port));

  // wasi-libc's preopen scan: the directory is found, the sockets are not
  // directories.
  ASSERT_EQ(call("fd_prestat_get", 3, 0x10), kSuccess);
  EXPECT_EQ(call("fd_prestat_get", 4, 0x10), kBadf);
  EXPECT_EQ(call("fd_prestat_dir_name", 4, 0x20, 8), kBadf);
  for (uint32_t fd : {4u, 5u}) {
    const Fdstat st = fdstat(fd);
    EXPECT_EQ(st.filetype, kSocketStream);
    EXPECT_EQ(st.base,
              kSockAccept | kFdstatSetFlags | kFilestatGet | kPollFdReadwrite);
    EXPECT_EQ(st.inheriting, kRead | kWrite | kFdstatSetFlags | kFilestatGet |
                                 kPollFdReadwrite | kSockShutdown);
    ASSERT_EQ(call("fd_filestat_get", fd, 0x100), kSuccess);
    EXPECT_EQ(get(0x110, 1)[0], kSocketStream);
  }

  // Both accept.
  const int a = connect_client(port_);
  const int b = connect_client(ntohs(addr.sin_port));
  const int32_t conn_a = accept(4);
  const int32_t conn_b = accept(5);
  ASSERT_EQ(conn_a, 6);
  ASSERT_EQ(conn_b, 7);
  ASSERT_EQ(send(conn_b, "to b"), kSuccess);
  ASSERT_EQ(send(conn_a, "to a"), kSuccess);
  EXPECT_EQ(client_recv(a), "to a");
  EXPECT_EQ(client_recv(b), "to b");
}

TEST_F(WasiSockTest, AcceptRecvSendShutdown) {
  start_listening();
  const int client = connect_client(port_);
  client_send(client, "hello");
  const int32_t conn = accept(listener_);
  ASSERT_EQ(conn, 5);
  const Fdstat st = fdstat(conn);
  EXPECT_EQ(st.filetype, kSocketStream);
  EXPECT_EQ(st.flags, 0);
  EXPECT_EQ(st.base, kRead | kWrite | kFdstatSetFlags | kFilestatGet |
                         kPollFdReadwrite | kSockShutdown);
  EXPECT_EQ(st.inheriting, 0u);

  std::string got;
  uint16_t roflags = 0xffff;
  ASSERT_EQ(recv(conn, 3, kPeek, &got, &roflags), kSuccess);
  EXPECT_EQ(got, "hel");
  EXPECT_EQ(roflags, 0);
  ASSERT_EQ(recv(conn, 64, 0, &got), kSuccess);  // the peek took nothing
  EXPECT_EQ(got, "hello");

  ASSERT_EQ(send(conn, "world"), kSuccess);
  EXPECT_EQ(client_recv(client), "world");
  // fd_read and fd_write work on it too.
  ASSERT_EQ(write(conn, "via fd_write"), kSuccess);
  EXPECT_EQ(client_recv(client), "via fd_write");
  client_send(client, "via fd_read");
  put32(kIov, kData);
  put32(kIov + 4, 100);
  ASSERT_EQ(call("fd_read", conn, kIov, 1, kOut), kSuccess);
  EXPECT_EQ(get(kData, u32(kOut)), "via fd_read");

  // Shutting the write side: the client sees the end, the guest can still
  // read.
  ASSERT_EQ(call("sock_shutdown", conn, 2), kSuccess);
  EXPECT_EQ(client_recv(client), "");
  client_send(client, "still heard");
  ASSERT_EQ(recv(conn, 64, 0, &got), kSuccess);
  EXPECT_EQ(got, "still heard");
  EXPECT_EQ(send(conn, "too late"), kPipe);
  ASSERT_EQ(call("sock_shutdown", conn, 1), kSuccess);
  ASSERT_EQ(recv(conn, 64, 0, &got), kSuccess);
  EXPECT_EQ(got, "");

  ASSERT_EQ(call("fd_close", conn), kSuccess);
  EXPECT_EQ(recv(conn, 64, 0, &got), kBadf);
  ASSERT_EQ(call("fd_close", listener_), kSuccess);
  EXPECT_EQ(accept(listener_), -kBadf);
}

TEST_F(WasiSockTest, RecvWaitallWaitsForEveryByte) {
  start_listening();
  const int client = connect_client(port_);
  const int32_t conn = accept(listener_);
  ASSERT_GE(conn, 0);
  std::thread late([&] {
    client_send(client, "ab");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    client_send(client, "cdef");
  });
  std::string got;
  const int32_t e = recv(conn, 4, kWaitall, &got);
  late.join();
  ASSERT_EQ(e, kSuccess);
  EXPECT_EQ(got, "abcd");
  ASSERT_EQ(recv(conn, 64, 0, &got), kSuccess);
  EXPECT_EQ(got, "ef");
}

TEST_F(WasiSockTest, NonblockingAcceptAndRecvAndPoll) {
  start_listening();
  ASSERT_EQ(call("fd_fdstat_set_flags", listener_, kNonblock), kSuccess);
  EXPECT_EQ(fdstat(listener_).flags, kNonblock);
  EXPECT_EQ(accept(listener_), -kAgain);

  const int client = connect_client(port_);
  // The listener is readable once a connection waits (a clock of 5 s as a
  // bound: the fd event must come first).
  subscribe(0x200, 1, 1, listener_, 0);
  subscribe(0x230, 2, 0, 1, 5'000'000'000);
  ASSERT_EQ(call("poll_oneoff", 0x200, 0x400, 2, kOut), kSuccess);
  ASSERT_EQ(u32(kOut), 1u);
  EXPECT_EQ(u64(0x400), 1u);
  EXPECT_EQ(get(0x408, 2), std::string(2, '\0'));

  // NONBLOCK for the accepted connection.
  const int32_t conn = accept(listener_, kNonblock);
  ASSERT_GE(conn, 0);
  EXPECT_EQ(fdstat(conn).flags, kNonblock);
  std::string got;
  EXPECT_EQ(recv(conn, 16, 0, &got), kAgain);
  put32(kIov, kData);
  put32(kIov + 4, 16);
  EXPECT_EQ(call("fd_read", conn, kIov, 1, kOut), kAgain);

  client_send(client, "xyz");
  subscribe(0x200, 3, 1, uint32_t(conn), 0);
  subscribe(0x230, 4, 2, uint32_t(conn), 0);
  subscribe(0x260, 5, 0, 1, 5'000'000'000);
  ASSERT_EQ(call("poll_oneoff", 0x200, 0x400, 3, kOut), kSuccess);
  ASSERT_EQ(u32(kOut), 2u);  // readable (3 bytes) and writable
  EXPECT_EQ(u64(0x400), 3u);
  EXPECT_EQ(u64(0x410), 3u);
  EXPECT_EQ(u64(0x420), 4u);
  ASSERT_EQ(recv(conn, 16, 0, &got), kSuccess);
  EXPECT_EQ(got, "xyz");

  // Blocking again.
  ASSERT_EQ(call("fd_fdstat_set_flags", conn, 0), kSuccess);
  EXPECT_EQ(fdstat(conn).flags, 0);
}

TEST_F(WasiSockTest, FlagsArgumentsAndRightsAreChecked) {
  start_listening();
  const int client = connect_client(port_);
  client_send(client, "data");
  // Only NONBLOCK is an accept flag; a refused accept, or one whose result
  // pointer is bad, leaves the connection waiting.
  EXPECT_EQ(accept(listener_, 1), -kInval);  // append
  EXPECT_EQ(accept(listener_, kNonblock | 16), -kInval);
  EXPECT_EQ(call("sock_accept", listener_, 0, 65534), kFault);
  const int32_t conn = accept(listener_);
  ASSERT_EQ(conn, 5);

  std::string got;
  EXPECT_EQ(recv(conn, 4, 4, &got), kInval);  // riflags beyond WAITALL
  EXPECT_EQ(send(conn, "x", 1), kInval);      // siflags has no flags
  EXPECT_EQ(call("sock_shutdown", conn, 0), kInval);
  EXPECT_EQ(call("sock_shutdown", conn, 4), kInval);
  put32(kIov, kData);
  put32(kIov + 4, 4);
  EXPECT_EQ(call("sock_recv", conn, kIov, 1, 0, 65534, kOut), kFault);
  EXPECT_EQ(call("sock_recv", conn, kIov, 1, 0, kOut, 65535), kFault);
  put32(kIov, 65534);
  EXPECT_EQ(call("sock_recv", conn, kIov, 1, 0, kOut, kOut + 4), kFault);
  EXPECT_EQ(call("sock_send", conn, kIov, 1, 0, kOut), kFault);
  // None of those consumed the data.
  ASSERT_EQ(recv(conn, 64, 0, &got), kSuccess);
  EXPECT_EQ(got, "data");

  // A listener neither reads nor shuts down; a connection does not accept.
  EXPECT_EQ(recv(listener_, 4, 0, &got), kNotcapable);
  EXPECT_EQ(send(listener_, "x"), kNotcapable);
  EXPECT_EQ(call("sock_shutdown", listener_, 3), kNotcapable);
  EXPECT_EQ(accept(conn), -kNotcapable);
  // Rights dropped with fd_fdstat_set_rights stay dropped.
  ASSERT_EQ(call("fd_fdstat_set_rights", conn, kWrite, uint64_t(0)), kSuccess);
  EXPECT_EQ(recv(conn, 4, 0, &got), kNotcapable);
  EXPECT_EQ(call("sock_shutdown", conn, 3), kNotcapable);
  EXPECT_EQ(send(conn, "ok"), kSuccess);

  // Not sockets, not open.
  const int32_t file = open("f", kCreat, kRead | kWrite);
  ASSERT_GE(file, 0);
  for (uint32_t fd : {3u, uint32_t(file)}) {
    EXPECT_EQ(accept(fd), -kNotsock);
    EXPECT_EQ(recv(fd, 4, 0, &got), kNotsock);
    EXPECT_EQ(send(fd, "x"), kNotsock);
    EXPECT_EQ(call("sock_shutdown", fd, 3), kNotsock);
  }
  EXPECT_EQ(accept(99), -kBadf);
  EXPECT_EQ(recv(99, 4, 0, &got), kBadf);
  EXPECT_EQ(send(99, "x"), kBadf);
  EXPECT_EQ(call("sock_shutdown", 99, 3), kBadf);
}

// SIGPIPE back at its default action (which kills the process) for the
// test's duration, so that a send without MSG_NOSIGNAL fails it.
class DefaultSigpipe {
 public:
  DefaultSigpipe() {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGPIPE, &dfl, &saved_);
  }
  ~DefaultSigpipe() { sigaction(SIGPIPE, &saved_, nullptr); }

 private:
  struct sigaction saved_ {};
};

TEST_F(WasiSockTest, SendToAResetPeerIsPipeNotSigpipe) {
  DefaultSigpipe sigpipe;
  start_listening();
  const int client = connect_client(port_);
  const int32_t conn = accept(listener_);
  ASSERT_GE(conn, 0);
  // A close with a zero linger resets the connection.
  linger reset{1, 0};
  ASSERT_EQ(setsockopt(client, SOL_SOCKET, SO_LINGER, &reset, sizeof reset), 0);
  close_kept(client);
  std::string got;
  EXPECT_EQ(recv(conn, 16, 0, &got), kConnreset);
  EXPECT_EQ(send(conn, "anyone?"), kPipe);
  EXPECT_EQ(write(conn, "anyone?"), kPipe);
}

TEST_F(WasiSockTest, SendToAClosedPeerIsPipeNotSigpipe) {
  DefaultSigpipe sigpipe;
  start_listening();
  const int client = connect_client(port_);
  const int32_t conn = accept(listener_);
  ASSERT_GE(conn, 0);
  close_kept(client);
  std::string got;
  ASSERT_EQ(recv(conn, 16, 0, &got), kSuccess);
  EXPECT_EQ(got, "");  // the end of the stream
  // The first send still goes out; the peer answers it with a reset, after
  // which sending fails. (At most 5 s for the reset to arrive.)
  int32_t e = kSuccess;
  for (int i = 0; i < 500 && e == kSuccess; ++i) {
    e = (i % 2 == 0) ? send(conn, "x") : write(conn, "y");
    if (e == kSuccess)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(e, kPipe);
}

TEST_F(WasiSockTest, DatagramStdinReportsTruncation) {
  // A datagram socket on the guest's stdin: its filetype, and a message
  // longer than the buffer is cut with roflags DATA_TRUNCATED.
  int pair[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair), 0);
  keep(pair[0]);
  keep(pair[1]);
  ASSERT_EQ(::send(pair[1], "0123456789", 10, 0), 10);
  ASSERT_EQ(::send(pair[1], "abc", 3, 0), 3);
  // (The guest's fd 0 is the host's fd 0, the socket only within this.)
  with_host_fd(0, pair[0], [&] {
    start();
    EXPECT_EQ(fdstat(0).filetype, kSocketDgram);
    std::string got;
    uint16_t roflags = 0;
    ASSERT_EQ(recv(0, 4, 0, &got, &roflags), kSuccess);
    EXPECT_EQ(got, "0123");
    EXPECT_EQ(roflags, 1);  // recv_data_truncated
    ASSERT_EQ(recv(0, 4, 0, &got, &roflags), kSuccess);
    EXPECT_EQ(got, "abc");
    EXPECT_EQ(roflags, 0);
  });
}

TEST_F(WasiSockTest, InheritedUnixListener) {
  const std::string path = (root_ / "sock").string();
  const int own = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(bind(own, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(own, 4), 0);
  api::WasiConfig config;
  config.sockets.push_back(api::WasiSocket::listening_fd(own));
  start(config);
  close(own);
  ASSERT_EQ(ctx_->sockets().size(), 1u);
  EXPECT_EQ(ctx_->sockets()[0].address, "unix:" + path);
  EXPECT_EQ(ctx_->sockets()[0].port, 0);

  const int client = keep(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr),
            0);
  client_send(client, "over unix");
  const int32_t conn = accept(4);
  ASSERT_GE(conn, 0);
  std::string got;
  ASSERT_EQ(recv(conn, 64, 0, &got), kSuccess);
  EXPECT_EQ(got, "over unix");
}

TEST_F(WasiSockTest, NamesAreResolved) {
  api::WasiConfig config;
  config.sockets.push_back(api::WasiSocket::tcp_listen("localhost:0"));
  auto ctx = api::WasiCtx::create(config);
  ASSERT_TRUE(ctx.ok()) << ctx.error().message;
  const std::string& address = (*ctx)->sockets()[0].address;
  EXPECT_TRUE(address.starts_with("127.0.0.1:") ||
              address.starts_with("[::1]:"))
      << address;
}

TEST_F(WasiSockTest, BadSocketConfigIsAnError) {
  auto create_error = [](api::WasiSocket socket) {
    api::WasiConfig config;
    config.sockets.push_back(std::move(socket));
    auto ctx = api::WasiCtx::create(config);
    EXPECT_FALSE(ctx.ok());
    return ctx.ok() ? Error() : ctx.error();
  };
  for (const char* address :
       {"nonsense", "127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:65536",
        "127.0.0.1:http", "127.0.0.1:-1", "::1:80", "[::1]80", "[::1"}) {
    const Error e = create_error(api::WasiSocket::tcp_listen(address));
    EXPECT_EQ(e.kind, ErrorKind::Usage) << address;
    EXPECT_NE(e.message.find(address), std::string::npos) << e.message;
  }

  // A port another socket listens on.
  const int own = keep(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(own, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(own, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(own, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string taken = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  const Error in_use = create_error(api::WasiSocket::tcp_listen(taken));
  EXPECT_EQ(in_use.kind, ErrorKind::Io);
  EXPECT_NE(in_use.message.find("Address already in use"), std::string::npos)
      << in_use.message;

  // Inherited fds that are not listening stream sockets.
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  keep(pipe_fds[0]);
  keep(pipe_fds[1]);
  const int unbound = keep(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const int udp = keep(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  EXPECT_NE(create_error(api::WasiSocket::listening_fd(pipe_fds[0]))
                .message.find("not a socket"),
            std::string::npos);
  for (int fd : {unbound, udp}) {
    const Error e = create_error(api::WasiSocket::listening_fd(fd));
    EXPECT_EQ(e.kind, ErrorKind::Usage);
    EXPECT_NE(e.message.find("not a listening stream socket"),
              std::string::npos)
        << e.message;
  }
  EXPECT_EQ(create_error(api::WasiSocket::listening_fd(-1)).kind,
            ErrorKind::Usage);
  EXPECT_EQ(create_error(api::WasiSocket::listening_fd(9999)).kind,
            ErrorKind::Usage);
}

}  // namespace
}  // namespace heron
