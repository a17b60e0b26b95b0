// Script parser tests: every WAST command form the spec testsuite uses, the
// value syntax of actions and results, text-module extents and recorded WAT
// failures, and script-level syntax errors with line numbers.
#include <gtest/gtest.h>

#include <string>

#include "text/script.h"

namespace heron::text {
namespace {

using Kind = ScriptCommand::Kind;
using VK = ScriptValue::Kind;

Script parse_ok(std::string_view src) {
  auto s = parse_script(src);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(*s) : Script{};
}

const std::vector<uint8_t> kEmptyModule = {0x00, 0x61, 0x73, 0x6d,
                                           0x01, 0x00, 0x00, 0x00};

TEST(ScriptParser, Modules) {
  Script s = parse_ok(
      "(module)\n"
      "(module $m1 binary \"\\00asm\" \"\\01\\00\\00\\00\")\n"
      "(module quote \"(func\" \" (nop))\")\n"
      "(module definition)\n"
      "(module definition $M binary \"\\00asm\\01\\00\\00\\00\")\n"
      "(module instance $I $M)\n"
      "(module instance)\n"
      "(module $\"quoted id\" binary)\n");
  ASSERT_EQ(s.commands.size(), 8u);
  const auto& c0 = s.commands[0];
  EXPECT_EQ(c0.kind, Kind::Module);
  EXPECT_EQ(c0.line, 1u);
  ASSERT_TRUE(c0.module);
  EXPECT_EQ(c0.module->form, ScriptModule::Form::Text);
  EXPECT_EQ(c0.module->binary, kEmptyModule);
  EXPECT_FALSE(c0.module->text_error);

  const auto& m1 = *s.commands[1].module;
  EXPECT_EQ(m1.form, ScriptModule::Form::Binary);
  EXPECT_EQ(m1.id, "m1");
  EXPECT_EQ(m1.binary, kEmptyModule);
  EXPECT_EQ(m1.line, 2u);

  const auto& q = *s.commands[2].module;
  EXPECT_EQ(q.form, ScriptModule::Form::Quote);
  EXPECT_EQ(q.quote, "(func (nop))");

  const auto& d = *s.commands[3].module;
  EXPECT_TRUE(d.definition);
  EXPECT_EQ(d.binary, kEmptyModule);

  const auto& db = *s.commands[4].module;
  EXPECT_TRUE(db.definition);
  EXPECT_EQ(db.id, "M");
  EXPECT_EQ(db.form, ScriptModule::Form::Binary);

  EXPECT_EQ(s.commands[5].kind, Kind::ModuleInstance);
  EXPECT_EQ(s.commands[5].instance_id, "I");
  EXPECT_EQ(s.commands[5].module_ref, "M");
  EXPECT_EQ(s.commands[6].kind, Kind::ModuleInstance);
  EXPECT_FALSE(s.commands[6].instance_id);
  EXPECT_EQ(s.commands[7].module->id, "quoted id");
  EXPECT_TRUE(s.commands[7].module->binary.empty());
}

TEST(ScriptParser, AnnotationsAndCommentsAroundCommands) {
  Script s = parse_ok(
      ";; comment\n((@a) module (@a) $m (@a))\n(; block ;)(register \"r\")");
  ASSERT_EQ(s.commands.size(), 2u);
  EXPECT_EQ(s.commands[0].module->id, "m");
  EXPECT_EQ(s.commands[0].line, 2u);
  EXPECT_EQ(s.commands[1].kind, Kind::Register);
}

TEST(ScriptParser, RegisterAndActions) {
  Script s = parse_ok(
      "(register \"M\" $m)\n"
      "(register \"N\")\n"
      "(invoke \"f\" (i32.const -1) (i64.const 0xffff_ffff_ffff_ffff) "
      "(f32.const -0x1p-1) (f64.const nan:0x1))\n"
      "(get $m \"g\")\n"
      "(invoke $m \"\\ef\\bb\\bf\" (ref.null func) (ref.extern 7) "
      "(ref.host 3) (ref.null extern))\n");
  ASSERT_EQ(s.commands.size(), 5u);
  EXPECT_EQ(s.commands[0].register_name, "M");
  EXPECT_EQ(s.commands[0].module_ref, "m");
  EXPECT_FALSE(s.commands[1].module_ref);

  const auto& inv = *s.commands[2].action;
  EXPECT_EQ(s.commands[2].kind, Kind::Action);
  EXPECT_EQ(inv.kind, ScriptAction::Kind::Invoke);
  EXPECT_EQ(inv.name, "f");
  EXPECT_EQ(inv.line, 3u);
  ASSERT_EQ(inv.args.size(), 4u);
  EXPECT_EQ(inv.args[0].kind, VK::I32);
  EXPECT_EQ(inv.args[0].bits, 0xffffffffu);
  EXPECT_EQ(inv.args[1].kind, VK::I64);
  EXPECT_EQ(inv.args[1].bits, UINT64_MAX);
  EXPECT_EQ(inv.args[2].kind, VK::F32);
  EXPECT_EQ(inv.args[2].bits, 0xbf000000u);
  EXPECT_EQ(inv.args[3].kind, VK::F64);
  EXPECT_EQ(inv.args[3].bits, 0x7ff0000000000001u);

  const auto& get = *s.commands[3].action;
  EXPECT_EQ(get.kind, ScriptAction::Kind::Get);
  EXPECT_EQ(get.module_id, "m");
  EXPECT_EQ(get.name, "g");

  const auto& refs = *s.commands[4].action;
  EXPECT_EQ(refs.name, "\xef\xbb\xbf");
  ASSERT_EQ(refs.args.size(), 4u);
  EXPECT_EQ(refs.args[0].kind, VK::RefNull);
  EXPECT_EQ(refs.args[0].heap, HeapType::abstract(HeapKind::Func));
  EXPECT_EQ(refs.args[1].kind, VK::RefExtern);
  EXPECT_TRUE(refs.args[1].has_payload);
  EXPECT_EQ(refs.args[1].bits, 7u);
  EXPECT_EQ(refs.args[2].kind, VK::RefHost);
  EXPECT_EQ(refs.args[2].bits, 3u);
  EXPECT_EQ(refs.args[3].heap, HeapType::abstract(HeapKind::Extern));
}

TEST(ScriptParser, AssertReturnValues) {
  Script s = parse_ok(
      "(assert_return (invoke \"f\"))\n"
      "(assert_return (invoke \"f\") (f32.const nan:canonical) "
      "(f64.const nan:arithmetic) (f64.const -nan) (i32.const 7))\n"
      "(assert_return (invoke \"f\") (ref.null) (ref.extern) (ref.func) "
      "(ref.any) (ref.eq) (ref.i31) (ref.struct) (ref.array) (ref.exn) "
      "(ref.null none) (ref.extern 1))\n"
      "(assert_return (invoke \"f\") (either (i32.const 1) (i32.const 2)) "
      "(i64.const 3))\n");
  ASSERT_EQ(s.commands.size(), 4u);
  EXPECT_EQ(s.commands[0].kind, Kind::AssertReturn);
  EXPECT_TRUE(s.commands[0].expected.empty());

  const auto& e1 = s.commands[1].expected;
  ASSERT_EQ(e1.size(), 4u);
  EXPECT_EQ(e1[0][0].kind, VK::F32);
  EXPECT_EQ(e1[0][0].nan, NanPattern::Canonical);
  EXPECT_EQ(e1[1][0].kind, VK::F64);
  EXPECT_EQ(e1[1][0].nan, NanPattern::Arithmetic);
  EXPECT_EQ(e1[2][0].nan, NanPattern::None);
  EXPECT_EQ(e1[2][0].bits, 0xfff8000000000000u);
  EXPECT_EQ(e1[3][0].bits, 7u);

  const auto& e2 = s.commands[2].expected;
  ASSERT_EQ(e2.size(), 11u);
  const VK kinds[] = {VK::RefNullAny, VK::RefExtern, VK::RefFunc,
                      VK::RefAny,     VK::RefEq,     VK::RefI31,
                      VK::RefStruct,  VK::RefArray,  VK::RefExn,
                      VK::RefNull,    VK::RefExtern};
  for (size_t i = 0; i < e2.size(); ++i) {
    ASSERT_EQ(e2[i].size(), 1u);
    EXPECT_EQ(e2[i][0].kind, kinds[i]) << i;
  }
  EXPECT_FALSE(e2[1][0].has_payload);
  EXPECT_EQ(e2[9][0].heap, HeapType::abstract(HeapKind::None));
  EXPECT_TRUE(e2[10][0].has_payload);
  EXPECT_EQ(e2[10][0].bits, 1u);

  const auto& e3 = s.commands[3].expected;
  ASSERT_EQ(e3.size(), 2u);
  ASSERT_EQ(e3[0].size(), 2u);
  EXPECT_EQ(e3[0][1].bits, 2u);
  EXPECT_EQ(e3[1][0].kind, VK::I64);
}

TEST(ScriptParser, V128Values) {
  Script s = parse_ok(
      "(assert_return (invoke \"f\" (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 "
      "11 12 13 14 -1)) (v128.const i16x8 0 1 2 3 4 5 6 0xffff))\n"
      "(assert_return (invoke \"f\") (v128.const i32x4 1 2 3 -1) "
      "(v128.const i64x2 1 -2) (v128.const f32x4 1 nan:canonical -0 "
      "nan:arithmetic) (v128.const f64x2 -0x1p-1 nan:canonical))\n");
  ASSERT_EQ(s.commands.size(), 2u);
  const auto& arg = s.commands[0].action->args[0];
  EXPECT_EQ(arg.kind, VK::V128);
  EXPECT_EQ(arg.lanes, 16u);
  EXPECT_FALSE(arg.float_lanes);
  EXPECT_EQ(arg.v128[1], 1u);
  EXPECT_EQ(arg.v128[15], 0xffu);
  const auto& i16 = s.commands[0].expected[0][0];
  EXPECT_EQ(i16.lanes, 8u);
  EXPECT_EQ(i16.v128[2], 1u);
  EXPECT_EQ(i16.v128[14], 0xffu);
  EXPECT_EQ(i16.v128[15], 0xffu);

  const auto& e = s.commands[1].expected;
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0][0].lanes, 4u);
  EXPECT_EQ(e[0][0].v128[12], 0xffu);
  EXPECT_EQ(e[1][0].lanes, 2u);
  EXPECT_EQ(e[1][0].v128[8], 0xfeu);
  EXPECT_EQ(e[1][0].v128[15], 0xffu);
  const auto& f4 = e[2][0];
  EXPECT_TRUE(f4.float_lanes);
  EXPECT_EQ(f4.lanes, 4u);
  EXPECT_EQ(f4.v128[3], 0x3fu);
  EXPECT_EQ(f4.lane_nan[0], NanPattern::None);
  EXPECT_EQ(f4.lane_nan[1], NanPattern::Canonical);
  EXPECT_EQ(f4.v128[11], 0x80u);
  EXPECT_EQ(f4.lane_nan[3], NanPattern::Arithmetic);
  const auto& f2 = e[3][0];
  EXPECT_EQ(f2.lanes, 2u);
  EXPECT_EQ(f2.v128[7], 0xbfu);
  EXPECT_EQ(f2.v128[6], 0xe0u);
  EXPECT_EQ(f2.lane_nan[1], NanPattern::Canonical);

  auto bad = parse_script("(invoke \"f\" (v128.const i32x4 1 2 3))");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "wrong number of lane literals");
  auto bad2 = parse_script("(invoke \"f\" (v128.const i32x4 1 2 3 4 5))");
  ASSERT_FALSE(bad2.ok());
  EXPECT_EQ(bad2.error().message, "wrong number of lane literals");
  auto bad3 = parse_script(
      "(invoke \"f\" (v128.const i8x16 256 0 0 0 0 0 0 0 "
      "0 0 0 0 0 0 0 0))");
  ASSERT_FALSE(bad3.ok());
  EXPECT_EQ(bad3.error().message, "constant out of range");
}

TEST(ScriptParser, Assertions) {
  Script s = parse_ok(
      "(assert_trap (invoke \"f\") \"unreachable\")\n"
      "(assert_trap (module (func)) \"out of bounds\")\n"
      "(assert_exhaustion (invoke $m \"f\" (i32.const 1)) \"call stack "
      "exhausted\")\n"
      "(assert_exception (invoke \"throw\"))\n"
      "(assert_malformed (module quote \"(func\") \"unexpected end\")\n"
      "(assert_malformed (module binary \"\\00asm\") \"unexpected end\")\n"
      "(assert_invalid (module) \"type mismatch\")\n"
      "(assert_unlinkable (module) \"unknown import\")\n"
      "(assert_uninstantiable (module) \"out of bounds\")\n"
      "(assert_malformed_custom (module quote \"(@custom)\") \"@custom\")\n"
      "(assert_invalid_custom (module) \"@custom\")\n"
      "(assert_return (get \"g\") (i32.const 1))\n");
  ASSERT_EQ(s.commands.size(), 12u);
  const Kind kinds[] = {Kind::AssertTrap,           Kind::AssertTrap,
                        Kind::AssertExhaustion,     Kind::AssertException,
                        Kind::AssertMalformed,      Kind::AssertMalformed,
                        Kind::AssertInvalid,        Kind::AssertUnlinkable,
                        Kind::AssertUninstantiable, Kind::AssertMalformedCustom,
                        Kind::AssertInvalidCustom,  Kind::AssertReturn};
  for (size_t i = 0; i < s.commands.size(); ++i) {
    EXPECT_EQ(s.commands[i].kind, kinds[i]) << i;
    EXPECT_EQ(s.commands[i].line, i + 1) << i;
  }
  EXPECT_TRUE(s.commands[0].action);
  EXPECT_EQ(s.commands[0].message, "unreachable");
  EXPECT_TRUE(s.commands[1].module);
  EXPECT_FALSE(s.commands[1].action);
  EXPECT_EQ(s.commands[2].action->module_id, "m");
  EXPECT_EQ(s.commands[2].message, "call stack exhausted");
  EXPECT_TRUE(s.commands[3].message.empty());
  EXPECT_EQ(s.commands[4].module->form, ScriptModule::Form::Quote);
  EXPECT_EQ(s.commands[4].module->quote, "(func");
  EXPECT_EQ(s.commands[5].module->binary.size(), 4u);
  EXPECT_EQ(s.commands[6].message, "type mismatch");
  EXPECT_EQ(s.commands[11].action->kind, ScriptAction::Kind::Get);
}

// A text module that the WAT parser rejects does not end the script; the
// error is kept, with its line made absolute.
TEST(ScriptParser, TextModuleErrorsAreRecorded) {
  Script s = parse_ok(
      "(module)\n"
      "(assert_malformed\n"
      "  (module\n"
      "    (func (i32.const nope)))\n"
      "  \"unknown operator\")\n"
      "(module (func (i32.const nope)))\n"
      "(module)\n");
  ASSERT_EQ(s.commands.size(), 4u);
  const auto& m = *s.commands[1].module;
  ASSERT_TRUE(m.text_error);
  EXPECT_TRUE(m.binary.empty());
  EXPECT_EQ(m.line, 3u);
  EXPECT_EQ(m.text_error->line, 4u);
  ASSERT_TRUE(s.commands[2].module->text_error);
  EXPECT_EQ(s.commands[2].module->text_error->line, 6u);
  EXPECT_FALSE(s.commands[3].module->text_error);
}

TEST(ScriptParser, InlineModule) {
  Script s = parse_ok("(func) (memory 0) (func (export \"f\"))\n");
  ASSERT_EQ(s.commands.size(), 1u);
  EXPECT_EQ(s.commands[0].kind, Kind::Module);
  ASSERT_TRUE(s.commands[0].module);
  EXPECT_EQ(s.commands[0].module->form, ScriptModule::Form::Text);
}

TEST(ScriptParser, SyntaxErrors) {
  struct Case {
    const char* src;
    uint32_t line;
  };
  const Case cases[] = {
      {"(module)\n(bogus)", 2},
      {"(module)\n\n(assert_return (invoke \"f\")", 3},
      {"(module", 1},
      {"(register)", 1},
      {"(assert_return (invoke \"f\") (i32.const 0x1_0000_0000))", 1},
      {"(assert_return (invoke \"f\") (i32.const))", 1},
      {"(invoke \"f\" (i32.const 1)", 1},
      {"(assert_trap (invoke \"f\"))", 1},
      {"(assert_malformed (invoke \"f\") \"x\")", 1},
      {"\n\n(module \"unclosed)", 3},
      {"module", 1},
      {")", 1},
      {"(assert_return (invoke \"f\") (ref.null bogus))", 1},
  };
  for (const auto& c : cases) {
    auto r = parse_script(c.src);
    ASSERT_FALSE(r.ok()) << c.src;
    EXPECT_EQ(r.error().kind, ErrorKind::Malformed) << c.src;
    EXPECT_EQ(r.error().line, c.line) << c.src << ": " << r.error().message;
  }
}

TEST(ScriptParser, EmptyScript) {
  Script s = parse_ok("  ;; nothing\n(; at all ;)\n");
  EXPECT_TRUE(s.commands.empty());
}

}  // namespace
}  // namespace heron::text
