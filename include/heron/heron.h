// The public C++ API of Heron in one include.
//
//   heron::api::Engine engine;
//   heron::api::Store store(engine);
//   auto module = heron::api::Module::from_file(engine, "fac.wat");
//   heron::api::Linker linker(engine);
//   auto instance = linker.instantiate(store, *module);
//   auto r = instance->get_func("fac").call_as<int64_t>(store, int64_t{5});
#pragma once

#include "heron/config.h"
#include "heron/engine.h"
#include "heron/error.h"
#include "heron/extern.h"
#include "heron/features.h"
#include "heron/func.h"
#include "heron/global.h"
#include "heron/instance.h"
#include "heron/interrupt_handle.h"
#include "heron/linker.h"
#include "heron/memory.h"
#include "heron/module.h"
#include "heron/store.h"
#include "heron/table.h"
#include "heron/trap.h"
#include "heron/trap_code.h"
#include "heron/types.h"
#include "heron/val.h"
