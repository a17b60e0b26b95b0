// Helpers shared by the IR and pass unit tests: parse text that must be
// valid, and normalize expected text.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace heron::ir::test {

// Parses and verifies; fails the test (and returns an empty function) on
// error.
inline Function parse_valid(const std::string& text) {
  auto f = parse_function(text);
  if (!f) {
    ADD_FAILURE() << "parse: " << f.error().message;
    return Function();
  }
  auto v = verify(*f);
  if (!v) ADD_FAILURE() << v.error().message;
  return std::move(f).value();
}

}  // namespace heron::ir::test
