// `heron compile FILE -o OUT`: compiles a module (.wasm or .wat) ahead of
// time into a compiled-module artifact (.cwasm) that `heron run` loads
// without compiling. The engine flags are `run`'s (same parsing, same
// Config), and those that change generated code (-O, --explicit-bounds-
// checks) must be given to `run` again: an artifact is refused by an engine
// whose settings differ. Exit codes: 0 written; 1 the module does not parse,
// validate or compile, or OUT cannot be written; 2 bad flags.
#include <fmt/format.h>

#include "cli/artifact_files.h"
#include "cli/commands.h"
#include "cli/engine_config.h"
#include "cli/file_util.h"
#include "cli/module_input.h"
#include "heron/heron.h"

namespace heron::cli {

int run_compile(const CompileOptions& options) {
  if (is_artifact_file(options.file)) {
    fmt::print(stderr, "{}: error: already a compiled module\n", options.file);
    return kExitFailure;
  }
  std::optional<ModuleInput> input = read_module_input(options.file);
  if (!input) return kExitFailure;
  api::Engine engine(make_config(options.engine));
  Result<api::Module> module = api::Module::from_bytes(engine, input->binary);
  if (!module.ok()) {
    print_module_error(options.file, *input, module.error());
    return kExitFailure;
  }
  Result<std::vector<uint8_t>> bytes = module->serialize();
  if (!bytes.ok()) {
    fmt::print(stderr, "{}: error: {}\n", options.file,
               one_line(bytes.error().message));
    return kExitFailure;
  }
  if (Result<void> r = replace_file(options.output, *bytes); !r.ok()) {
    fmt::print(stderr, "{}: error: {}\n", options.output,
               one_line(r.error().message));
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace heron::cli
