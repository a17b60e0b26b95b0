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

struct WasiConfig {
  std::vector<std::string> args;      // argv, argv[0] included
  std::vector<std::string> env;       // "KEY=VALUE"
  std::vector<WasiPreopen> preopens;  // fds 3, 4, ... in this order
  // fds 0, 1, 2 are the host's stdin/stdout/stderr; otherwise they are not
  // open in the guest (reads and writes fail with `badf`).
  bool inherit_stdio = true;
};

class WasiCtx {
 public:
  // Opens every preopen (an Error of kind Io naming the directory when one
  // cannot be opened as a directory).
  static Result<std::shared_ptr<WasiCtx>> create(const WasiConfig& config);
  ~WasiCtx();
  WasiCtx(const WasiCtx&) = delete;
  WasiCtx& operator=(const WasiCtx&) = delete;

  // The instance whose exported "memory" guest pointers refer to (an Error
  // of kind Usage when it exports none).
  Result<void> bind(const Instance& instance);
  // Set once the guest called proc_exit (its call then trapped).
  std::optional<uint32_t> exit_code() const;

  WasiState& state() const { return *state_; }

 private:
  explicit WasiCtx(std::unique_ptr<WasiState> state);
  std::unique_ptr<WasiState> state_;
};

// Defines every wasi_snapshot_preview1 function on `linker`, all sharing
// `ctx`.
Result<void> add_wasi(Linker& linker, std::shared_ptr<WasiCtx> ctx);

// True when `module` imports anything from wasi_snapshot_preview1.
bool imports_wasi(const Module& module);

}  // namespace heron::api
