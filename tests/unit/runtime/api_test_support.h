// Test helpers for the public API: compile WAT, instantiate, fail the test
// with the error message otherwise.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

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

// A file name in the test temp directory that no other test process uses
// (ctest runs each test, and each parameter of one, as its own process).
inline std::string unique_temp_path(const std::string& name) {
  return ::testing::TempDir() + "/heron_" + std::to_string(::getpid()) + "_" +
         name;
}

}  // namespace heron::testing
