// WASI snapshot preview1 for embedders: a WasiCtx holds what one guest
// program sees (arguments, environment, preopened directories, its open file
// descriptors) and add_wasi() defines all 46 `wasi_snapshot_preview1`
// functions on a Linker, so that any module importing them links. Functions
// Heron does not implement on this host return an errno, never fail to link.
//
//   auto ctx = api::WasiCtx::create(config);          // opens the preopens
//   api::add_wasi(linker, *ctx);
//   auto instance = linker.instantiate(store, module);
//   (*ctx)->bind(*instance);                           // its "memory" export
//   auto r = instance->get_func("_start").call(store, {});
//   if (r.trapped() && (*ctx)->exit_code()) ... // proc_exit, not a crash
//
// Preopened sockets (WasiConfig::sockets) are listening stream sockets the
// guest accepts connections on with sock_accept; the accepted connections
// take sock_recv/sock_send/sock_shutdown and fd_read/fd_write/poll_oneoff.
// They are numbered after the preopened directories: wasi-libc looks for
// directories from fd 3 up and stops at the first fd that is not one.
//
// One WasiCtx serves one instance: a host function only learns its Store
// from the Caller, so guest memory is the export "memory" of the instance
// given to bind(). proc_exit stops the guest with a Trap and records the
// status, which exit_code() then reports (the Trap also carries it:
// TrapCode::Exit with exit_status).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "heron/error.h"
#include "heron/instance.h"
#include "heron/linker.h"

namespace heron {
struct WasiState;
}

namespace heron::api {

struct WasiPreopen {
  std::string host_path;   // a directory on the host
  std::string guest_path;  // the name the guest sees (fd_prestat_dir_name)
};

// A listening stream socket for the guest: either one WasiCtx::create binds
// and listens on, or one the host already has.
struct WasiSocket {
  // "HOST:PORT" ("[HOST]:PORT" for an IPv6 literal): HOST an IP address or
  // a name, PORT decimal, 0 for any free port (WasiCtx::sockets() tells
  // which).
  static WasiSocket tcp_listen(std::string address) {
    WasiSocket s;
    s.listen_address = std::move(address);
    return s;
  }
  // A host fd that is a listening stream socket (socket activation). The
  // WasiCtx uses a duplicate of it: the caller keeps `fd` open or closes it
  // as it likes.
  static WasiSocket listening_fd(int fd) {
    WasiSocket s;
    s.host_fd = fd;
    return s;
  }
  std::string listen_address;  // non-empty: bind and listen here
  int host_fd = -1;            // otherwise: this listening socket
};

struct WasiConfig {
  std::vector<std::string> args;      // argv, argv[0] included
  std::vector<std::string> env;       // "KEY=VALUE"
  std::vector<WasiPreopen> preopens;  // fds 3, 4, ... in this order
  std::vector<WasiSocket> sockets;    // the fds after the preopens, in order
  // fds 0, 1, 2 are the host's stdin/stdout/stderr; otherwise they are not
  // open in the guest (reads and writes fail with `badf`).
  bool inherit_stdio = true;
};

// A preopened socket as WasiCtx::create made it.
struct WasiSocketInfo {
  uint32_t guest_fd = 0;  // its number when the guest starts
  // The address it listens on, as getsockname tells it: "127.0.0.1:40123",
  // "[::1]:8080", or "unix:PATH" for a Unix-domain socket.
  std::string address;
  uint16_t port = 0;  // 0 for a Unix-domain socket
};

class WasiCtx {
 public:
  // Opens every preopen (an Error of kind Io naming the directory when one
  // cannot be opened as a directory) and every socket (Usage for an address
  // that is not HOST:PORT or an fd that is not a listening stream socket,
  // Io when binding or listening fails).
  static Result<std::shared_ptr<WasiCtx>> create(const WasiConfig& config);
  ~WasiCtx();
  WasiCtx(const WasiCtx&) = delete;
  WasiCtx& operator=(const WasiCtx&) = delete;

  // The instance whose exported "memory" guest pointers refer to (an Error
  // of kind Usage when it exports none).
  Result<void> bind(const Instance& instance);
  // Set once the guest called proc_exit (its call then trapped).
  std::optional<uint32_t> exit_code() const;
  // The preopened sockets, in WasiConfig::sockets order.
  const std::vector<WasiSocketInfo>& sockets() const { return sockets_; }

  WasiState& state() const { return *state_; }

 private:
  explicit WasiCtx(std::unique_ptr<WasiState> state);
  std::unique_ptr<WasiState> state_;
  std::vector<WasiSocketInfo> sockets_;
};

// Defines every wasi_snapshot_preview1 function on `linker`, all sharing
// `ctx`.
Result<void> add_wasi(Linker& linker, std::shared_ptr<WasiCtx> ctx);

// True when `module` imports anything from wasi_snapshot_preview1.
bool imports_wasi(const Module& module);

}  // namespace heron::api
