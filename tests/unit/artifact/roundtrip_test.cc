// Compile -> serialize -> deserialize -> instantiate -> call: the reloaded
// module behaves like the original (results, host imports, memory growth
// through a library call, tables, globals, data), its traps map to the same
// wasm offsets and names, and serializing is deterministic. From memory and
// from a file, in the same engine and in a fresh one.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "../runtime/api_test_support.h"
#include "artifact/artifact.h"
#include "runtime/compiled_module.h"
#include "runtime/loaded_code.h"

namespace heron {
namespace {

using testing::compile_wat;

constexpr const char* kWat = R"((module $m
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (memory 1 4)
  (data (i32.const 16) "\2a\00\00\00")
  (global $g (mut i32) (i32.const 100))
  (table 2 funcref)
  (elem (i32.const 0) $sq $inc)
  (type $un (func (param i32) (result i32)))
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "calc") (param i32) (result i32)
    (global.set $g (i32.add (global.get $g) (local.get 0)))
    (i32.add
      (i32.add (call_indirect (type $un) (local.get 0) (i32.const 0))
               (call_indirect (type $un) (local.get 0) (i32.const 1)))
      (i32.add (call $twice (i32.load (i32.const 16))) (global.get $g))))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "fill") (param i32 i32) (result i32)
    (memory.fill (i32.const 100) (local.get 0) (local.get 1))
    (i32.load8_u (i32.add (i32.const 99) (local.get 1))))
  (func (export "floor") (param f64) (result f64) (f64.floor (local.get 0)))
  (func $outer (export "outer") (param i32) (result i32)
    (call $middle (local.get 0)))
  (func $middle (param i32) (result i32)
    (i32.add (i32.const 1) (call $inner (local.get 0))))
  (func $inner (param i32) (result i32)
    (i32.div_s (i32.const 7) (local.get 0)))
  (func (export "oob") (param i32) (result i32)
    (i32.load (local.get 0))))
)";

FuncType func_type(std::vector<ValType> params, std::vector<ValType> results) {
  FuncType t;
  t.params = std::move(params);
  t.results = std::move(results);
  return t;
}

// Runs every export of an instance of `module` and records what happened.
std::vector<std::string> exercise(const api::Engine& engine,
                                  const api::Module& module) {
  api::Store store(engine);
  api::Linker linker(engine);
  std::vector<std::string> out;
  EXPECT_TRUE(linker
                  .func("env", "twice",
                        func_type({ValType::i32()}, {ValType::i32()}),
                        [](api::Caller&, std::span<const api::Val> a,
                           std::span<api::Val> r) -> std::optional<api::Trap> {
                          r[0] = api::Val::i32(2 * a[0].as_i32());
                          return std::nullopt;
                        })
                  .ok());
  auto inst = linker.instantiate(store, module);
  if (!inst.ok()) {
    ADD_FAILURE() << inst.error().message;
    return out;
  }
  auto i32 = [&](const char* name, auto... args) {
    auto r = inst->get_func(name).call_as<int32_t>(store, args...);
    if (r.trapped()) {
      std::string s = std::string(name) + ": trap " + r.trap().message;
      for (const api::FrameInfo& f : r.trap().backtrace)
        s += " [" + std::to_string(f.func_index) + " " + f.func_name + " @" +
             std::to_string(f.module_offset) + "]";
      out.push_back(s);
    } else if (r.ok()) {
      out.push_back(std::string(name) + ": " + std::to_string(r.value()));
    } else {
      out.push_back(std::string(name) + ": error " + r.error().message);
    }
  };
  i32("calc", 5);
  i32("calc", 6);
  i32("grow", 1);
  i32("grow", 1);
  i32("grow", 10);
  i32("fill", 7, 30);
  i32("outer", 7);
  i32("outer", 0);
  i32("oob", 65536 * 3 - 2);
  i32("oob", 65536 * 3 - 4);
  auto fl = inst->get_func("floor").call_as<double>(store, -2.5);
  out.push_back("floor: " + (fl.ok() ? std::to_string(fl.value()) : "?"));
  return out;
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()),
          std::streamsize(bytes.size()));
  ASSERT_TRUE(f.good());
}

class Roundtrip : public ::testing::TestWithParam<api::OptLevel> {
 protected:
  api::Config config() const {
    api::Config c;
    c.opt_level = GetParam();
    return c;
  }
};

INSTANTIATE_TEST_SUITE_P(Levels, Roundtrip,
                         ::testing::Values(api::OptLevel::O0,
                                           api::OptLevel::O2));

TEST_P(Roundtrip, BehavesLikeTheOriginal) {
  api::Engine engine(config());
  api::Module original = compile_wat(engine, kWat);
  const std::vector<std::string> expected = exercise(engine, original);
  // Sanity of the reference run itself.
  ASSERT_EQ(expected.size(), 11u);
  EXPECT_EQ(expected[0], "calc: " + std::to_string(25 + 6 + 84 + 105));
  EXPECT_EQ(expected[7].rfind("outer: trap integer divide by zero", 0), 0u)
      << expected[7];

  auto bytes = original.serialize();
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;

  // From memory, into the same engine and into a fresh one.
  auto same = api::Module::deserialize(engine, *bytes);
  ASSERT_TRUE(same.ok()) << same.error().message;
  EXPECT_EQ(exercise(engine, *same), expected);
  api::Engine fresh(config());
  auto other = api::Module::deserialize(fresh, *bytes);
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_EQ(exercise(fresh, *other), expected);

  // From a file.
  const std::string path = testing::unique_temp_path("roundtrip.cwasm");
  write_file(path, *bytes);
  auto mapped = api::Module::deserialize_file(fresh, path);
  ASSERT_TRUE(mapped.ok()) << mapped.error().message;
  EXPECT_EQ(exercise(fresh, *mapped), expected);

  // The interface is the original's.
  EXPECT_EQ(mapped->name(), "m");
  ASSERT_EQ(mapped->imports().size(), original.imports().size());
  EXPECT_EQ(mapped->imports()[0].name, "twice");
  ASSERT_EQ(mapped->exports().size(), original.exports().size());
  for (size_t k = 0; k < original.exports().size(); k++)
    EXPECT_EQ(mapped->exports()[k].name, original.exports()[k].name);

  // Deterministic: again, and from the loaded modules, the same bytes.
  auto again = original.serialize();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(*again == *bytes);
  auto from_mapped = mapped->serialize();
  ASSERT_TRUE(from_mapped.ok()) << from_mapped.error().message;
  EXPECT_TRUE(*from_mapped == *bytes);
  auto from_memory = other->serialize();
  ASSERT_TRUE(from_memory.ok());
  EXPECT_TRUE(*from_memory == *bytes);
  std::remove(path.c_str());
}

TEST_P(Roundtrip, TrapsMapToTheSameWasmOffsets) {
  api::Engine engine(config());
  api::Module original = compile_wat(engine, kWat);
  auto bytes = original.serialize();
  ASSERT_TRUE(bytes.ok());
  auto loaded = api::Module::deserialize(engine, *bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;

  const LoadedCode& a = *original.impl().code;
  const LoadedCode& b = *loaded->impl().code;
  ASSERT_EQ(a.num_functions(), b.num_functions());
  ASSERT_EQ(a.code_region().size(), b.code_region().size());
  for (size_t k = 0; k < a.num_functions(); k++) {
    EXPECT_EQ(a.function(k).func_index, b.function(k).func_index);
    EXPECT_EQ(a.function(k).size, b.function(k).size);
    // Every instruction start maps to the same wasm offset.
    const uintptr_t fa = uintptr_t(a.code(k)), fb = uintptr_t(b.code(k));
    for (uint32_t off = 0; off < a.function(k).size; off++) {
      EXPECT_EQ(a.srcloc_at(fa + off), b.srcloc_at(fb + off));
      ASSERT_EQ(LoadedCode::containing(fb + off), &b);
      EXPECT_EQ(b.function_at(fb + off), &b.function(k));
    }
  }
  // The backtrace of a trap, wasm offsets included, is the original's.
  api::Store store(engine);
  api::Linker linker(engine);
  ASSERT_TRUE(linker
                  .func("env", "twice",
                        func_type({ValType::i32()}, {ValType::i32()}),
                        [](api::Caller&, std::span<const api::Val>,
                           std::span<api::Val> r) -> std::optional<api::Trap> {
                          r[0] = api::Val::i32(0);
                          return std::nullopt;
                        })
                  .ok());
  auto inst = linker.instantiate(store, *loaded);
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  auto r = inst->get_func("outer").call_as<int32_t>(store, 0);
  ASSERT_TRUE(r.trapped());
  const api::Trap& t = r.trap();
  EXPECT_EQ(t.code, TrapCode::IntegerDivideByZero);
  ASSERT_EQ(t.backtrace.size(), 3u) << t.to_string();
  EXPECT_EQ(t.backtrace[0].func_name, "inner");
  EXPECT_EQ(t.backtrace[1].func_name, "middle");
  EXPECT_EQ(t.backtrace[2].func_name, "outer");
  EXPECT_EQ(t.backtrace[0].module_name, "m");
  // The division is the opcode 0x6d at the innermost offset, of the
  // original module (the loaded one keeps no function bodies).
  const Module& m = original.impl().module;
  ASSERT_NE(t.backtrace[0].module_offset, api::FrameInfo::kNoOffset);
  EXPECT_EQ(m.bytes[t.backtrace[0].module_offset], 0x6d);
}

TEST(Artifact, ModuleWithoutFunctions) {
  api::Engine engine;
  api::Module original = compile_wat(engine, R"((module
    (memory (export "mem") 1) (global (export "g") i32 (i32.const 3))))");
  auto bytes = original.serialize();
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  auto loaded = api::Module::deserialize(engine, *bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->impl().code, nullptr);
  ASSERT_EQ(loaded->exports().size(), 2u);
  api::Store store(engine);
  auto inst = api::Instance::create(store, *loaded, {});
  ASSERT_TRUE(inst.ok()) << inst.error().message;
  EXPECT_TRUE(inst->get_memory("mem").has_value());
  const std::string path = testing::unique_temp_path("empty.cwasm");
  write_file(path, *bytes);
  auto mapped = api::Module::deserialize_file(engine, path);
  ASSERT_TRUE(mapped.ok()) << mapped.error().message;
  std::remove(path.c_str());
}

// The engine's perf map and gdb registration apply to loaded code too
// (they are load-time choices, not compile settings).
TEST(Artifact, LoadedCodeIsAnnouncedAsTheEngineAsks) {
  api::Engine compiler;
  auto bytes = compile_wat(compiler, R"((module
    (func (export "f") (result i32) (i32.const 9))))")
                   .serialize();
  ASSERT_TRUE(bytes.ok());
  api::Config c;
  c.debugger_support = true;
  api::Engine engine(c);
  auto gdb_entries = [] {
    size_t n = 0;
    for (const jit_code_entry* e = __jit_debug_descriptor.first_entry; e;
         e = e->next_entry)
      n++;
    return n;
  };
  const size_t before = gdb_entries();
  auto loaded = api::Module::deserialize(engine, *bytes);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(gdb_entries(), before + 1);
  api::Store store(engine);
  auto inst = api::Instance::create(store, *loaded, {});
  ASSERT_TRUE(inst.ok());
  auto r = inst->get_func("f").call_as<int32_t>(store);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), 9);
}

TEST(Artifact, InternalEntryPointsTakeTheBuffer) {
  api::Engine engine;
  api::Module original = compile_wat(engine, kWat);
  auto bytes = serialize_compiled_module(original.impl());
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(is_artifact(*bytes));
  EXPECT_FALSE(is_artifact(original.impl().module.bytes));
  auto cm = deserialize_compiled_module(engine.shared_impl(),
                                        std::vector<uint8_t>(*bytes));
  ASSERT_TRUE(cm.ok()) << cm.error().message;
  EXPECT_EQ(exercise(engine, api::Module(*cm)), exercise(engine, original));
}

}  // namespace
}  // namespace heron
