// Test helpers for the public API: compile WAT, instantiate, fail the test
// with the error message otherwise.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "heron/heron.h"

namespace heron::testing {

inline api::Module compile_wat(const api::Engine& engine,
                               std::string_view wat) {
  auto m = api::Module::from_text(engine, wat);
  if (!m.ok()) {
    ADD_FAILURE() << "compile: " << m.error().message;
    std::abort();
  }
  return *m;
}

}  // namespace heron::testing
