// Embedding Heron through its public API: compile a module that imports a
// host function, instantiate it, call an export, then show a trap with its
// wasm backtrace.
//
//   build/<dir>/heron_embed_example
#include <cstdio>

#include "heron/heron.h"

namespace api = heron::api;

namespace {

constexpr const char* kModule = R"((module $demo
  (import "host" "log" (func $log (param i32)))
  (memory (export "memory") 1)

  ;; Sum of squares 1..n, logging each square through the host.
  (func $sum_squares (export "sum_squares") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (local.get $i) (local.get $n)))
        (call $log (i32.mul (local.get $i) (local.get $i)))
        (local.set $acc (i64.add (local.get $acc)
          (i64.extend_i32_u (i32.mul (local.get $i) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))

  ;; Reads past the end of memory two calls deep.
  (func $read (param $addr i32) (result i32) (i32.load (local.get $addr)))
  (func $peek (export "peek") (param $addr i32) (result i32)
    (call $read (local.get $addr))))
)";

int run() {
  api::Engine engine;  // default Config: -O2, guard pages, 512 KiB stack
  api::Store store(engine);

  auto module = api::Module::from_text(engine, kModule);
  if (!module.ok()) {
    std::fprintf(stderr, "compile error: %s\n", module.error().message.c_str());
    return 1;
  }

  api::Linker linker(engine);
  heron::FuncType log_type;
  log_type.params = {heron::ValType::i32()};
  auto defined =
      linker.func("host", "log", log_type,
                  [](api::Caller&, std::span<const api::Val> args,
                     std::span<api::Val>) -> std::optional<api::Trap> {
                    std::printf("  host log: %d\n", args[0].as_i32());
                    return std::nullopt;
                  });
  if (!defined.ok()) return 1;

  auto instance = linker.instantiate(store, *module);
  if (!instance.ok()) {
    std::fprintf(stderr, "instantiation error: %s\n",
                 instance.error().message.c_str());
    return 1;
  }

  std::printf("sum_squares(4):\n");
  auto sum = instance->get_func("sum_squares").call_as<int64_t>(store, 4);
  if (!sum.ok()) return 1;
  std::printf("  = %lld\n", static_cast<long long>(sum.value()));

  std::printf("peek(65535):\n");
  auto peek = instance->get_func("peek").call_as<int32_t>(store, 65535);
  if (!peek.trapped()) return 1;
  std::printf("  trap: %s\n", peek.trap().to_string().c_str());
  return 0;
}

}  // namespace

int main() { return run(); }
