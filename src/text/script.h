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

// Parses a whole WAST file. Errors are Malformed with `line` set.
Result<Script> parse_script(std::string_view source);

// Parses one module in text form (the content of a `.wat` file, or of a
// `(module quote ...)`) and encodes it to binary.
Result<std::vector<uint8_t>> parse_wat_module(std::string_view source);

}  // namespace heron::text
