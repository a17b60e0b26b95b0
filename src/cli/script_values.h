// The constants of spec-test scripts against the engine's values: action
// arguments become api::Val, results are compared with the expectations of
// assert_return. The rules:
//   integers, non-NaN floats   the exact bits
//   nan:canonical              a NaN with only the quiet bit in its payload
//                              (either sign)
//   nan:arithmetic             a NaN with the quiet bit set (either sign)
//   ref.null HT, (ref.null)    a null reference of any kind
//   ref.extern N               the host reference made from argument
//                              (ref.extern N), i.e. the host pointer N+1 (so
//                              that ref.extern 0 stays distinct from null);
//                              (ref.extern) without N: any non-null externref
//   ref.func                   any non-null funcref
// v128 and the GC / exception reference kinds are reported Unsupported, so
// that the directive is skipped with the feature named.
#pragma once

#include <string>

#include "heron/error.h"
#include "heron/val.h"
#include "text/script.h"

namespace heron::cli {

Result<api::Val> script_arg(const text::ScriptValue& value);

// Whether `actual` matches the pattern `expected`.
Result<bool> script_result_matches(const api::Val& actual,
                                   const text::ScriptValue& expected);

// The expectation as the script wrote it ("i32 42", "f32 nan:canonical",
// "ref.null", ...), for failure messages.
std::string describe_script_value(const text::ScriptValue& value);

}  // namespace heron::cli
