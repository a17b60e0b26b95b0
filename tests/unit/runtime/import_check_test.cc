// Import resolution: unknown names and the type checks of each kind, with
// the spec testsuite's wording.
#include <gtest/gtest.h>

#include "api_test_support.h"

namespace heron {
namespace {

using testing::compile_wat;

class ImportCheck : public ::testing::Test {
 protected:
  // Instantiates `wat` against a linker that defines env.{mem, tab, g, gm, f}.
  Result<api::Instance> link(std::string_view wat) {
    api::Module module = compile_wat(engine, wat);
    return linker.instantiate(store, module);
  }
  void SetUp() override {
    MemoryType mt;
    mt.limits.min = 1;
    mt.limits.max = 2;
    ASSERT_TRUE(
        linker.define("env", "mem", *api::Memory::create(store, mt)).ok());
    TableType tt;
    tt.limits.min = 10;
    ASSERT_TRUE(
        linker
            .define("env", "tab",
                    *api::Table::create(store, tt, api::Val::null_funcref()))
            .ok());
    ASSERT_TRUE(linker
                    .define("env", "g",
                            *api::Global::create(store, {ValType::i32(), false},
                                                 api::Val::i32(1)))
                    .ok());
    ASSERT_TRUE(linker
                    .define("env", "gm",
                            *api::Global::create(store, {ValType::i64(), true},
                                                 api::Val::i64(1)))
                    .ok());
    FuncType ft;
    ft.params = {ValType::i32()};
    ft.results = {ValType::i32()};
    ASSERT_TRUE(
        linker
            .func("env", "f", ft,
                  [](api::Caller&, std::span<const api::Val> a,
                     std::span<api::Val> r) -> std::optional<api::Trap> {
                    r[0] = a[0];
                    return std::nullopt;
                  })
            .ok());
  }

  void expect_incompatible(std::string_view wat) {
    auto r = link(wat);
    ASSERT_FALSE(r.ok()) << wat;
    EXPECT_EQ(r.error().kind, ErrorKind::Unlinkable);
    EXPECT_EQ(r.error().message.rfind("incompatible import type", 0), 0u)
        << r.error().message;
  }

  api::Engine engine;
  api::Store store{engine};
  api::Linker linker{engine};
};

TEST_F(ImportCheck, UnknownImport) {
  auto r = link(R"((module (import "env" "nope" (global i32))))");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Unlinkable);
  EXPECT_EQ(r.error().message, "unknown import: \"env\" \"nope\"");
  auto r2 = link(R"((module (import "other" "g" (global i32))))");
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().message.rfind("unknown import", 0), 0u);
}

TEST_F(ImportCheck, MatchingImportsLink) {
  auto r = link(R"((module
    (import "env" "mem" (memory 1))
    (import "env" "mem" (memory 0 2))
    (import "env" "tab" (table 5 funcref))
    (import "env" "g" (global i32))
    (import "env" "gm" (global (mut i64)))))");
  EXPECT_TRUE(r.ok()) << r.error().message;
}

TEST_F(ImportCheck, WrongKind) {
  expect_incompatible(R"((module (import "env" "mem" (global i32))))");
  expect_incompatible(R"((module (import "env" "g" (memory 1))))");
  expect_incompatible(R"((module (import "env" "f" (table 1 funcref))))");
}

TEST_F(ImportCheck, MemoryLimits) {
  expect_incompatible(R"((module (import "env" "mem" (memory 2))))");
  expect_incompatible(R"((module (import "env" "mem" (memory 1 1))))");
  expect_incompatible(R"((module (import "env" "mem" (memory i64 1))))");
}

TEST_F(ImportCheck, MemoryLimitsUseTheCurrentSize) {
  auto mem = linker.get(store, "env", "mem");
  ASSERT_TRUE(mem.has_value());
  ASSERT_EQ(std::get<api::Memory>(*mem).grow(1), 1);
  auto r = link(R"((module (import "env" "mem" (memory 2))))");
  EXPECT_TRUE(r.ok()) << r.error().message;
}

TEST_F(ImportCheck, TableLimitsAndElementType) {
  expect_incompatible(R"((module (import "env" "tab" (table 11 funcref))))");
  expect_incompatible(R"((module (import "env" "tab" (table 1 20 funcref))))");
  expect_incompatible(R"((module (import "env" "tab" (table 1 externref))))");
}

TEST_F(ImportCheck, GlobalTypeAndMutability) {
  expect_incompatible(R"((module (import "env" "g" (global i64))))");
  expect_incompatible(R"((module (import "env" "g" (global (mut i32)))))");
  expect_incompatible(R"((module (import "env" "gm" (global i64))))");
}

// Reference-typed globals and tables across modules: an immutable global
// matches a supertype of its type, mutable globals and table elements need
// equivalent types; concrete types compare through canonical ids, not
// through the two modules' unrelated type indices.
TEST_F(ImportCheck, ReferenceTypesMatchAcrossModules) {
  api::Module exporter = compile_wat(engine, R"((module
    (type $pad (func (param i64)))
    (type $t (func))
    (func $f) (elem declare func $f)
    (global (export "func") (ref func) (ref.func $f))
    (global (export "ref") (ref $t) (ref.func $f))
    (global (export "mut-func") (mut (ref func)) (ref.func $f))
    (table (export "tab") 1 (ref null $t)))
  )");
  auto exported = linker.instantiate(store, exporter);
  ASSERT_TRUE(exported.ok()) << exported.error().message;
  ASSERT_TRUE(linker.define_instance("m", *exported).ok());

  auto ok = [&](std::string_view wat) {
    auto r = link(wat);
    EXPECT_TRUE(r.ok()) << wat << ": " << r.error().message;
  };
  ok(R"((module (global (import "m" "func") (ref null func))))");
  ok(R"((module (global (import "m" "func") (ref func))))");
  ok(R"((module (type $t (func)) (global (import "m" "ref") (ref $t))))");
  ok(R"((module (type $t (func)) (global (import "m" "ref") (ref null $t))))");
  ok(R"((module (global (import "m" "ref") (ref func))))");
  ok(R"((module (type $t (func)) (table (import "m" "tab") 1 (ref null $t))))");
  expect_incompatible(R"((module (global (import "m" "func") externref)))");
  expect_incompatible(
      R"((module (type $t (func)) (global (import "m" "func") (ref $t))))");
  expect_incompatible(
      R"((module (type $u (func (param i32))) (global (import "m" "ref") (ref $u))))");
  expect_incompatible(
      R"((module (global (import "m" "mut-func") (mut (ref null func)))))");
  expect_incompatible(R"((module (table (import "m" "tab") 1 funcref)))");
}

TEST_F(ImportCheck, FunctionSignature) {
  expect_incompatible(
      R"((module (import "env" "f" (func (param i64) (result i32)))))");
  expect_incompatible(R"((module (import "env" "f" (func (param i32)))))");
  expect_incompatible(R"((module (import "env" "f" (func))))");
}

TEST_F(ImportCheck, ItemsOfAnotherStoreAreRejected) {
  api::Store other(engine);
  auto g =
      api::Global::create(other, {ValType::i32(), false}, api::Val::i32(0));
  ASSERT_TRUE(g.ok());
  api::Module module =
      compile_wat(engine, R"((module (import "x" "g" (global i32))))");
  api::Extern items[] = {*g};
  auto r = api::Instance::create(store, module, items);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Usage);
}

}  // namespace
}  // namespace heron
