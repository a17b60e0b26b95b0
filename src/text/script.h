// Script: the parsed form of a WAST file (the spec testsuite's script
// language). Modules written in text are already encoded to binary here;
// `(module quote ...)` keeps its text, because parsing it is part of what an
// assert_malformed checks.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "format/features.h"
#include "format/types.h"
#include "heron/error.h"

namespace heron::text {

struct ScriptModule {
  enum class Form : uint8_t { Text, Binary, Quote };
  Form form = Form::Text;
  std::optional<std::string> id;  // `$name` after `module`, if any
  bool definition = false;        // `(module definition ...)`
  std::vector<uint8_t> binary;    // Text and Binary forms
  std::string quote;              // Quote form: the concatenated text
  uint32_t line = 0;
  // Text form whose parse_wat_module failed: the error (its `line` and
  // `offset` made absolute in the script), `binary` empty. The script goes
  // on: inside assert_malformed/assert_invalid this may be the expected
  // outcome; for a plain `module` command it is a failed directive.
  std::optional<Error> text_error;
};

enum class NanPattern : uint8_t { None, Canonical, Arithmetic };

// A constant in an action's arguments, or an expected result.
struct ScriptValue {
  enum class Kind : uint8_t {
    I32,
    I64,
    F32,
    F64,
    V128,
    RefNull,    // (ref.null ht): heap says which
    RefExtern,  // (ref.extern N) or, as a result, (ref.extern) with no payload
    RefHost,    // (ref.host N)
    RefFunc,    // (ref.func) as a result pattern / (ref.func $f) unused
    RefAny,
    RefEq,
    RefI31,
    RefStruct,
    RefArray,
    RefExn,      // result patterns
    RefNullAny,  // result `(ref.null)` without a heap type: any null
  };
  Kind kind = Kind::I32;
  uint64_t bits = 0;         // scalar bits (f32 in the low 32), ref payload
  bool has_payload = false;  // ref.extern/ref.host with N
  HeapType heap{};           // RefNull
  NanPattern nan = NanPattern::None;  // F32/F64 results
  // V128: bytes little-endian, `lanes` = lane shape of the literal
  // (i8x16=16, i16x8=8, i32x4=4, i64x2=2; f32x4/f64x2 set `float_lanes`),
  // and a NaN pattern per lane for float shapes.
  std::array<uint8_t, 16> v128{};
  uint8_t lanes = 0;
  bool float_lanes = false;
  std::array<NanPattern, 4> lane_nan{};
};

struct ScriptAction {
  enum class Kind : uint8_t { Invoke, Get };
  Kind kind = Kind::Invoke;
  std::optional<std::string> module_id;
  std::string name;  // export name (decoded string)
  std::vector<ScriptValue> args;
  uint32_t line = 0;
};

struct ScriptCommand {
  enum class Kind : uint8_t {
    Module,          // module
    ModuleInstance,  // (module instance $i $m)
    Register,        // (register "name" $m?)
    Action,          // bare (invoke ...) / (get ...)
    AssertReturn,
    AssertTrap,  // action or module
    AssertExhaustion,
    AssertException,
    AssertMalformed,
    AssertInvalid,
    AssertUnlinkable,
    AssertUninstantiable,
    // assert_malformed_custom / assert_invalid_custom (custom/*.wast): the
    // module's custom annotations are malformed/invalid; an implementation
    // that ignores those annotations may accept the module instead.
    AssertMalformedCustom,
    AssertInvalidCustom,
  };
  Kind kind = Kind::Module;
  uint32_t line = 0;
  std::optional<ScriptModule> module;  // Module/Assert* on modules
  std::optional<ScriptAction> action;  // Action/AssertReturn/Trap/...
  // AssertReturn: one entry per result; each entry lists alternatives
  // (more than one only for `(either ...)`).
  std::vector<std::vector<ScriptValue>> expected;
  std::string message;  // expected failure text of assertions
  // Register: the name; ModuleInstance: instance id in `instance_id`, module
  // id in `module_ref`.
  std::string register_name;
  std::optional<std::string> instance_id;
  std::optional<std::string> module_ref;
};

struct Script {
  std::vector<ScriptCommand> commands;
};

// Parses a whole WAST file. Errors are Malformed with `line` set. A file
// whose first form is a module field (`(func)`, `(memory 0)`, ...) is one
// inline module: the whole source is passed to parse_wat_module.
//
// For each text-form module, parse_script calls parse_wat_module with the
// exact source text of the whole `(module ...)` form, from its `(` to its
// `)`: `(module $id? field*)`, possibly with annotations or comments between
// tokens (e.g. `((@a) module (@a) $m ...)`). In `(module definition ...)`
// the `definition` keyword is replaced by spaces, so the WAT parser never
// sees it and offsets/lines stay those of the script.
Result<Script> parse_script(std::string_view source);

// Parses one module in text form and encodes it to binary. Accepts either a
// whole `(module $id? field*)` form or a bare sequence of fields (the content
// of a `.wat` file, or of a `(module quote ...)`).
Result<std::vector<uint8_t>> parse_wat_module(
    std::string_view source, const Features& features = Features{});

}  // namespace heron::text
