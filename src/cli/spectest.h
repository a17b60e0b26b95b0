// The `spectest` host module the spec testsuite imports from: print
// functions (silent here: their output is no part of any assertion), four
// globals of value 666 / 666.6, funcref tables of 10..20 elements (`table`,
// and `table64` with i64 addresses) and a
// memory of 1..2 pages. Created once per script in the script's store, like
// the reference interpreter's single spectest instance, so that modules
// importing the table or memory share it.
#pragma once

#include "heron/error.h"
#include "heron/linker.h"
#include "heron/store.h"

namespace heron::cli {

Result<void> define_spectest(api::Linker& linker, api::Store& store);

}  // namespace heron::cli
