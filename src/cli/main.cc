// Entry point of the `heron` command: declares the command line with CLI11
// and dispatches to one function per subcommand (commands.h). Nothing else
// lives here, so that a reader finds each command's behaviour in its file.
#include <cstdio>
#include <exception>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"

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
    R"(Runs WebAssembly spec-test scripts up to, not including, execution:
  module, module definition       must parse, decode and validate
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
                                  skipped, but their module must validate
  invoke, get, assert_return, assert_trap, assert_exhaustion,
  assert_exception, register, module instance
                                  skipped: no execution engine yet
Prints "FILE: P passed, F failed, S skipped" per script, then the totals
"N passed, M failed, K skipped". Exits 1 if anything failed. A script that
does not parse counts as one failure, reported as FILE:LINE: error: MESSAGE.
With --verbose, each failure is printed as
  FILE:LINE: KIND: expected "MESSAGE", got "OURS"   or
  FILE:LINE: KIND: module failed: MESSAGE)";

// The help of one command (or of the whole app). CLI11's App::help() would
// describe the subcommand that was parsed — `help` itself — instead.
std::string help_text(CLI::App* command, const std::string& usage_name) {
  return command->get_formatter()->make_help(command, usage_name,
                                             CLI::AppFormatMode::Normal);
}

int run(int argc, char** argv) {
  using namespace heron::cli;

  CLI::App app{
      "Heron, a WebAssembly runtime. Today it decodes, parses and validates "
      "modules and runs the spec-test scripts up to execution.",
      "heron"};
  app.set_version_flag("--version", std::string("heron ") + HERON_VERSION);
  app.require_subcommand(0, 1);

  ValidateOptions validate_options;
  CLI::App* validate =
      app.add_subcommand("validate", "Check that modules are valid");
  validate->add_option("FILE", validate_options.files, "Module (.wasm or .wat)")
      ->required();
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
  wast->add_option("--dump-modules", wast_options.dump_dir,
                   "Write each module that validates to DIR")
      ->group("");
  wast->footer(kWastFooter);

  InspectOptions inspect_options;
  CLI::App* inspect = app.add_subcommand(
      "inspect", "Summarize a module: sections, counts, validity");
  inspect->add_option("FILE", inspect_options.file, "Module (.wasm or .wat)")
      ->required();

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
    return app.exit(e);
  }

  if (*validate) return run_validate(validate_options);
  if (*wast) return run_wast(wast_options);
  if (*inspect) return run_inspect(inspect_options);
  if (*help) {
    if (help_topic.empty()) {
      fmt::print("{}", help_text(&app, "heron"));
      return kExitOk;
    }
    for (CLI::App* command : {validate, wast, inspect, help}) {
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
  // The library reports failures as values; an exception reaching here is a
  // bug in Heron (or memory exhaustion), never a verdict on the input.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "heron: internal error: %s\n", e.what());
    return heron::cli::kExitInternal;
  }
}
