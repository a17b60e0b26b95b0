// Entry point of the `heron` command: declares the command line with CLI11
// and dispatches to one function per subcommand (commands.h). Nothing else
// lives here, so that a reader finds each command's behaviour in its file.
#include <cstdio>
#include <exception>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/engine_config.h"
#include "cli/startup_timings.h"

#ifndef HERON_VERSION
#define HERON_VERSION "unknown"
#endif

namespace {

constexpr const char* kValidateFooter =
    R"(Prints nothing and exits 0 when every FILE is a valid module. For each
invalid FILE prints exactly one line on stderr and exits 1:
  FILE:OFFSET: error: MESSAGE   binary module; OFFSET is the byte offset
                                (decimal) where the problem was found
  FILE:LINE: error: MESSAGE     text module that does not parse (1-based line)
  FILE: error: MESSAGE (offset N in the encoded binary)
                                text module that parses but does not validate
  FILE: error: MESSAGE          no location (e.g. the file cannot be read)
A FILE starting with the bytes "\0asm", or named *.wasm, is read as a binary
module; anything else as a module in the text format (.wat).)";

constexpr const char* kWastFooter =
    R"(Runs WebAssembly spec-test scripts:
  module, module definition       must parse, decode and validate; then the
                                  module is compiled and instantiated (not a
                                  definition) through a linker that holds
                                  the registered instances and `spectest`
  assert_malformed, assert_invalid
                                  must be rejected, at any stage (text parse,
                                  decode or validate), with a message that
                                  STARTS WITH the expected text: the expected
                                  message must be a prefix of Heron's, which
                                  may add detail after it
  assert_malformed_custom, assert_invalid_custom
                                  the same, but accepting the module also
                                  passes (custom annotations may be ignored)
  assert_unlinkable, assert_uninstantiable, assert_trap (module ...)
                                  must fail to link / to instantiate, with
                                  the same prefix rule for the message
  invoke, get, assert_return, assert_trap, assert_exhaustion
                                  executed; results compare bit for bit
                                  (NaN patterns nan:canonical and
                                  nan:arithmetic, `either`, ref.null of any
                                  kind, ref.extern N, ref.func = non-null)
  register, module instance       executed
  assert_exception                skipped: exceptions are not supported
Directives whose module uses a feature the engine does not run yet (SIMD,
GC, exceptions, tail calls...) are skipped with the feature as the reason.
Prints "FILE: P passed, F failed, S skipped" per script, then the totals
"N passed, M failed, K skipped". Exits 1 if anything failed. A script that
does not parse counts as one failure, reported as FILE:LINE: error: MESSAGE.
With --verbose, each failure is printed as
  FILE:LINE: KIND: expected "MESSAGE", got "OURS"   or
  FILE:LINE: KIND: module failed: MESSAGE
and the skip reasons are counted per script.)";

constexpr const char* kRunFooter =
    R"(Compiles and instantiates FILE (.wasm or .wat; no imports), or loads it
without compiling if it is a compiled module (.cwasm, from `heron compile`,
recognized by its content, not its name), then calls
the export NAME (default: _start if exported, else nothing after the start
function) with ARGS parsed per its parameter types: i32/i64 in decimal or
0x hex, f32/f64 as text-format literals (1.5, -0x1p-3, inf, nan:0x200000).
Use `--` before negative arguments if needed.
Each result prints on its own line in text-format style: 42, -1, 1.5, inf,
nan:0x400000 (a NaN always with its payload), ref.null func.
Exit status: 0 success; 1 the module does not parse, validate, compile or
link; 2 bad flags or arguments; 3 the wasm code trapped (stderr:
"error: trap: MESSAGE" and the backtrace; --timeout gives the trap
"interrupt").
A module importing wasi_snapshot_preview1 runs as a WASI program: its
_start is called with ARGS as its arguments (argv[0] = FILE), stdio
inherited, only the --env variables set, and only the --dir directories
(and what lies beneath them) reachable; heron exits with the status the
program passes to proc_exit (0 when _start returns). --tcplisten and
--listen-fd give it listening sockets to accept() on, numbered after the
--dir directories (the --tcplisten ones first).)";

constexpr const char* kCompileFooter =
    R"(Compiles FILE (.wasm or .wat) ahead of time into OUT, a compiled module
(.cwasm) that `heron run OUT` runs without compiling. The flags that change
generated code (-O, --explicit-bounds-checks) must be the same for `run`,
and the machine must have the CPU features the code uses: otherwise `run`
refuses the file and names the difference. A .cwasm is trusted like an
executable: load only those you (or someone you trust) compiled.
Exit status: 0 written; 1 the module does not parse, validate or compile,
or OUT cannot be written; 2 bad flags.)";

constexpr const char* kExploreFooter =
    R"(Prints, for one defined function: the IR after translation, the IR after
the optimization passes of the chosen level, and the x86-64 disassembly,
each instruction with the wasm byte offset (hex, in the module's binary) it
came from.)";

constexpr const char* kCacheFooter =
    R"text(The compiled-code cache keeps each compiled module on disk, keyed by
Heron's build, the compiler settings, the CPU features and the module's
bytes, in DIR/v1/ (default DIR: $XDG_CACHE_HOME/heron, else
$HOME/.cache/heron); least recently used entries are evicted beyond the
size limit (1 GiB). No command uses the cache yet; `run` will.
  stats   prints "directory: DIR", "entries: N", "size: B bytes (...)" and
          "limit: L bytes (...)"
  clear   removes every entry and prints "removed N entries (B bytes)
          from DIR"; other files in DIR are never touched
Neither creates DIR. An unusable DIR (not a directory, unreadable, owned
by another user) is one line "heron: error: MESSAGE" and exit status 1.)text";

// The engine flags of the executing commands, as typed; checked and turned
// into EngineOptions by apply_engine_flags.
struct EngineFlags {
  int opt_level = 2;
  bool explicit_bounds_checks = false;
  bool perf_map = false;
  bool debugger_support = false;
  std::string max_wasm_stack;
  std::string compile_threads;  // -j; empty = not given
};

void add_engine_flags(CLI::App* command, EngineFlags* flags) {
  command
      ->add_option("-O", flags->opt_level,
                   "Optimization level: -O0 (none) or -O2 (default)")
      ->check(CLI::IsMember({0, 2}));
  command->add_flag("--explicit-bounds-checks", flags->explicit_bounds_checks,
                    "Check memory accesses in code instead of guard pages");
  command->add_flag("--perf-map", flags->perf_map,
                    "Write JIT symbols to /tmp/perf-PID.map for perf");
  command->add_flag("-g,--debugger-support", flags->debugger_support,
                    "Register JIT code with gdb so it names wasm functions");
  command->add_option("--max-wasm-stack", flags->max_wasm_stack,
                      "Stack budget of wasm in bytes (e.g. 65536, 512k, 8m)");
}

// -j, for the commands that compile whole modules.
void add_compile_threads_flag(CLI::App* command, EngineFlags* flags) {
  command
      ->add_option("-j,--jobs", flags->compile_threads,
                   "Threads compiling a module (default: every hardware "
                   "thread; 1 = no parallel compilation)")
      ->type_name("N");
}

bool apply_engine_flags(const EngineFlags& flags,
                        heron::cli::EngineOptions* options) {
  options->opt_level = flags.opt_level == 0 ? heron::api::OptLevel::O0
                                            : heron::api::OptLevel::O2;
  options->explicit_bounds_checks = flags.explicit_bounds_checks;
  options->perf_map = flags.perf_map;
  options->debugger_support = flags.debugger_support;
  if (!flags.max_wasm_stack.empty()) {
    auto size = heron::cli::parse_byte_size(flags.max_wasm_stack);
    if (!size.ok()) {
      fmt::print(stderr, "--max-wasm-stack: {}\n", size.error().message);
      return false;
    }
    options->max_wasm_stack = *size;
  }
  if (!flags.compile_threads.empty()) {
    auto threads = heron::cli::parse_compile_threads(flags.compile_threads);
    if (!threads.ok()) {
      fmt::print(stderr, "-j: {}\n", threads.error().message);
      return false;
    }
    options->compile_threads = *threads;
  }
  return true;
}

// The help of one command (or of the whole app). CLI11's App::help() would
// describe the subcommand that was parsed — `help` itself — instead.
std::string help_text(CLI::App* command, const std::string& usage_name) {
  return command->get_formatter()->make_help(command, usage_name,
                                             CLI::AppFormatMode::Normal);
}

int run(int argc, char** argv) {
  using namespace heron::cli;

  CLI::App app{"Heron, a WebAssembly runtime with an optimizing JIT compiler.",
               "heron"};
  app.set_version_flag("--version", std::string("heron ") + HERON_VERSION);
  app.require_subcommand(0, 1);

  ValidateOptions validate_options;
  CLI::App* validate =
      app.add_subcommand("validate", "Check that modules are valid");
  validate->add_option("FILE", validate_options.files, "Module (.wasm or .wat)")
      ->required();
  std::string validate_threads;
  validate
      ->add_option("-j,--jobs", validate_threads,
                   "Threads validating a module's function bodies (default: "
                   "every hardware thread)")
      ->type_name("N");
  validate
      ->add_flag("--truncations", validate_options.truncations,
                 "Check that every prefix of each module is rejected cleanly")
      ->group("");
  validate
      ->add_option("--max-prefixes", validate_options.max_prefixes,
                   "With --truncations: prefixes per module (0 = all)")
      ->group("");
  validate->footer(kValidateFooter);

  WastOptions wast_options;
  CLI::App* wast = app.add_subcommand("wast", "Run spec-test scripts (.wast)");
  wast->add_option("FILE", wast_options.files, "Script")->required();
  wast->add_flag("-v,--verbose", wast_options.verbose,
                 "Print every failing directive");
  wast->add_flag("--validate-only", wast_options.validate_only,
                 "Stop at validation: skip every execution directive");
  wast->add_flag("--require-execution", wast_options.require_execution,
                 "Count every skipped directive as a failure");
  EngineFlags wast_engine;
  add_engine_flags(wast, &wast_engine);
  add_compile_threads_flag(wast, &wast_engine);
  wast->add_option("--dump-modules", wast_options.dump_dir,
                   "Write each module that validates to DIR")
      ->group("");
  wast->add_flag("--aot-roundtrip", wast_options.aot_roundtrip,
                 "Run every module after saving it as a compiled module "
                 "(.cwasm) and loading it back");
  wast->footer(kWastFooter);

  InspectOptions inspect_options;
  CLI::App* inspect = app.add_subcommand(
      "inspect", "Summarize a module: sections, counts, validity");
  inspect->add_option("FILE", inspect_options.file, "Module (.wasm or .wat)")
      ->required();

  RunOptions run_options;
  EngineFlags run_engine;
  CLI::App* run_cmd =
      app.add_subcommand("run", "Compile a module and call one of its exports");
  run_cmd->add_option("FILE", run_options.file, "Module (.wasm or .wat)")
      ->required();
  run_cmd->add_option("ARGS", run_options.args, "Arguments of the export");
  run_cmd->add_option("--invoke", run_options.invoke,
                      "Export to call (default: _start if exported)");
  run_cmd->add_option("--timeout", run_options.timeout,
                      "Interrupt the wasm code after DURATION (100ms, 2s, 1m)");
  // One value per occurrence: a vector option would otherwise swallow the
  // program's arguments that follow it.
  run_cmd
      ->add_option("--dir", run_options.dirs,
                   "WASI: preopen directory HOST[::GUEST] (repeatable)")
      ->allow_extra_args(false);
  run_cmd
      ->add_option("--env", run_options.env,
                   "WASI: environment variable K=V (repeatable)")
      ->allow_extra_args(false);
  run_cmd
      ->add_option("--tcplisten", run_options.tcp_listen,
                   "WASI: preopen a socket listening on HOST:PORT "
                   "(repeatable)")
      ->allow_extra_args(false);
  run_cmd
      ->add_option("--listen-fd", run_options.listen_fds,
                   "WASI: preopen the inherited listening socket N "
                   "(repeatable)")
      ->allow_extra_args(false);
  run_cmd->add_flag("--timings", run_options.timings,
                    "Print start-up phases and the time to the first call");
  add_engine_flags(run_cmd, &run_engine);
  add_compile_threads_flag(run_cmd, &run_engine);
  bool run_no_cache = false;
  run_cmd->add_flag("--no-cache", run_no_cache,
                    "Neither load nor store compiled code in the cache");
  run_cmd->add_option("--cache-dir", run_options.engine.cache_dir,
                      "The compiled-code cache's directory (default "
                      "$XDG_CACHE_HOME/heron, else ~/.cache/heron)");
  run_cmd->footer(kRunFooter);

  CompileOptions compile_options;
  EngineFlags compile_engine;
  CLI::App* compile_cmd = app.add_subcommand(
      "compile", "Compile a module ahead of time into a .cwasm file");
  compile_cmd
      ->add_option("FILE", compile_options.file, "Module (.wasm or .wat)")
      ->required();
  compile_cmd
      ->add_option("-o,--output", compile_options.output,
                   "The compiled module to write (.cwasm)")
      ->required();
  add_engine_flags(compile_cmd, &compile_engine);
  add_compile_threads_flag(compile_cmd, &compile_engine);
  compile_cmd->footer(kCompileFooter);

  ExploreOptions explore_options;
  EngineFlags explore_engine;
  CLI::App* explore = app.add_subcommand(
      "explore", "Show a function's IR and machine code, with wasm offsets");
  explore->add_option("FILE", explore_options.file, "Module (.wasm or .wat)")
      ->required();
  explore
      ->add_option("--func", explore_options.func,
                   "Function index (imports first)")
      ->required();
  add_engine_flags(explore, &explore_engine);
  explore->footer(kExploreFooter);

  CacheCommandOptions cache_options;
  CLI::App* cache_cmd =
      app.add_subcommand("cache", "Show or clear the compiled-code cache");
  cache_cmd->add_option("ACTION", cache_options.action, "stats or clear")
      ->required()
      ->check(CLI::IsMember({"stats", "clear"}));
  cache_cmd->add_option("--cache-dir", cache_options.cache_dir,
                        "Cache directory (default: $XDG_CACHE_HOME/heron, "
                        "else $HOME/.cache/heron)");
  cache_cmd->footer(kCacheFooter);

  std::string help_topic;
  CLI::App* help =
      app.add_subcommand("help", "Show help for heron or for one command");
  help->add_option("COMMAND", help_topic, "A command name");

  if (argc <= 1) {
    fmt::print(stderr, "{}", help_text(&app, "heron"));
    return kExitFailure;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version are "errors" that exit 0; a real parse error is a
    // usage error whatever CLI11's own code for it.
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  if (*validate) {
    if (!validate_threads.empty()) {
      auto threads = heron::cli::parse_compile_threads(validate_threads);
      if (!threads.ok()) {
        fmt::print(stderr, "-j: {}\n", threads.error().message);
        return kExitUsage;
      }
      validate_options.threads = *threads;
    }
    return run_validate(validate_options);
  }
  if (*wast) {
    if (!apply_engine_flags(wast_engine, &wast_options.engine)) {
      return kExitUsage;
    }
    return run_wast(wast_options);
  }
  if (*inspect) return run_inspect(inspect_options);
  if (*run_cmd) {
    run_options.engine.cache = !run_no_cache;
    if (!apply_engine_flags(run_engine, &run_options.engine)) {
      return kExitUsage;
    }
    return run_run(run_options);
  }
  if (*compile_cmd) {
    if (!apply_engine_flags(compile_engine, &compile_options.engine)) {
      return kExitUsage;
    }
    return run_compile(compile_options);
  }
  if (*explore) {
    if (!apply_engine_flags(explore_engine, &explore_options.engine)) {
      return kExitUsage;
    }
    return run_explore(explore_options);
  }
  if (*cache_cmd) return run_cache(cache_options);
  if (*help) {
    if (help_topic.empty()) {
      fmt::print("{}", help_text(&app, "heron"));
      return kExitOk;
    }
    for (CLI::App* command : {validate, wast, inspect, run_cmd, compile_cmd,
                              explore, cache_cmd, help}) {
      if (command->get_name() == help_topic) {
        fmt::print("{}", help_text(command, "heron " + help_topic));
        return kExitOk;
      }
    }
    fmt::print(stderr, "heron: unknown command '{}'\n", help_topic);
    return kExitFailure;
  }
  fmt::print(stderr, "{}", help_text(&app, "heron"));
  return kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  heron::cli::note_main_entry();  // `heron run --timings`
  // The library reports failures as values; an exception reaching here is a
  // bug in Heron (or memory exhaustion), never a verdict on the input.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "heron: internal error: %s\n", e.what());
    return heron::cli::kExitInternal;
  }
}
