// libFuzzer target: arbitrary bytes through the whole engine. A module that
// validates is compiled (translate, optimize, lower, allocate registers,
// emit, link) at -O2, instantiated with a stand-in for every import (host
// functions returning zeros, fresh memories, tables and globals), and every
// exported function is called with zero arguments. Any verdict, trap or
// Unsupported error is fine; crashes, sanitizer reports, hangs and internal
// errors are bugs.
//
// Hangs: epoch interruption is on and a thread advances the epoch every
// millisecond, so every call is interrupted after a few milliseconds.
// Memory: modules whose memories or tables may grow past a small bound are
// compiled but not run, so that a legal memory.fill of 4 GiB cannot exhaust
// the fuzzer's RSS limit.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

#include "heron/heron.h"

namespace {

using namespace heron;

constexpr uint64_t kMaxPages = 256;  // 16 MiB of 64 KiB pages
constexpr uint64_t kMaxTableElements = 1 << 16;

const api::Engine& fuzz_engine() {
  static const api::Engine* engine = [] {
    api::Config config;
    config.epoch_interruption = true;
    auto* e = new api::Engine(config);
    std::thread([e] {
      for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        e->increment_epoch();
      }
    }).detach();
    return e;
  }();
  return *engine;
}

bool small_limits(const Limits& limits, uint64_t bound) {
  return limits.min <= bound && limits.max && *limits.max <= bound;
}

// Whether running the module stays within the fuzzer's memory budget.
bool runnable(const api::Module& module) {
  auto check = [](const api::ExternType& t) {
    if (t.kind == ExternKind::Memory)
      return small_limits(t.memory.limits, kMaxPages);
    if (t.kind == ExternKind::Table)
      return small_limits(t.table.limits, kMaxTableElements);
    return true;
  };
  for (const api::ImportType& i : module.imports())
    if (!check(i.type)) return false;
  for (const api::ExportType& e : module.exports())
    if (!check(e.type)) return false;
  return true;
}

// A stand-in for an import, or nullopt when none can be made.
std::optional<api::Extern> stand_in(api::Store& store,
                                    const api::ExternType& type) {
  switch (type.kind) {
    case ExternKind::Func: {
      const FuncType ft = type.func;
      auto f = api::Func::create(
          store, ft,
          [ft](api::Caller&, std::span<const api::Val>,
               std::span<api::Val> results) -> std::optional<api::Trap> {
            for (size_t k = 0; k < results.size(); k++)
              results[k] = api::Val::zero_of(ft.results[k]);
            return std::nullopt;
          });
      if (!f.ok()) return std::nullopt;
      return *f;
    }
    case ExternKind::Memory: {
      auto m = api::Memory::create(store, type.memory);
      if (!m.ok()) return std::nullopt;
      return *m;
    }
    case ExternKind::Table: {
      if (!type.table.elem.nullable) return std::nullopt;
      auto t = api::Table::create(store, type.table,
                                  api::Val::zero_of(type.table.elem));
      if (!t.ok()) return std::nullopt;
      return *t;
    }
    case ExternKind::Global: {
      const ValType& vt = type.global.type;
      if (vt.kind == ValKind::Ref && !vt.nullable) return std::nullopt;
      auto g = api::Global::create(store, type.global, api::Val::zero_of(vt));
      if (!g.ok()) return std::nullopt;
      return *g;
    }
    case ExternKind::Tag:
      break;
  }
  return std::nullopt;
}

void check_error(const Error& error) {
  if (error.kind == ErrorKind::Internal)
    fatal_invariant(("internal error: " + error.message).c_str());
  if (error.message.empty()) fatal_invariant("error without a message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const api::Engine& engine = fuzz_engine();
  Result<api::Module> module =
      api::Module::from_bytes(engine, std::span<const uint8_t>(data, size));
  if (!module.ok()) {
    check_error(module.error());
    return 0;
  }
  if (!runnable(*module)) return 0;

  api::Store store(engine);
  api::Linker linker(engine);
  for (const api::ImportType& import : module->imports()) {
    std::optional<api::Extern> item = stand_in(store, import.type);
    if (!item) return 0;
    // A duplicate name keeps its first definition; the type check at
    // instantiation then decides.
    (void)linker.define(import.module, import.name, *item);
  }
  store.set_epoch_deadline(5);
  Result<api::Instance> instance = linker.instantiate(store, *module);
  if (!instance.ok()) {
    check_error(instance.error());
    return 0;
  }
  for (const auto& [name, item] : instance->exports()) {
    const api::Func* func = std::get_if<api::Func>(&item);
    if (!func || func->is_null()) continue;
    std::vector<api::Val> args;
    for (const ValType& p : func->type().params)
      args.push_back(api::Val::zero_of(p));
    store.set_epoch_deadline(5);
    api::CallResult<std::vector<api::Val>> r = func->call(store, args);
    if (r.failed()) check_error(r.error());
  }
  return 0;
}
