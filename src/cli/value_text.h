// Values as `heron run` reads them from the command line and prints them:
// the WebAssembly text format's number syntax, so that what Heron prints can
// be pasted back as an argument or into a .wast expectation.
//
//   i32, i64   signed decimal ("42", "-1"); arguments also accept the
//              unsigned range and hex ("4294967295", "0xffffffff")
//   f32, f64   shortest decimal that reads back to the same bits ("1.5",
//              "-0", "1e+20"), "inf", "-inf"; a NaN always shows its
//              payload: "nan:0x400000" (the canonical f32 NaN),
//              "-nan:0x8000000000000" (f64, sign bit set); arguments accept
//              any float literal of the text format ("0x1p-3", "nan")
//   funcref    "ref.null func" or "ref.func"
//   externref  "ref.null extern" or "ref.extern 0xADDRESS"
#pragma once

#include <string>
#include <string_view>

#include "format/types.h"
#include "heron/error.h"
#include "heron/val.h"

namespace heron::cli {

std::string format_val(const api::Val& value);

// Parses a command-line argument for a parameter of `type`; a Usage error
// names the type and the text when it is not a literal of that type.
// Reference parameters accept only "null" (a null reference).
Result<api::Val> parse_val(std::string_view text, const ValType& type);

}  // namespace heron::cli
