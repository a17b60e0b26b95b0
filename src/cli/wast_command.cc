// `heron wast FILE...`: runs WebAssembly spec-test scripts as far as Heron
// can today, which is everything up to (not including) execution.
//
//   module / module definition   must parse, decode and validate: passed or
//                                failed
//   assert_malformed,            must be rejected (text parse, decode or
//   assert_invalid               validate, whichever stage) with a message
//                                that starts with the expected text
//   assert_malformed_custom,     the same, except that accepting the module
//   assert_invalid_custom        also passes (they are about custom
//                                annotations, which Heron may ignore)
//   assert_unlinkable,           skipped (linking and instantiation need the
//   assert_uninstantiable,       engine) — but the module itself must
//   assert_trap (module ...)     validate, else the directive fails
//   module instance, register,   skipped: no execution engine yet
//   invoke, get, assert_return,
//   assert_trap (invoke ...), assert_exhaustion, assert_exception
//
// A script that does not parse is one failure of its file, reported with
// its line. Output: one line per file, then the totals.
#include <cstdio>
#include <exception>
#include <map>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/file_util.h"
#include "cli/pipeline.h"
#include "text/script.h"

namespace heron::cli {
namespace {

using text::ScriptCommand;
using text::ScriptModule;
using Kind = ScriptCommand::Kind;

constexpr std::string_view kNoEngine = "no execution engine yet";

struct Tally {
  uint64_t passed = 0;
  uint64_t failed = 0;
  uint64_t skipped = 0;
  Tally& operator+=(const Tally& o) {
    passed += o.passed;
    failed += o.failed;
    skipped += o.skipped;
    return *this;
  }
};

std::string_view kind_name(const ScriptCommand& command) {
  switch (command.kind) {
    case Kind::Module:
      return command.module && command.module->definition ? "module definition"
                                                          : "module";
    case Kind::ModuleInstance:
      return "module instance";
    case Kind::Register:
      return "register";
    case Kind::Action:
      return command.action &&
                     command.action->kind == text::ScriptAction::Kind::Get
                 ? "get"
                 : "invoke";
    case Kind::AssertReturn:
      return "assert_return";
    case Kind::AssertTrap:
      return "assert_trap";
    case Kind::AssertExhaustion:
      return "assert_exhaustion";
    case Kind::AssertException:
      return "assert_exception";
    case Kind::AssertMalformed:
      return "assert_malformed";
    case Kind::AssertInvalid:
      return "assert_invalid";
    case Kind::AssertUnlinkable:
      return "assert_unlinkable";
    case Kind::AssertUninstantiable:
      return "assert_uninstantiable";
    case Kind::AssertMalformedCustom:
      return "assert_malformed_custom";
    case Kind::AssertInvalidCustom:
      return "assert_invalid_custom";
  }
  return "?";
}

// The parent folder and stem of a script path, e.g. "threads_memory" for
// ".../proposals/threads/memory.wast": short, and distinct across the
// testsuite's folders.
std::string dump_stem(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  size_t dot = base.rfind('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  std::string parent;
  if (slash != std::string::npos && slash > 0) {
    size_t prev = path.rfind('/', slash - 1);
    parent = path.substr(prev == std::string::npos ? 0 : prev + 1,
                         slash - (prev == std::string::npos ? 0 : prev + 1));
  }
  std::string stem = parent.empty() || parent == "." || parent == ".."
                         ? base
                         : parent + "_" + base;
  for (char& c : stem) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!plain) c = '_';
  }
  return stem;
}

// The feature set a script was written against. Proposal suites that
// predate parts of WebAssembly 3.0 still expect the older rules: the threads
// proposal's tests expect "multiple memories" and 32-bit memory limits.
Features features_for_script(std::string_view path) {
  Features f;
  if (path.find("proposals/threads/") != std::string_view::npos) {
    f.multi_memory = false;
    f.multi_table = false;
    f.memory64 = false;
  }
  return f;
}

class ScriptRunner {
 public:
  ScriptRunner(const std::string& file, const WastOptions& options)
      : file_(file),
        options_(options),
        stem_(dump_stem(file)),
        features_(features_for_script(file)) {}

  Tally run() {
    Result<std::vector<uint8_t>> bytes = read_file(file_);
    if (!bytes.ok()) {
      fmt::print("{}: error: {}\n", file_, one_line(bytes.error().message));
      ++tally_.failed;
      return tally_;
    }
    std::string_view source(reinterpret_cast<const char*>(bytes->data()),
                            bytes->size());
    Result<text::Script> script = text::parse_script(source);
    if (!script.ok()) {
      const Error& error = script.error();
      uint32_t line = error.line;
      if (line == 0 && error.has_offset()) {
        line = line_of_offset(source, error.offset);
      }
      fmt::print("{}:{}: error: {}\n", file_, line, one_line(error.message));
      ++tally_.failed;
      return tally_;
    }
    for (size_t i = 0; i < script->commands.size(); ++i) {
      const ScriptCommand& command = script->commands[i];
      try {
        run_command(command, i);
      } catch (const std::exception& e) {
        fail(command, fmt::format("internal error: {}", e.what()));
      }
    }
    if (options_.verbose) {
      for (const auto& [reason, count] : skip_reasons_) {
        fmt::print("{}: {} skipped: {}\n", file_, count, reason);
      }
    }
    return tally_;
  }

 private:
  void run_command(const ScriptCommand& command, size_t index) {
    switch (command.kind) {
      case Kind::Module: {
        Result<void> loaded = load(command, index, /*may_dump=*/true);
        if (loaded.ok()) {
          ++tally_.passed;
        } else {
          fail(command, "module failed: " + loaded.error().message);
        }
        return;
      }
      case Kind::AssertMalformed:
      case Kind::AssertInvalid:
        expect_rejection(command, /*may_accept=*/false);
        return;
      case Kind::AssertMalformedCustom:
      case Kind::AssertInvalidCustom:
        // About custom annotations, which an implementation may ignore.
        expect_rejection(command, /*may_accept=*/true);
        return;
      case Kind::AssertTrap:
      case Kind::AssertUnlinkable:
      case Kind::AssertUninstantiable:
        // The module is valid by definition of these assertions; what they
        // assert happens at link or run time.
        if (command.module) {
          Result<void> loaded = load(command, index, /*may_dump=*/true);
          if (!loaded.ok()) {
            fail(command, "module failed: " + loaded.error().message);
            return;
          }
        }
        skip(kNoEngine);
        return;
      case Kind::ModuleInstance:
      case Kind::Register:
      case Kind::Action:
      case Kind::AssertReturn:
      case Kind::AssertExhaustion:
      case Kind::AssertException:
        skip(kNoEngine);
        return;
    }
    fail(command, "unknown directive");
  }

  // Runs the module of `command` through the whole pipeline. A quoted module
  // is parsed here: its text being malformed is what it usually tests.
  // Modules that validate are dumped when asked and `may_dump`.
  Result<void> load(const ScriptCommand& command, size_t index, bool may_dump) {
    if (!command.module) {
      return Error(ErrorKind::Internal, "directive has no module");
    }
    const ScriptModule& module = *command.module;
    // A text module that did not parse was kept by the script parser, with
    // its error, for the assertion to judge.
    if (module.text_error) return *module.text_error;
    std::vector<uint8_t> encoded;
    std::span<const uint8_t> binary = module.binary;
    if (module.form == ScriptModule::Form::Quote) {
      Result<std::vector<uint8_t>> parsed =
          encode_text(module.quote, features_);
      if (!parsed.ok()) return std::move(parsed).error();
      encoded = std::move(*parsed);
      binary = encoded;
    }
    Result<void> checked = check_binary(binary, nullptr, features_);
    if (checked.ok() && may_dump && !options_.dump_dir.empty()) {
      dump(binary, command, index);
    }
    return checked;
  }

  void expect_rejection(const ScriptCommand& command, bool may_accept) {
    Result<void> loaded = load(command, /*index=*/0, /*may_dump=*/false);
    if (loaded.ok() && may_accept) {
      ++tally_.passed;
      return;
    }
    if (loaded.ok()) {
      fail(command, fmt::format("expected \"{}\", got success",
                                one_line(command.message)));
      return;
    }
    const std::string& ours = loaded.error().message;
    if (ours.compare(0, command.message.size(), command.message) == 0) {
      ++tally_.passed;
      return;
    }
    fail(command, fmt::format("expected \"{}\", got \"{}\"",
                              one_line(command.message), one_line(ours)));
  }

  void dump(std::span<const uint8_t> binary, const ScriptCommand& command,
            size_t index) {
    if (dump_failed_) return;
    if (!dump_dir_ready_) {
      Result<void> made = make_directories(options_.dump_dir);
      if (!made.ok()) {
        // Said once per script; the run itself goes on.
        fmt::print("{}: error: {}\n", options_.dump_dir,
                   one_line(made.error().message));
        dump_failed_ = true;
        return;
      }
      dump_dir_ready_ = true;
    }
    std::string path = fmt::format("{}/{}-{}-{}.wasm", options_.dump_dir, stem_,
                                   command.line, index);
    Result<void> written = write_file(path, binary);
    if (!written.ok()) {
      fmt::print("{}: error: {}\n", path, one_line(written.error().message));
    }
  }

  void fail(const ScriptCommand& command, std::string_view detail) {
    ++tally_.failed;
    if (options_.verbose) {
      fmt::print("{}:{}: {}: {}\n", file_, command.line, kind_name(command),
                 one_line(detail));
    }
  }

  void skip(std::string_view reason) {
    ++tally_.skipped;
    ++skip_reasons_[std::string(reason)];
  }

  const std::string& file_;
  const WastOptions& options_;
  std::string stem_;
  Features features_;
  Tally tally_;
  std::map<std::string, uint64_t> skip_reasons_;
  bool dump_dir_ready_ = false;
  bool dump_failed_ = false;
};

}  // namespace

int run_wast(const WastOptions& options) {
  Tally total;
  for (const std::string& file : options.files) {
    Tally tally = ScriptRunner(file, options).run();
    fmt::print("{}: {} passed, {} failed, {} skipped\n", file, tally.passed,
               tally.failed, tally.skipped);
    std::fflush(stdout);
    total += tally;
  }
  fmt::print("{} passed, {} failed, {} skipped\n", total.passed, total.failed,
             total.skipped);
  return total.failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace heron::cli
