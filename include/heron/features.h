// Features: the WebAssembly feature set a module is decoded, parsed and
// validated against. The default is WebAssembly 3.0 plus the proposals Heron
// implements (threads, wide arithmetic, custom page sizes, legacy exception
// handling). Switching a feature off restores the older rule where the newer
// spec relaxed one, e.g. the "multiple memories" error before multi-memory;
// embedders use it to reject what their platform cannot run, and the spec
// test runner uses it for proposal suites written against an older base.
#pragma once

namespace heron {

struct Features {
  bool multi_memory = true;  // more than one memory per module
  bool multi_table = true;   // more than one table (reference types)
  bool memory64 = true;      // 64-bit memories and tables; in text, limits
                             // beyond 32 bits
};

}  // namespace heron
