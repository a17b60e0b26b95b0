// The fixture of the WASI host function tests: a module importing every
// wasi_snapshot_preview1 function (so the full set links with the spec's
// signatures) and exporting a thin wrapper for each; the tests call the
// wrappers and read results from the exported memory.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "heron/heron.h"
#include "heron/wasi.h"

namespace heron::wasi_testing {

namespace fs = std::filesystem;

// WASI errno values the tests expect (the spec's numbering).
constexpr int32_t kSuccess = 0, kBadf = 8, kExist = 20, kFault = 21,
                  kInval = 28, kLoop = 32, kNoent = 44, kNosys = 52,
                  kNotdir = 54, kNotempty = 55, kNotsock = 57, kNotcapable = 76;

struct Sig {
  const char* name;
  const char* params;  // i = i32, I = i64; every result is an i32 errno
};

// The 46 functions of wasi_snapshot_preview1, as the witx defines them.
constexpr Sig kAll[] = {
    {"args_get", "ii"},
    {"args_sizes_get", "ii"},
    {"environ_get", "ii"},
    {"environ_sizes_get", "ii"},
    {"clock_res_get", "ii"},
    {"clock_time_get", "iIi"},
    {"fd_advise", "iIIi"},
    {"fd_allocate", "iII"},
    {"fd_close", "i"},
    {"fd_datasync", "i"},
    {"fd_fdstat_get", "ii"},
    {"fd_fdstat_set_flags", "ii"},
    {"fd_fdstat_set_rights", "iII"},
    {"fd_filestat_get", "ii"},
    {"fd_filestat_set_size", "iI"},
    {"fd_filestat_set_times", "iIIi"},
    {"fd_pread", "iiiIi"},
    {"fd_prestat_get", "ii"},
    {"fd_prestat_dir_name", "iii"},
    {"fd_pwrite", "iiiIi"},
    {"fd_read", "iiii"},
    {"fd_readdir", "iiiIi"},
    {"fd_renumber", "ii"},
    {"fd_seek", "iIii"},
    {"fd_sync", "i"},
    {"fd_tell", "ii"},
    {"fd_write", "iiii"},
    {"path_create_directory", "iii"},
    {"path_filestat_get", "iiiii"},
    {"path_filestat_set_times", "iiiiIIi"},
    {"path_link", "iiiiiii"},
    {"path_open", "iiiiiIIii"},
    {"path_readlink", "iiiiii"},
    {"path_remove_directory", "iii"},
    {"path_rename", "iiiiii"},
    {"path_symlink", "iiiii"},
    {"path_unlink_file", "iii"},
    {"poll_oneoff", "iiii"},
    {"proc_raise", "i"},
    {"sched_yield", ""},
    {"random_get", "ii"},
    {"sock_accept", "iii"},
    {"sock_recv", "iiiiii"},
    {"sock_send", "iiiii"},
    {"sock_shutdown", "ii"},
};

inline std::string wrapper_module() {
  std::ostringstream imports, funcs;
  for (const Sig& s : kAll) {
    std::string params;
    std::string gets;
    int i = 0;
    for (const char* p = s.params; *p; ++p, ++i) {
      params += *p == 'I' ? " i64" : " i32";
      gets += " (local.get " + std::to_string(i) + ")";
    }
    const std::string sig = params.empty() ? "" : " (param" + params + ")";
    imports << "(import \"wasi_snapshot_preview1\" \"" << s.name << "\" (func $"
            << s.name << sig << " (result i32)))\n";
    funcs << "(func (export \"" << s.name << "\")" << sig
          << " (result i32) (call $" << s.name << gets << "))\n";
  }
  return "(module\n" + imports.str() +
         "(import \"wasi_snapshot_preview1\" \"proc_exit\" "
         "(func $proc_exit (param i32)))\n" +
         "(memory (export \"memory\") 1)\n" + funcs.str() +
         "(func (export \"proc_exit\") (param i32) "
         "(call $proc_exit (local.get 0)) unreachable))";
}

class WasiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/heron_wasi_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    sandbox_ = root_ / "sandbox";
    fs::create_directory(sandbox_);
    std::ofstream(root_ / "outside.txt") << "secret";
    fs::create_directory(root_ / "outside_dir");
    std::ofstream(root_ / "outside_dir" / "f") << "secret too";
  }
  void TearDown() override { fs::remove_all(root_); }

  // Instantiates the wrapper module with `config` (the sandbox preopened as
  // fd 3 "/sandbox" unless the config has preopens).
  void start(api::WasiConfig config = {}) {
    if (config.preopens.empty()) {
      config.preopens.push_back({sandbox_.string(), "/sandbox"});
    }
    auto ctx = api::WasiCtx::create(config);
    ASSERT_TRUE(ctx.ok()) << ctx.error().message;
    ctx_ = *ctx;
    ASSERT_TRUE(api::add_wasi(linker_, ctx_).ok());
    auto module = api::Module::from_text(engine_, wrapper_module());
    ASSERT_TRUE(module.ok()) << module.error().message;
    auto instance = linker_.instantiate(store_, *module);
    ASSERT_TRUE(instance.ok()) << instance.error().message;
    instance_ = *instance;
    ASSERT_TRUE(ctx_->bind(instance_).ok());
    memory_ = *instance_.get_memory("memory");
  }

  // Calls the wrapper of `name`; its errno.
  template <class... A>
  int32_t call(const char* name, A... args) {
    std::vector<api::Val> vals = {to_val(args)...};
    auto r = instance_.get_func(name).call(store_, vals);
    if (!r.ok()) {
      ADD_FAILURE() << name << ": "
                    << (r.trapped() ? r.trap().to_string() : r.error().message);
      return -1;
    }
    return r.value()[0].as_i32();
  }
  static api::Val to_val(int32_t v) { return api::Val::i32(v); }
  static api::Val to_val(uint32_t v) { return api::Val::i32(int32_t(v)); }
  static api::Val to_val(int64_t v) { return api::Val::i64(v); }
  static api::Val to_val(uint64_t v) { return api::Val::i64(int64_t(v)); }

  void put(uint32_t at, std::string_view bytes) {
    std::memcpy(memory_.data() + at, bytes.data(), bytes.size());
  }
  std::string get(uint32_t at, uint32_t len) {
    return std::string(reinterpret_cast<char*>(memory_.data() + at), len);
  }
  uint32_t u32(uint32_t at) {
    uint32_t v;
    std::memcpy(&v, memory_.data() + at, 4);
    return v;
  }
  uint64_t u64(uint32_t at) {
    uint64_t v;
    std::memcpy(&v, memory_.data() + at, 8);
    return v;
  }
  void put32(uint32_t at, uint32_t v) {
    std::memcpy(memory_.data() + at, &v, 4);
  }

  // path_open beneath fd 3; the new fd or -errno.
  int32_t open(std::string_view path, uint32_t oflags, uint64_t rights,
               uint32_t lookup = 1, uint32_t fdflags = 0) {
    put(kPath, path);
    int32_t e = call("path_open", 3, lookup, kPath, uint32_t(path.size()),
                     oflags, rights, rights, fdflags, kOut);
    return e == kSuccess ? int32_t(u32(kOut)) : -e;
  }
  // A path_* call whose arguments are (fd 3, path, len).
  int32_t path_call(const char* name, std::string_view path) {
    put(kPath, path);
    return call(name, 3, kPath, uint32_t(path.size()));
  }
  // Writes `text` to guest fd `fd` with one iovec; the errno.
  int32_t write(int32_t fd, std::string_view text) {
    put(kData, text);
    put32(kIov, kData);
    put32(kIov + 4, uint32_t(text.size()));
    return call("fd_write", fd, kIov, 1, kOut);
  }

  // fd_readdir from `cookie` into kBuf (a `len`-byte buffer): the names of
  // the whole entries, and the d_next of the last one.
  std::vector<std::string> readdir_from(int32_t fd, uint64_t cookie,
                                        uint32_t len, uint64_t* last_next) {
    std::vector<std::string> names;
    EXPECT_EQ(call("fd_readdir", fd, kBuf, len, cookie, kOut), kSuccess);
    const uint32_t used = u32(kOut);
    for (uint32_t at = 0; at + 24 <= used;) {
      const uint32_t name_len = u32(kBuf + at + 16);
      if (at + 24 + name_len > used) break;  // cut short
      names.push_back(get(kBuf + at + 24, name_len));
      *last_next = u64(kBuf + at);
      at += 24 + name_len;
    }
    return names;
  }
  // A poll_oneoff subscription (48 bytes) at `at`: a clock (tag 0) or
  // fd_read/fd_write (1, 2) on `fd_or_clock`.
  void subscribe(uint32_t at, uint64_t userdata, uint8_t tag,
                 uint32_t fd_or_clock, uint64_t timeout) {
    std::memset(memory_.data() + at, 0, 48);
    std::memcpy(memory_.data() + at, &userdata, 8);
    memory_.data()[at + 8] = tag;
    put32(at + 16, fd_or_clock);
    std::memcpy(memory_.data() + at + 24, &timeout, 8);
  }

  static constexpr uint32_t kPath = 0x100, kOut = 0x80, kIov = 0x40,
                            kData = 0x1000, kBuf = 0x4000;
  static constexpr uint64_t kRead = 1 << 1, kSeek = 1 << 2, kTell = 1 << 5,
                            kWrite = 1 << 6, kReaddir = 1 << 14,
                            kFilestatGet = 1 << 21;
  static constexpr uint32_t kCreat = 1, kDirectory = 2, kExcl = 4, kTrunc = 8;

  fs::path root_, sandbox_;
  api::Engine engine_;
  api::Store store_{engine_};
  api::Linker linker_{engine_};
  std::shared_ptr<api::WasiCtx> ctx_;
  api::Instance instance_;
  api::Memory memory_;
};

// Runs `body` with the host's fd `target` replaced by `replacement` (or
// closed, for -1), restoring it afterwards whatever `body` does.
template <class F>
void with_host_fd(int target, int replacement, F body) {
  const int saved = dup(target);
  ASSERT_GE(saved, 0);
  if (replacement >= 0) {
    dup2(replacement, target);
  } else {
    close(target);
  }
  body();
  dup2(saved, target);
  close(saved);
}

}  // namespace heron::wasi_testing
