// `heron wast FILE...`: runs WebAssembly spec-test scripts.
//
//   module / module definition   must parse, decode and validate (the
//                                verdict of issue 2, unchanged); then it is
//                                compiled and, unless a definition,
//                                instantiated through the script's Linker
//                                (registered instances + `spectest`)
//   assert_malformed,            must be rejected (text parse, decode or
//   assert_invalid               validate, whichever stage) with a message
//                                that starts with the expected text
//   assert_malformed_custom,     the same, except that accepting the module
//   assert_invalid_custom        also passes (they are about custom
//                                annotations, which Heron may ignore)
//   assert_unlinkable            must validate, then fail to link
//   assert_uninstantiable,       must validate, then fail to instantiate
//   assert_trap (module ...)     (start function trap, segment out of bounds)
//   invoke, get, assert_return,  executed on the named or the latest
//   assert_trap, assert_exhaustion  instance; results per script_values.h
//   register, module instance    executed
//   assert_exception             skipped: exceptions are not supported
//
// Every failure message follows the prefix rule: the expected text must be
// a prefix of Heron's message (a trap message, a link error...).
//
// Skips: a module the engine cannot compile because it uses a feature the
// engine does not run yet (the API says ErrorKind::Unsupported) is skipped
// with the feature as the reason, and so is every directive that needs that
// module; so are values of such features (v128, GC references). Validation
// verdicts never depend on the engine: a module that does not validate fails
// whatever the engine could do. --validate-only stops at validation (every
// execution directive skipped, as before the engine existed);
// --require-execution counts every skip as a failure, so that an entry of
// the execution manifest cannot pass by skipping.
//
// A script that does not parse is one failure of its file, reported with
// its line. Output: one line per file, then the totals.
//
// --aot-roundtrip: every module, once compiled, is serialized into a
// compiled-module artifact, loaded back from memory (the cache's path) and
// from a temporary file (the `heron run app.cwasm` path), and the module
// loaded from the file is the one the script uses; a failure to serialize
// or load fails the directive like a compilation failure.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/engine_config.h"
#include "cli/file_util.h"
#include "cli/pipeline.h"
#include "cli/script_values.h"
#include "cli/spectest.h"
#include "cli/value_text.h"
#include "heron/heron.h"
#include "text/script.h"

namespace heron::cli {
namespace {

using text::ScriptCommand;
using text::ScriptModule;
using Kind = ScriptCommand::Kind;

constexpr std::string_view kValidateOnly = "--validate-only";
constexpr std::string_view kNoExceptions =
    "exception handling (exceptions are not supported yet)";

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
        fmt::print("{}: {} {}: {}\n", file_, count,
                   options_.require_execution
                       ? "failed (skipped, but --require-execution)"
                       : "skipped",
                   reason);
      }
    }
    return tally_;
  }

 private:
  void run_command(const ScriptCommand& command, size_t index) {
    switch (command.kind) {
      case Kind::Module: {
        Result<void> loaded = load(command, index, /*may_dump=*/true);
        if (!loaded.ok()) {
          fail(command, "module failed: " + loaded.error().message);
          forget_module(command, "its module failed to validate");
          return;
        }
        if (options_.validate_only) {
          ++tally_.passed;
          return;
        }
        define_module(command);
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
        if (command.module) {
          // The module is valid by definition of these assertions; what
          // they assert happens at link or run time.
          Result<void> loaded = load(command, index, /*may_dump=*/true);
          if (!loaded.ok()) {
            fail(command, "module failed: " + loaded.error().message);
            return;
          }
          if (options_.validate_only) {
            skip(kValidateOnly);
            return;
          }
          expect_instantiation_failure(command);
          return;
        }
        if (options_.validate_only) {
          skip(kValidateOnly);
          return;
        }
        expect_trap(command);
        return;
      case Kind::AssertException:
        skip(kNoExceptions);
        return;
      case Kind::ModuleInstance:
      case Kind::Register:
      case Kind::Action:
      case Kind::AssertReturn:
      case Kind::AssertExhaustion:
        if (options_.validate_only) {
          skip(kValidateOnly);
          return;
        }
        execute(command);
        return;
    }
    fail(command, "unknown directive");
  }

  // ---- Execution -------------------------------------------------------

  // An instance the script can name, or why it does not exist.
  struct InstanceSlot {
    std::optional<api::Instance> instance;
    std::string missing_reason;  // a skip reason when !instance
  };
  struct DefinitionSlot {
    std::optional<api::Module> module;
    std::string missing_reason;
  };

  // The engine, store and linker of the script, created on first use.
  Result<void> ensure_engine() {
    if (store_) return {};
    engine_.emplace(make_config(options_.engine, features_));
    store_.emplace(*engine_);
    linker_.emplace(*engine_);
    return define_spectest(*linker_, *store_);
  }

  // The binary of a command's module (a quoted module is encoded again: it
  // validated in load(), so this cannot fail differently).
  Result<std::vector<uint8_t>> module_binary(const ScriptModule& module) {
    if (module.form == ScriptModule::Form::Quote) {
      return encode_text(module.quote, features_);
    }
    return module.binary;
  }

  // Compiles the module of `command`; an Unsupported error is a skip reason
  // in `skip_reason`, anything else an error.
  Result<api::Module> compile(const ScriptCommand& command,
                              std::string* skip_reason) {
    if (Result<void> ready = ensure_engine(); !ready.ok()) {
      return Error(ErrorKind::Internal,
                   "spectest module: " + ready.error().message);
    }
    Result<std::vector<uint8_t>> binary = module_binary(*command.module);
    if (!binary.ok()) return std::move(binary).error();
    Result<api::Module> module = api::Module::from_bytes(*engine_, *binary);
    if (!module.ok() && module.error().kind == ErrorKind::Unsupported) {
      *skip_reason = "unsupported: " + module.error().message;
    }
    if (module.ok() && options_.aot_roundtrip) return roundtrip(*module);
    return module;
  }

  // --aot-roundtrip: `module` through an artifact, from memory and from a
  // file; the file's module is returned.
  Result<api::Module> roundtrip(const api::Module& module) {
    auto aot_error = [](const char* what, const Error& e) {
      return Error(e.kind,
                   fmt::format("aot roundtrip: {}: {}", what, e.message));
    };
    Result<std::vector<uint8_t>> bytes = module.serialize();
    if (!bytes.ok()) return aot_error("serialize", bytes.error());
    Result<api::Module> from_memory =
        api::Module::deserialize(*engine_, *bytes);
    if (!from_memory.ok()) return aot_error("from memory", from_memory.error());
    const char* tmp = std::getenv("TMPDIR");
    const std::string path =
        fmt::format("{}/heron-aot-{}-{}.cwasm", tmp && *tmp ? tmp : "/tmp",
                    long(getpid()), roundtrips_++);
    if (Result<void> w = write_file(path, *bytes); !w.ok()) {
      return aot_error("write", w.error());
    }
    // The mapping outlives the name.
    Result<api::Module> from_file =
        api::Module::deserialize_file(*engine_, path);
    std::remove(path.c_str());
    if (!from_file.ok()) return aot_error("from a file", from_file.error());
    return from_file;
  }

  // compile(), or else counts the directive (a skip for an unsupported
  // feature, a failure otherwise) and says in `reason` why later directives
  // needing the module cannot run.
  std::optional<api::Module> compile_counted(const ScriptCommand& command,
                                             std::string* reason) {
    Result<api::Module> module = compile(command, reason);
    if (module.ok()) return *module;
    if (!reason->empty()) {
      skip(*reason);
    } else {
      fail(command, "compilation failed: " + module.error().message);
      *reason = "its module failed to compile";
    }
    return std::nullopt;
  }

  // A `module` command after validation: compile, then instantiate unless a
  // definition. Sets the current instance (or why there is none).
  void define_module(const ScriptCommand& command) {
    const ScriptModule& script_module = *command.module;
    std::string reason;
    std::optional<api::Module> module = compile_counted(command, &reason);
    if (!module) {
      forget_module(command, reason);
      return;
    }
    if (script_module.definition) {
      if (script_module.id) definitions_[*script_module.id] = {*module, {}};
      ++tally_.passed;
      return;
    }
    reason = skipped_dependency(*module);
    if (!reason.empty()) {
      skip(reason);
      forget_module(command, reason);
      return;
    }
    Result<api::Instance> instance = linker_->instantiate(*store_, *module);
    if (!instance.ok()) {
      if (instance.error().kind == ErrorKind::Unsupported) {
        reason = "unsupported: " + instance.error().message;
        skip(reason);
      } else {
        fail(command, "instantiation failed: " + instance.error().message);
        reason = "its module failed to instantiate";
      }
      forget_module(command, reason);
      return;
    }
    set_current(script_module.id, *instance);
    ++tally_.passed;
  }

  void set_current(const std::optional<std::string>& id,
                   const api::Instance& instance) {
    current_ = InstanceSlot{instance, {}};
    if (id) instances_[*id] = current_;
  }

  // The module of `command` exists for validation only: later directives
  // that need it are skipped with `reason`.
  void forget_module(const ScriptCommand& command, const std::string& reason) {
    if (!command.module) return;
    if (command.module->definition) {
      if (command.module->id) definitions_[*command.module->id] = {{}, reason};
      return;
    }
    current_ = InstanceSlot{{}, reason};
    if (command.module->id) instances_[*command.module->id] = current_;
  }

  // The slot an action or register names (or the current one), if any.
  const InstanceSlot* slot_of(const std::optional<std::string>& id) const {
    if (!id) return &current_;
    auto it = instances_.find(*id);
    return it == instances_.end() ? nullptr : &it->second;
  }

  // Why `module` cannot be instantiated here when it imports from a name
  // whose registration was skipped; empty otherwise.
  std::string skipped_dependency(const api::Module& module) const {
    for (const api::ImportType& import : module.imports()) {
      auto it = skipped_registrations_.find(import.module);
      if (it != skipped_registrations_.end()) {
        return fmt::format(
            "imports from \"{}\", whose module was skipped "
            "({})",
            import.module, it->second);
      }
    }
    return {};
  }

  // The instance an action or register names (or the current one); on
  // failure returns nullopt after counting the directive.
  std::optional<api::Instance> find_instance(
      const ScriptCommand& command, const std::optional<std::string>& id) {
    const InstanceSlot* slot = &current_;
    if (id) {
      auto it = instances_.find(*id);
      if (it == instances_.end()) {
        fail(command, fmt::format("unknown module ${}", *id));
        return std::nullopt;
      }
      slot = &it->second;
    }
    if (!slot->instance) {
      if (slot->missing_reason.empty()) {
        fail(command, "no module instantiated before this directive");
      } else {
        skip(slot->missing_reason);
      }
      return std::nullopt;
    }
    return slot->instance;
  }

  // What running an action gave: values, a trap, or nothing (the directive
  // was already counted: skipped or failed).
  struct ActionOutcome {
    std::optional<std::vector<api::Val>> values;
    std::optional<api::Trap> trap;
  };

  std::optional<ActionOutcome> run_action(const ScriptCommand& command) {
    if (!command.action) {
      fail(command, "directive has no action");
      return std::nullopt;
    }
    const text::ScriptAction& action = *command.action;
    std::optional<api::Instance> instance =
        find_instance(command, action.module_id);
    if (!instance) return std::nullopt;
    if (action.kind == text::ScriptAction::Kind::Get) {
      std::optional<api::Global> global = instance->get_global(action.name);
      if (!global) {
        fail(command, fmt::format("no exported global \"{}\"", action.name));
        return std::nullopt;
      }
      return ActionOutcome{std::vector<api::Val>{global->get()}, {}};
    }
    api::Func func = instance->get_func(action.name);
    if (!func) {
      fail(command, fmt::format("no exported function \"{}\"", action.name));
      return std::nullopt;
    }
    std::vector<api::Val> args;
    for (const text::ScriptValue& arg : action.args) {
      Result<api::Val> val = script_arg(arg);
      if (!val.ok()) {
        skip("unsupported: " + val.error().message);
        return std::nullopt;
      }
      args.push_back(*val);
    }
    api::CallResult<std::vector<api::Val>> result = func.call(*store_, args);
    if (result.failed()) {
      fail(command, "call failed: " + result.error().message);
      return std::nullopt;
    }
    if (result.trapped()) return ActionOutcome{{}, result.trap()};
    return ActionOutcome{std::move(result.value()), {}};
  }

  void execute(const ScriptCommand& command) {
    switch (command.kind) {
      case Kind::ModuleInstance:
        instantiate_definition(command);
        return;
      case Kind::Register: {
        std::optional<api::Instance> instance =
            find_instance(command, command.module_ref);
        if (!instance) {
          // Modules importing from this name are skipped for the same
          // reason, not failed as "unknown import".
          const InstanceSlot* slot = slot_of(command.module_ref);
          if (slot && !slot->missing_reason.empty()) {
            skipped_registrations_[command.register_name] =
                slot->missing_reason;
          }
          return;
        }
        Result<void> defined =
            linker_->define_instance(command.register_name, *instance);
        if (!defined.ok()) {
          fail(command, "register failed: " + defined.error().message);
          return;
        }
        skipped_registrations_.erase(command.register_name);
        ++tally_.passed;
        return;
      }
      case Kind::Action: {
        std::optional<ActionOutcome> outcome = run_action(command);
        if (!outcome) return;
        if (outcome->trap) {
          fail(command, "trapped: " + outcome->trap->message);
          return;
        }
        ++tally_.passed;
        return;
      }
      case Kind::AssertReturn:
        expect_return(command);
        return;
      case Kind::AssertExhaustion:
        expect_trap(command);
        return;
      default:
        fail(command, "unexpected directive");
        return;
    }
  }

  void instantiate_definition(const ScriptCommand& command) {
    const DefinitionSlot* slot = nullptr;
    if (command.module_ref) {
      auto it = definitions_.find(*command.module_ref);
      if (it != definitions_.end()) slot = &it->second;
    }
    InstanceSlot result;
    if (!slot) {
      fail(command, "unknown module definition");
      result.missing_reason = "its module definition is unknown";
    } else if (!slot->module) {
      skip(slot->missing_reason);
      result.missing_reason = slot->missing_reason;
    } else if (std::string dependency = skipped_dependency(*slot->module);
               !dependency.empty()) {
      skip(dependency);
      result.missing_reason = dependency;
    } else {
      Result<api::Instance> instance =
          linker_->instantiate(*store_, *slot->module);
      if (instance.ok()) {
        result.instance = *instance;
        ++tally_.passed;
      } else {
        fail(command, "instantiation failed: " + instance.error().message);
        result.missing_reason = "its module failed to instantiate";
      }
    }
    current_ = result;
    if (command.instance_id) instances_[*command.instance_id] = result;
  }

  void expect_return(const ScriptCommand& command) {
    std::optional<ActionOutcome> outcome = run_action(command);
    if (!outcome) return;
    if (outcome->trap) {
      fail(command, "trapped: " + outcome->trap->message);
      return;
    }
    const std::vector<api::Val>& values = *outcome->values;
    if (values.size() != command.expected.size()) {
      fail(command, fmt::format("expected {} results, got {}",
                                command.expected.size(), values.size()));
      return;
    }
    for (size_t i = 0; i < values.size(); ++i) {
      bool matched = false;
      for (const text::ScriptValue& alternative : command.expected[i]) {
        Result<bool> m = script_result_matches(values[i], alternative);
        if (!m.ok()) {
          skip("unsupported: " + m.error().message);
          return;
        }
        matched = matched || *m;
      }
      if (!matched) {
        std::string expected;
        for (const text::ScriptValue& alternative : command.expected[i]) {
          if (!expected.empty()) expected += " or ";
          expected += describe_script_value(alternative);
        }
        fail(command,
             fmt::format("result {}: expected {}, got {} {}", i, expected,
                         to_string(values[i].type()), format_val(values[i])));
        return;
      }
    }
    ++tally_.passed;
  }

  // assert_trap and assert_exhaustion on an action.
  void expect_trap(const ScriptCommand& command) {
    std::optional<ActionOutcome> outcome = run_action(command);
    if (!outcome) return;
    if (!outcome->trap) {
      fail(command, fmt::format("expected trap \"{}\", got success",
                                one_line(command.message)));
      return;
    }
    // The reference interpreter names the table slot ("uninitialized
    // element 2"); Heron's trap code carries no operand. The message
    // matches when the expectation is ours followed by a decimal index.
    const std::string& ours = outcome->trap->message;
    const std::string& want = command.message;
    if (outcome->trap->code == TrapCode::UninitializedElement &&
        want.size() > ours.size() + 1 &&
        want.compare(0, ours.size(), ours) == 0 && want[ours.size()] == ' ' &&
        want.find_first_not_of("0123456789", ours.size() + 1) ==
            std::string::npos) {
      ++tally_.passed;
      return;
    }
    expect_prefix(command, ours);
  }

  // assert_unlinkable, assert_uninstantiable, assert_trap on a module.
  void expect_instantiation_failure(const ScriptCommand& command) {
    std::string reason;
    std::optional<api::Module> module = compile_counted(command, &reason);
    if (!module) return;
    if (std::string dependency = skipped_dependency(*module);
        !dependency.empty()) {
      skip(dependency);
      return;
    }
    Result<api::Instance> instance = linker_->instantiate(*store_, *module);
    if (instance.ok()) {
      fail(command, fmt::format("expected \"{}\", got success",
                                one_line(command.message)));
      return;
    }
    const Error& error = instance.error();
    if (error.kind == ErrorKind::Unsupported) {
      skip("unsupported: " + error.message);
      return;
    }
    ErrorKind wanted = command.kind == Kind::AssertUnlinkable
                           ? ErrorKind::Unlinkable
                           : ErrorKind::Uninstantiable;
    if (error.kind != wanted) {
      fail(command,
           fmt::format("expected {} \"{}\", got {} \"{}\"",
                       error_kind_name(wanted), one_line(command.message),
                       error_kind_name(error.kind), one_line(error.message)));
      return;
    }
    expect_prefix(command, error.message);
  }

  void expect_prefix(const ScriptCommand& command, const std::string& ours) {
    if (ours.compare(0, command.message.size(), command.message) == 0) {
      ++tally_.passed;
      return;
    }
    fail(command, fmt::format("expected \"{}\", got \"{}\"",
                              one_line(command.message), one_line(ours)));
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
    ++skip_reasons_[std::string(reason)];
    if (options_.require_execution) {
      // Reported per reason at the end of the script, not per directive.
      ++tally_.failed;
      return;
    }
    ++tally_.skipped;
  }

  const std::string& file_;
  const WastOptions& options_;
  std::string stem_;
  Features features_;
  Tally tally_;
  std::map<std::string, uint64_t> skip_reasons_;
  // Registered names whose instance was skipped, with the reason.
  std::map<std::string, std::string> skipped_registrations_;
  // Execution state; the engine is created on the first module to run.
  std::optional<api::Engine> engine_;
  std::optional<api::Store> store_;
  std::optional<api::Linker> linker_;
  InstanceSlot current_;
  std::map<std::string, InstanceSlot> instances_;
  std::map<std::string, DefinitionSlot> definitions_;
  bool dump_dir_ready_ = false;
  uint64_t roundtrips_ = 0;
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
