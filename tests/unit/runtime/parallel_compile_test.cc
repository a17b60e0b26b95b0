// Parallel compilation (Config::compile_threads) yields exactly what serial
// compilation yields: the same linked code bytes, function layout, address
// maps, trap tables and unwind info for a module of hundreds of functions of
// varied shapes; and a module that fails reports the same error (that of the
// lowest-indexed failing function) at any thread count.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "heron/heron.h"
#include "runtime/code_registry.h"
#include "runtime/compiled_module.h"
#include "support/parallel.h"

namespace heron {
namespace {

// A deterministic pseudo-random sequence (so the module is the same on every
// run), xorshift32.
struct Rng {
  uint32_t state = 0x9e3779b9;
  uint32_t next() {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
  }
  uint32_t below(uint32_t n) { return next() % n; }
};

std::string num(uint64_t v) { return std::to_string(v); }

// Function bodies of type (param i32) (result i32), one per shape, `n`
// scaling their size.
std::string arith_body(uint32_t n, Rng& rng) {
  std::string s = "(local $a i32) (local.set $a (local.get 0))";
  for (uint32_t k = 0; k < n; k++)
    s += " (local.set $a (i32.add (i32.mul (local.get $a) (i32.const " +
         num(rng.below(1000) + 3) + ")) (i32.xor (local.get 0) (i32.const " +
         num(rng.below(1 << 20)) + "))))";
  return s + " (local.get $a)";
}

std::string loop_memory_body(uint32_t n, Rng& rng) {
  std::string s =
      "(local $i i32) (local $s i32) (block $done (loop $l (br_if $done "
      "(i32.ge_u (local.get $i) (local.get 0)))";
  for (uint32_t k = 0; k < n; k++)
    s += " (local.set $s (i32.add (local.get $s) (i32.load offset=" +
         num(rng.below(4096)) +
         " (i32.and (local.get $i) (i32.const 4095)))))"
         " (i32.store8 offset=" +
         num(rng.below(4096)) + " (local.get $i) (local.get $s))";
  return s +
         " (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l)))"
         " (local.get $s)";
}

std::string division_body(uint32_t n, Rng& rng) {
  static const char* const kOps[] = {"i32.div_s", "i32.div_u", "i32.rem_s",
                                     "i32.rem_u"};
  std::string s = "(local $a i32) (local.set $a (local.get 0))";
  for (uint32_t k = 0; k < n; k++) {
    if (k % 3 == 2) {
      s += " (local.set $a (i32.wrap_i64 (i64.div_s (i64.const " +
           num(rng.below(1 << 30)) + ") (i64.extend_i32_s (local.get $a)))))";
    } else {
      s += std::string(" (local.set $a (") + kOps[rng.below(4)] +
           " (i32.const " + num(rng.below(1 << 30)) + ") (local.get $a)))";
    }
  }
  return s + " (local.get $a)";
}

std::string call_body(uint32_t n, Rng& rng,
                      const std::vector<std::string>& callees) {
  std::string s = "(local $a i32)";
  for (uint32_t k = 0; k < n; k++)
    s += " (local.set $a (i32.add (local.get $a) (call " +
         callees[rng.below(uint32_t(callees.size()))] + " (local.get 0))))";
  return s +
         " (local.set $a (i32.add (local.get $a) (call_indirect (type $i2i)"
         " (local.get 0) (i32.and (local.get $a) (i32.const 15)))))"
         " (local.get $a)";
}

std::string float_body(uint32_t n, Rng& rng) {
  static const char* const kOps[] = {"f64.floor", "f64.ceil", "f64.trunc",
                                     "f64.nearest", "f64.sqrt"};
  std::string s =
      "(local $x f64) (local.set $x (f64.convert_i32_s (local.get 0)))";
  for (uint32_t k = 0; k < n; k++)
    s += std::string(" (local.set $x (f64.add (") + kOps[rng.below(5)] +
         " (f64.abs (local.get $x))) (f64.mul (local.get $x) (f64.const " +
         num(rng.below(100)) + ".5))))";
  return s + " (i32.trunc_f64_s (local.get $x))";
}

std::string br_table_body(uint32_t n) {
  const uint32_t cases = n + 1;
  std::string s = "(block $out (result i32)";
  for (uint32_t k = 0; k < cases; k++) s += " (block $c" + num(k);
  s += " (br_table";
  for (uint32_t k = 0; k < cases; k++) s += " $c" + num(k);
  s += " (local.get 0))";
  for (uint32_t k = cases; k-- > 0;)
    s += ") (br $out (i32.const " + num(k * 7 + 1) + "))";
  return s + ")";
}

std::string memory_global_body(uint32_t n, Rng& rng) {
  std::string s =
      "(drop (memory.grow (i32.const 0)))"
      " (memory.fill (i32.and (local.get 0) (i32.const 1023)) (i32.const 0)"
      " (i32.const 16))"
      " (global.set $g (i32.add (global.get $g) (local.get 0)))";
  for (uint32_t k = 0; k < n; k++)
    s += " (i64.store offset=" + num(rng.below(2048)) + " (i32.const " +
         num(rng.below(2048)) +
         ") (i64.extend_i32_u (i32.load16_s offset=" + num(rng.below(2048)) +
         " (local.get 0))))";
  return s + " (global.get $g)";
}

// Ten i64 parameters (some on the stack) and many live values.
std::string wide_body(uint32_t n, Rng& rng, const std::string& wide_callee) {
  std::string s;
  for (uint32_t k = 0; k < n; k++)
    s += " (local.set " + num(k % 10) + " (i64.add (i64.mul (local.get " +
         num(rng.below(10)) + ") (local.get " + num(rng.below(10)) +
         ")) (i64.rotl (local.get " + num(rng.below(10)) + ") (i64.const " +
         num(rng.below(64)) + "))))";
  if (!wide_callee.empty()) {
    s += " (local.set 0 (call " + wide_callee;
    for (uint32_t k = 0; k < 10; k++) s += " (local.get " + num(9 - k) + ")";
    s += "))";
  }
  return s + " (local.get 0)";
}

// A module of `count` functions of varied shapes and sizes (a few large
// ones), with an import, a memory, a table and a global.
std::string many_functions_module(uint32_t count) {
  Rng rng;
  std::string funcs;
  std::vector<std::string> i2i = {"$ext"};
  std::string wide_callee;
  for (uint32_t i = 0; i < count; i++) {
    const std::string name = "$f" + num(i);
    const uint32_t n = i % 37 == 5 ? 150 + rng.below(150) : 1 + rng.below(24);
    const uint32_t shape = rng.below(8);
    if (shape == 7) {
      funcs += "(func " + name + " (param i64 i64 i64 i64 i64 i64 i64 i64" +
               " i64 i64) (result i64)" + wide_body(n, rng, wide_callee) +
               ")\n";
      wide_callee = name;
      continue;
    }
    std::string body;
    switch (shape) {
      case 0:
        body = arith_body(n, rng);
        break;
      case 1:
        body = loop_memory_body(n, rng);
        break;
      case 2:
        body = division_body(n, rng);
        break;
      case 3:
        body = call_body(n, rng, i2i);
        break;
      case 4:
        body = float_body(n, rng);
        break;
      case 5:
        body = br_table_body(n);
        break;
      default:
        body = memory_global_body(n, rng);
        break;
    }
    funcs += "(func " + name + " (type $i2i) " + body + ")\n";
    i2i.push_back(name);
  }
  std::string elems;
  for (size_t k = 1; k <= 16; k++) elems += " " + i2i[k];
  return "(module\n"
         "(type $i2i (func (param i32) (result i32)))\n"
         "(import \"env\" \"ext\" (func $ext (type $i2i)))\n"
         "(memory 1)\n"
         "(table 16 funcref)\n"
         "(global $g (mut i32) (i32.const 0))\n"
         "(elem (i32.const 0)" +
         elems + ")\n" + funcs + ")\n";
}

api::Config threads_config(uint32_t threads) {
  api::Config c;
  c.compile_threads = threads;
  return c;
}

// The module's .eh_frame: position-independent (pc-relative FDE
// addresses, eh_frame_linker.h), so two loads of the same code compare
// byte for byte.
std::vector<uint8_t> relative_eh_frame(const LoadedCode& code) {
  std::span<const uint8_t> eh = code.eh_frame();
  return std::vector<uint8_t>(eh.begin(), eh.end());
}

// Every byte of `a`'s code has the same trap-table entry as in `b`'s.
void expect_same_trap_sites(const LoadedCode& a, const LoadedCode& b) {
  const uintptr_t base_a = uintptr_t(a.code_region().data());
  const uintptr_t base_b = uintptr_t(b.code_region().data());
  size_t sites = 0;
  for (size_t off = 0; off < a.code_region().size(); off++) {
    CodeLookup la = CodeRegistry::lookup(base_a + off);
    CodeLookup lb = CodeRegistry::lookup(base_b + off);
    ASSERT_TRUE(la.in_wasm && lb.in_wasm) << off;
    ASSERT_EQ(la.is_trap_site, lb.is_trap_site) << "offset " << off;
    if (la.is_trap_site) {
      ASSERT_EQ(la.code, lb.code) << "offset " << off;
      sites++;
    }
  }
  EXPECT_GT(sites, 100u);  // divisions, loads, stores, conversions...
}

void expect_same_code(const CompiledModule& a, const CompiledModule& b) {
  const LoadedCode& ca = *a.code;
  const LoadedCode& cb = *b.code;
  ASSERT_EQ(ca.code_region().size(), cb.code_region().size());
  EXPECT_TRUE(std::equal(ca.code_region().begin(), ca.code_region().end(),
                         cb.code_region().begin()))
      << "linked code bytes differ";
  ASSERT_EQ(ca.num_functions(), cb.num_functions());
  for (size_t k = 0; k < ca.num_functions(); k++) {
    const LoadedCode::Function& fa = ca.function(k);
    const LoadedCode::Function& fb = cb.function(k);
    ASSERT_EQ(fa.func_index, fb.func_index) << k;
    ASSERT_EQ(fa.offset, fb.offset) << k;
    ASSERT_EQ(fa.size, fb.size) << k;
    ASSERT_EQ(fa.start_srcloc, fb.start_srcloc) << k;
    ASSERT_EQ(fa.map_begin, fb.map_begin) << k;
    ASSERT_EQ(fa.map_count, fb.map_count) << k;
  }
  const std::span<const uint8_t> ma = ca.image().address_map;
  const std::span<const uint8_t> mb = cb.image().address_map;
  EXPECT_TRUE(std::equal(ma.begin(), ma.end(), mb.begin(), mb.end()))
      << "address maps differ";
  EXPECT_EQ(relative_eh_frame(ca), relative_eh_frame(cb))
      << "unwind info differs";
  expect_same_trap_sites(ca, cb);
}

TEST(ParallelCompile, SameCodeAtAnyThreadCount) {
  const std::string wat = many_functions_module(400);
  api::Engine serial_engine(threads_config(1));
  auto serial = api::Module::from_text(serial_engine, wat);
  ASSERT_TRUE(serial.ok()) << serial.error().message;
  const CompiledModule& reference = serial->impl();
  ASSERT_EQ(reference.code->num_functions(), 400u);

  // The module is big enough to be split among threads.
  std::vector<uint32_t> weights;
  for (const FuncBody& body : reference.module.bodies)
    weights.push_back(body.range.size);
  EXPECT_GE(plan_chunks(weights, 2).size(), 8u);
  EXPECT_GE(plan_chunks(weights, 4).size(), 8u);

  api::Config off;
  off.parallel_compilation = false;
  api::Engine off_engine(off);
  auto unthreaded = api::Module::from_text(off_engine, wat);
  ASSERT_TRUE(unthreaded.ok()) << unthreaded.error().message;
  expect_same_code(reference, unthreaded->impl());

  for (uint32_t threads : {2u, 4u}) {
    api::Engine engine(threads_config(threads));
    for (int round = 0; round < 3; round++) {
      SCOPED_TRACE(num(threads) + " threads, round " + num(round));
      auto m = api::Module::from_text(engine, wat);
      ASSERT_TRUE(m.ok()) << m.error().message;
      expect_same_code(reference, m->impl());
    }
  }
}

// `count` arithmetic functions of type $i2i; `bodies` replaces some by index.
std::string module_with(
    uint32_t count,
    const std::vector<std::pair<uint32_t, std::string>>& bodies) {
  Rng rng;
  std::string wat =
      "(module (type $i2i (func (param i32) (result i32)))\n"
      "(import \"env\" \"ext\" (func $ext (type $i2i)))\n";
  for (uint32_t i = 0; i < count; i++) {
    std::string body = arith_body(1 + rng.below(30), rng);
    for (const auto& [index, replacement] : bodies)
      if (index == i) body = replacement;
    wat += "(func (type $i2i) " + body + ")\n";
  }
  return wat + ")\n";
}

// The first two function bodies of `wat` that fail are defined functions 3
// and 150; 150 sits in the heaviest chunk, which the threads take first, so
// it fails before 3 is even reached. The error must be function 3's, and
// exactly what a serial compile reports.
void expect_lowest_error(const std::string& wat, ErrorKind kind) {
  api::Engine serial_engine(threads_config(1));
  auto serial = api::Module::from_text(serial_engine, wat);
  ASSERT_FALSE(serial.ok());
  const Error& expected = serial.error();
  EXPECT_EQ(expected.kind, kind) << expected.message;
  EXPECT_EQ(expected.func, 1u + 3u);  // after the import
  EXPECT_TRUE(expected.has_offset());
  for (uint32_t threads : {2u, 4u}) {
    api::Engine engine(threads_config(threads));
    for (int round = 0; round < 5; round++) {
      SCOPED_TRACE(num(threads) + " threads, round " + num(round));
      auto m = api::Module::from_text(engine, wat);
      ASSERT_FALSE(m.ok());
      EXPECT_EQ(m.error().kind, expected.kind);
      EXPECT_EQ(m.error().message, expected.message);
      EXPECT_EQ(m.error().offset, expected.offset);
      EXPECT_EQ(m.error().func, expected.func);
    }
  }
}

std::string heavy_then(const std::string& tail) {
  Rng rng;
  std::string body = arith_body(900, rng);
  // Drop the final (local.get $a): the tail gives the result.
  body.resize(body.size() - std::string(" (local.get $a)").size());
  return body + " " + tail;
}

TEST(ParallelCompile, ValidationErrorOfLowestFunction) {
  // Both bodies return an i64 where an i32 is expected.
  const std::string wat = module_with(
      300, {{3, "(i64.const 3)"}, {150, heavy_then("(i64.const 150)")}});
  expect_lowest_error(wat, ErrorKind::Invalid);
}

TEST(ParallelCompile, CompileErrorOfLowestFunction) {
  // Valid, but SIMD is not compiled yet: the translator rejects both.
  const std::string simd = "(i32x4.extract_lane 1 (i32x4.splat (local.get 0)))";
  const std::string wat =
      module_with(300, {{3, simd}, {150, heavy_then(simd)}});
  expect_lowest_error(wat, ErrorKind::Unsupported);
}

}  // namespace
}  // namespace heron
