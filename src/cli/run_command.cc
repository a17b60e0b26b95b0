// `heron run FILE [--invoke NAME] [ARGS...]`: compiles a module (.wasm or
// .wat), instantiates it with no imports (running its start function) and
// calls one export:
//   --invoke NAME   that export, with ARGS parsed per its parameter types;
//   otherwise       `_start` when exported (no ARGS), else nothing more.
// Results print on stdout one per line in text-format syntax
// (value_text.h). Exit codes:
//   0  success
//   1  the module does not parse, decode, validate, compile or link
//      (one line "FILE[:LOCATION]: error: MESSAGE", as `heron validate`)
//   2  bad flags or arguments (unknown export, wrong count, bad literal)
//   3  the wasm code trapped, in the call or in the start function:
//      "error: trap: MESSAGE" then the backtrace on stderr, innermost
//      first, "  N: func I <name> @ 0xOFFSET" per frame (a run of
//      identical frames as "  N..M: ... (K frames)"); an interrupt by
//      --timeout is the trap "interrupt"
// A module importing wasi_snapshot_preview1 runs as a WASI program
// (run_wasi below): ARGS are its arguments, --dir/--env its preopens and
// environment, and heron's exit status is the program's (proc_exit, or 0
// when _start returns); a trap still exits 3, a link failure 1. Other
// imports fail to link (there is nothing else to import yet).
// --tcplisten/--listen-fd preopen listening sockets for it.
// A compiled module (.cwasm, `heron compile`) is recognized by its magic and
// loaded without compiling (mapped from the file), for plain and WASI
// modules alike; the engine flags must match the ones it was compiled with.
// --timings prints the start-up phases and the time from process start to
// the call (startup_timings.h) on stderr.
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "artifact/artifact.h"
#include "cli/artifact_files.h"
#include "cli/commands.h"
#include "cli/engine_config.h"
#include "cli/file_util.h"
#include "cli/module_input.h"
#include "cli/startup_timings.h"
#include "cli/value_text.h"
#include "cli/watchdog.h"
#include "heron/heron.h"
#include "heron/wasi.h"
#include "runtime/module_cache.h"

namespace heron::cli {
namespace {

int usage_error(std::string_view message) {
  fmt::print(stderr, "error: {}\n", one_line(message));
  return kExitUsage;
}

std::string frame_text(const api::FrameInfo& frame) {
  std::string text = fmt::format("func {}", frame.func_index);
  if (!frame.func_name.empty()) text += fmt::format(" <{}>", frame.func_name);
  if (frame.module_offset != api::FrameInfo::kNoOffset) {
    text += fmt::format(" @ 0x{:x}", frame.module_offset);
  }
  return text;
}

// The message, then the backtrace innermost first, one frame per line as
// Trap::to_string() writes them, except that a run of identical frames (a
// runaway recursion) prints once with its count.
int report_trap(const api::Trap& trap) {
  fmt::print(stderr, "error: trap: {}\n", one_line(trap.message));
  const std::vector<api::FrameInfo>& frames = trap.backtrace;
  for (size_t i = 0; i < frames.size();) {
    std::string text = frame_text(frames[i]);
    size_t run = 1;
    while (i + run < frames.size() && frame_text(frames[i + run]) == text) {
      ++run;
    }
    if (run == 1) {
      fmt::print(stderr, "  {}: {}\n", i, text);
    } else {
      fmt::print(stderr, "  {}..{}: {} ({} frames)\n", i, i + run - 1, text,
                 run);
    }
    i += run;
  }
  if (trap.backtrace_truncated) fmt::print(stderr, "  ...\n");
  return kExitTrap;
}

// The export to call and its arguments, or an exit code.
struct CallPlan {
  api::Func func;
  std::vector<api::Val> args;
  std::string name;
};

std::optional<int> plan_call(const RunOptions& options,
                             const api::Instance& instance, CallPlan* plan) {
  std::string name = options.invoke;
  if (name.empty()) {
    if (!instance.get_func("_start")) {
      if (!options.args.empty()) {
        return usage_error(
            "arguments given, but no --invoke NAME and no _start export");
      }
      return kExitOk;  // instantiating (the start function) was the run
    }
    name = "_start";
  }
  api::Func func = instance.get_func(name);
  if (!func) {
    return usage_error(
        fmt::format("{}: no exported function \"{}\"", options.file, name));
  }
  const FuncType& type = func.type();
  if (options.args.size() != type.params.size()) {
    return usage_error(fmt::format(
        "\"{}\" takes {} argument{}, got {}", name, type.params.size(),
        type.params.size() == 1 ? "" : "s", options.args.size()));
  }
  for (size_t i = 0; i < type.params.size(); ++i) {
    Result<api::Val> val = parse_val(options.args[i], type.params[i]);
    if (!val.ok()) return usage_error(val.error().message);
    plan->args.push_back(*val);
  }
  plan->func = func;
  plan->name = std::move(name);
  return std::nullopt;
}

// --dir HOST[::GUEST], --env K=V, --tcplisten HOST:PORT and --listen-fd N
// as a WasiConfig (argv[0] = the file name as given, like a shell would
// pass it).
std::optional<int> wasi_config(const RunOptions& options,
                               api::WasiConfig* config) {
  config->args.push_back(options.file);
  config->args.insert(config->args.end(), options.args.begin(),
                      options.args.end());
  for (const std::string& kv : options.env) {
    if (kv.find('=') == std::string::npos) {
      return usage_error(fmt::format("--env {}: expected K=V", kv));
    }
    config->env.push_back(kv);
  }
  for (const std::string& dir : options.dirs) {
    const size_t sep = dir.find("::");
    api::WasiPreopen preopen;
    preopen.host_path = dir.substr(0, sep);
    preopen.guest_path = sep == std::string::npos ? dir : dir.substr(sep + 2);
    if (preopen.host_path.empty() || preopen.guest_path.empty()) {
      return usage_error(fmt::format("--dir {}: expected HOST[::GUEST]", dir));
    }
    config->preopens.push_back(std::move(preopen));
  }
  for (const std::string& address : options.tcp_listen) {
    config->sockets.push_back(api::WasiSocket::tcp_listen(address));
  }
  for (int fd : options.listen_fds) {
    config->sockets.push_back(api::WasiSocket::listening_fd(fd));
  }
  return std::nullopt;
}

// The guest's exit status, when `trap` is its proc_exit. A status above 255
// is cut to its low byte by the OS, as for a native program.
std::optional<int> wasi_exit(const api::WasiCtx& ctx) {
  if (std::optional<uint32_t> code = ctx.exit_code()) return int(*code & 0xff);
  return std::nullopt;
}

int run_wasi(const RunOptions& options, const ModuleInput& input,
             api::Store& store, const api::Module& module,
             StartupTimings& timings) {
  if (!options.invoke.empty()) {
    return usage_error("--invoke is not supported for WASI modules yet");
  }
  api::WasiConfig config;
  if (std::optional<int> bad = wasi_config(options, &config)) return *bad;
  Result<std::shared_ptr<api::WasiCtx>> ctx = api::WasiCtx::create(config);
  if (!ctx.ok()) return usage_error(ctx.error().message);
  api::Linker linker(store.engine());
  if (Result<void> r = api::add_wasi(linker, *ctx); !r.ok()) {
    print_module_error(options.file, input, r.error());
    return kExitFailure;
  }
  timings.mark("WASI host functions");
  Result<api::Instance> instance = linker.instantiate(store, module);
  if (!instance.ok()) {
    const Error& error = instance.error();
    if (std::optional<int> code = wasi_exit(**ctx)) return *code;
    if (error.kind == ErrorKind::Uninstantiable) {
      fmt::print(stderr, "error: trap: {}\n", one_line(error.message));
      return kExitTrap;
    }
    print_module_error(options.file, input, error);
    return kExitFailure;
  }
  if (Result<void> r = (*ctx)->bind(*instance); !r.ok()) {
    fmt::print(stderr, "{}: error: {}\n", options.file, r.error().message);
    return kExitFailure;
  }
  api::Func start = instance->get_func("_start");
  if (!start) {
    return usage_error(fmt::format(
        "{}: WASI module without a \"_start\" export", options.file));
  }
  timings.mark("instantiate");
  timings.report("_start");
  api::CallResult<std::vector<api::Val>> result = start.call(store, {});
  if (result.trapped()) {
    if (std::optional<int> code = wasi_exit(**ctx)) return *code;
    return report_trap(result.trap());
  }
  if (result.failed()) {
    fmt::print(stderr, "error: {}\n", one_line(result.error().message));
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

int run_run(const RunOptions& options) {
  std::optional<std::chrono::nanoseconds> timeout;
  if (!options.timeout.empty()) {
    Result<std::chrono::nanoseconds> parsed = parse_duration(options.timeout);
    if (!parsed.ok()) return usage_error(parsed.error().message);
    timeout = *parsed;
  }

  StartupTimings timings(options.timings);
  api::Engine engine(make_config(options.engine));
  std::optional<ModuleInput> input;
  std::optional<api::Module> module;
  if (is_artifact_file(options.file)) {
    ArtifactLoadTimes times;
    auto loaded = deserialize_compiled_module_file(engine.shared_impl(),
                                                   options.file, &times);
    if (!loaded.ok()) {
      fmt::print(stderr, "{}: error: {}\n", options.file,
                 one_line(loaded.error().message));
      return kExitFailure;
    }
    module.emplace(std::move(loaded).value());
    input.emplace();  // no module bytes to quote in messages
    timings.add("read/map", times.map_ns);
    timings.add("verify", times.verify_ns);
    timings.add("decode metadata", times.decode_ns);
    timings.add("load/link", times.link_ns);
    timings.mark("(load, other)");
  } else {
    // Through the cache, a file recorded before is loaded without reading
    // it (runtime/module_cache.h).
    const std::optional<FileIdentity> identity =
        module_file_identity(engine.shared_impl(), options.file);
    if (identity) {
      if (auto cached = load_module_by_file(engine.shared_impl(), *identity)) {
        module.emplace(std::move(cached));
        input.emplace();  // no module bytes to quote in messages
        timings.mark("load (cached)");
      }
    }
    if (!module) {
      input = read_module_input(options.file);
      if (!input) return kExitFailure;
      timings.mark("read");
      // The bytes move into the module (messages need only their kind).
      auto compiled = compile_module_file(engine.shared_impl(), options.file,
                                          identity, std::move(input->binary));
      if (!compiled.ok()) {
        print_module_error(options.file, *input, compiled.error());
        return kExitFailure;
      }
      module.emplace(std::move(compiled).value());
      timings.mark("compile/link");
    }
  }

  api::Store store(engine);
  // Armed before instantiation: the start function may loop forever too.
  std::optional<Watchdog> watchdog;
  if (timeout) watchdog.emplace(store.interrupt_handle(), *timeout);

  if (api::imports_wasi(*module)) {
    const int status = run_wasi(options, *input, store, *module, timings);
    watchdog.reset();
    return status;
  }

  api::Linker linker(engine);
  Result<api::Instance> instance = linker.instantiate(store, *module);
  if (!instance.ok()) {
    const Error& error = instance.error();
    if (error.kind == ErrorKind::Uninstantiable) {
      // A trap in the start function or an out-of-bounds segment.
      fmt::print(stderr, "error: trap: {}\n", one_line(error.message));
      return kExitTrap;
    }
    print_module_error(options.file, *input, error);
    return kExitFailure;
  }

  timings.mark("instantiate");
  CallPlan plan;
  if (std::optional<int> done = plan_call(options, *instance, &plan)) {
    // Nothing to call: instantiation (the start function) was the run.
    if (*done == kExitOk) timings.report("(instantiated)");
    return *done;
  }
  timings.report(plan.name);
  api::CallResult<std::vector<api::Val>> result =
      plan.func.call(store, plan.args);
  watchdog.reset();
  if (result.trapped()) return report_trap(result.trap());
  if (result.failed()) {
    fmt::print(stderr, "error: {}\n", one_line(result.error().message));
    return kExitFailure;
  }
  for (const api::Val& value : result.value()) {
    fmt::print("{}\n", format_val(value));
  }
  return kExitOk;
}

}  // namespace heron::cli
