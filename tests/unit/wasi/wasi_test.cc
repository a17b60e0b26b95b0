// WASI preview1 host functions driven from wasm through the wrappers of
// wasi_fixture.h (sockets: sock_test.cc). The sandbox tests attempt each
// escape from a preopen: "..", absolute paths, symlinks pointing out,
// symlink chains, a final ".." given to a removal.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "heron/heron.h"
#include "heron/wasi.h"
#include "wasi_fixture.h"

namespace heron {
namespace {

using namespace wasi_testing;  // NOLINT(build/namespaces): the fixture

TEST_F(WasiTest, ArgsAndEnviron) {
  api::WasiConfig config;
  config.args = {"prog.wasm", "hello", ""};
  config.env = {"A=1", "LONGER=value"};
  start(config);
  ASSERT_EQ(call("args_sizes_get", 0, 4), kSuccess);
  EXPECT_EQ(u32(0), 3u);
  EXPECT_EQ(u32(4), 10u + 6 + 1);
  ASSERT_EQ(call("args_get", 0x200, 0x300), kSuccess);
  EXPECT_EQ(u32(0x200), 0x300u);
  EXPECT_EQ(get(u32(0x200), 10), std::string("prog.wasm\0", 10));
  EXPECT_EQ(get(u32(0x204), 6), std::string("hello\0", 6));
  EXPECT_EQ(get(u32(0x208), 1), std::string("\0", 1));
  ASSERT_EQ(call("environ_sizes_get", 0, 4), kSuccess);
  EXPECT_EQ(u32(0), 2u);
  EXPECT_EQ(u32(4), 4u + 13);
  ASSERT_EQ(call("environ_get", 0x200, 0x300), kSuccess);
  EXPECT_EQ(get(u32(0x204), 13), std::string("LONGER=value\0", 13));
}

TEST_F(WasiTest, GuestPointersOutOfBoundsAreFaultNotCrashes) {
  api::WasiConfig config;
  config.args = {"a"};
  start(config);
  const uint32_t end = 65536;
  EXPECT_EQ(call("args_sizes_get", end - 2, 0), kFault);
  EXPECT_EQ(call("args_get", 0, end - 1), kFault);
  EXPECT_EQ(call("args_get", 0xfffffffcu, 0), kFault);
  EXPECT_EQ(call("clock_time_get", 0, int64_t(0), end - 4), kFault);
  EXPECT_EQ(call("random_get", end - 8, 9), kFault);
  EXPECT_EQ(call("random_get", 0xffffffffu, 0xffffffffu), kFault);
  // An iovec reaching past the memory, an iovec array past it, nwritten
  // past it.
  put32(kIov, end - 4);
  put32(kIov + 4, 8);
  EXPECT_EQ(call("fd_write", 1, kIov, 1, kOut), kFault);
  EXPECT_EQ(call("fd_write", 1, end - 4, 1, kOut), kFault);
  EXPECT_EQ(call("fd_write", 1, 0xfffffff8u, 2, kOut), kFault);
  put32(kIov + 4, 0);
  EXPECT_EQ(call("fd_write", 1, kIov, 1, end - 2), kFault);
  EXPECT_EQ(call("fd_fdstat_get", 1, end - 23), kFault);
  EXPECT_EQ(
      call("path_open", 3, 0, end - 1, 2, 0, int64_t(0), int64_t(0), 0, kOut),
      kFault);
}

TEST_F(WasiTest, ClocksAndRandom) {
  start();
  ASSERT_EQ(call("clock_time_get", 1, int64_t(1), 0x10), kSuccess);
  ASSERT_EQ(call("clock_time_get", 1, int64_t(1), 0x18), kSuccess);
  EXPECT_LE(u64(0x10), u64(0x18));
  ASSERT_EQ(call("clock_time_get", 0, int64_t(1), 0x10), kSuccess);
  const uint64_t real =
      uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count());
  EXPECT_LT(real - u64(0x10), 5'000'000'000ull);
  ASSERT_EQ(call("clock_res_get", 1, 0x10), kSuccess);
  EXPECT_GT(u64(0x10), 0u);
  EXPECT_EQ(call("clock_time_get", 4, int64_t(1), 0x10), kInval);
  EXPECT_EQ(call("clock_res_get", 99, 0x10), kInval);

  ASSERT_EQ(call("random_get", 0x200, 64), kSuccess);
  ASSERT_EQ(call("random_get", 0x300, 64), kSuccess);
  EXPECT_NE(get(0x200, 64), get(0x300, 64));
  EXPECT_NE(get(0x200, 64), std::string(64, '\0'));
  EXPECT_EQ(call("sched_yield"), kSuccess);
}

TEST_F(WasiTest, ProcExitStopsTheGuestWithItsStatus) {
  start();
  EXPECT_FALSE(ctx_->exit_code());
  auto r = instance_.get_func("proc_exit")
               .call(store_, std::vector{api::Val::i32(7)});
  ASSERT_TRUE(r.trapped());
  EXPECT_EQ(r.trap().code, TrapCode::Exit);
  EXPECT_EQ(r.trap().exit_status, 7);
  EXPECT_EQ(ctx_->exit_code(), 7u);
}

TEST_F(WasiTest, UnsupportedFunctionsAnswerWithAnErrno) {
  start();
  EXPECT_EQ(call("proc_raise", 6), kNosys);
}

TEST_F(WasiTest, FdWriteToAPipe) {
  // The guest's stdout is the host's fd 1: point it at a pipe for the call.
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  start();
  const int saved = dup(1);
  dup2(pipe_fds[1], 1);
  const int32_t e = write(1, "to the pipe\n");
  dup2(saved, 1);
  close(saved);
  close(pipe_fds[1]);
  ASSERT_EQ(e, kSuccess);
  EXPECT_EQ(u32(kOut), 12u);
  char buf[64] = {};
  EXPECT_EQ(read(pipe_fds[0], buf, sizeof buf), 12);
  close(pipe_fds[0]);
  EXPECT_STREQ(buf, "to the pipe\n");
  // A pipe cannot seek: spipe (70).
  EXPECT_EQ(call("fd_seek", 99, int64_t(0), 0, kOut), kBadf);
}

TEST_F(WasiTest, PreopenIsDescribedToTheGuest) {
  start();
  ASSERT_EQ(call("fd_prestat_get", 3, 0x10), kSuccess);
  EXPECT_EQ(u32(0x10) & 0xff, 0u);  // a directory
  EXPECT_EQ(u32(0x14), 8u);         // strlen("/sandbox")
  ASSERT_EQ(call("fd_prestat_dir_name", 3, 0x20, 8), kSuccess);
  EXPECT_EQ(get(0x20, 8), "/sandbox");
  EXPECT_EQ(call("fd_prestat_get", 4, 0x10), kBadf);
  EXPECT_EQ(call("fd_prestat_get", 1, 0x10), kBadf);
  ASSERT_EQ(call("fd_fdstat_get", 3, 0x10), kSuccess);
  EXPECT_EQ(get(0x10, 1)[0], 3);  // filetype directory
}

TEST_F(WasiTest, FileRoundTripBeneathThePreopen) {
  start();
  const int32_t fd = open("data.txt", kCreat | kTrunc,
                          kRead | kWrite | kSeek | kTell | kFilestatGet);
  ASSERT_GT(fd, 3);
  ASSERT_EQ(write(fd, "hello, file"), kSuccess);
  EXPECT_EQ(u32(kOut), 11u);
  ASSERT_EQ(call("fd_tell", fd, 0x10), kSuccess);
  EXPECT_EQ(u64(0x10), 11u);
  ASSERT_EQ(call("fd_seek", fd, int64_t(7), 0, 0x10), kSuccess);
  EXPECT_EQ(u64(0x10), 7u);
  put32(kIov, kBuf);
  put32(kIov + 4, 100);
  ASSERT_EQ(call("fd_read", fd, kIov, 1, kOut), kSuccess);
  EXPECT_EQ(u32(kOut), 4u);
  EXPECT_EQ(get(kBuf, 4), "file");
  ASSERT_EQ(call("fd_pread", fd, kIov, 1, int64_t(0), kOut), kSuccess);
  EXPECT_EQ(get(kBuf, u32(kOut)), "hello, file");
  ASSERT_EQ(call("fd_filestat_get", fd, 0x200), kSuccess);
  EXPECT_EQ(get(0x210, 1)[0], 4);  // regular file
  EXPECT_EQ(u64(0x220), 11u);      // size
  ASSERT_EQ(call("fd_fdstat_get", fd, 0x10), kSuccess);
  EXPECT_EQ(get(0x10, 1)[0], 4);
  EXPECT_EQ(call("fd_close", fd), kSuccess);
  EXPECT_EQ(call("fd_close", fd), kBadf);
  std::ifstream in(sandbox_ / "data.txt");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "hello, file");
  // A read-only fd has no write right.
  const int32_t ro = open("data.txt", 0, kRead);
  ASSERT_GT(ro, 3);
  EXPECT_EQ(write(ro, "x"), kNotcapable);
  EXPECT_EQ(open("data.txt", kCreat | kExcl, kWrite), -kExist);
  EXPECT_EQ(open("missing", 0, kRead), -kNoent);
}

TEST_F(WasiTest, EveryEscapeFromThePreopenIsRefused) {
  start();
  fs::create_directory(sandbox_ / "sub");
  std::ofstream(sandbox_ / "sub" / "inside.txt") << "fine";
  fs::create_symlink(root_ / "outside.txt", sandbox_ / "abs_link");
  fs::create_symlink("../outside.txt", sandbox_ / "rel_link");
  fs::create_symlink("rel_link", sandbox_ / "chain1");
  fs::create_symlink("sub/../chain1", sandbox_ / "chain2");
  fs::create_symlink("../outside_dir", sandbox_ / "dir_link");
  fs::create_symlink("/proc/self/root/etc", sandbox_ / "proc_link");

  // Staying inside, even through "..", works.
  EXPECT_GT(open("sub/../sub/inside.txt", 0, kRead), 3);
  EXPECT_GT(open("sub/..", kDirectory, kReaddir), 3);

  for (const char* path :
       {"../outside.txt", "sub/../../outside.txt", "/etc/passwd", "..",
        "abs_link", "rel_link", "chain1", "chain2", "dir_link/f",
        "proc_link/passwd", "sub/../dir_link/f"}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(open(path, 0, kRead), -kNotcapable);
    put(kPath, path);
    EXPECT_EQ(call("path_filestat_get", 3, 1, kPath,
                   uint32_t(std::strlen(path)), 0x200),
              kNotcapable);
  }
  // Not following a final symlink: the link itself, never its target.
  EXPECT_EQ(open("abs_link", 0, kRead, /*lookup=*/0), -kLoop);
  put(kPath, "abs_link");
  ASSERT_EQ(call("path_filestat_get", 3, 0, kPath, 8, 0x200), kSuccess);
  EXPECT_EQ(get(0x210, 1)[0], 7);  // symbolic link

  // Creating, removing and renaming outside are refused as well.
  EXPECT_EQ(path_call("path_create_directory", "../made"), kNotcapable);
  EXPECT_EQ(path_call("path_create_directory", "dir_link/made"), kNotcapable);
  EXPECT_EQ(path_call("path_unlink_file", "../outside.txt"), kNotcapable);
  EXPECT_EQ(path_call("path_unlink_file", "dir_link/f"), kNotcapable);
  EXPECT_EQ(path_call("path_remove_directory", "../outside_dir"), kNotcapable);
  EXPECT_EQ(open("dir_link/new", kCreat, kWrite), -kNotcapable);
  EXPECT_EQ(open("../new", kCreat, kWrite), -kNotcapable);
  // A final ".." names the directory itself, never its parent.
  EXPECT_NE(path_call("path_remove_directory", "sub/.."), kSuccess);
  EXPECT_NE(path_call("path_remove_directory", ".."), kSuccess);
  put(kPath, "sub/inside.txt");
  put(0x200, "../stolen");
  EXPECT_EQ(call("path_rename", 3, kPath, 14, 3, 0x200, 9), kNotcapable);
  put(0x200, "dir_link/stolen");
  EXPECT_EQ(call("path_rename", 3, kPath, 14, 3, 0x200, 15), kNotcapable);
  // A hard link to a file outside, through a followed symlink.
  put(kPath, "abs_link");
  put(0x200, "hard");
  EXPECT_EQ(call("path_link", 3, 1, kPath, 8, 3, 0x200, 4), kNotcapable);
  put(kPath, "../outside.txt");
  EXPECT_EQ(call("path_readlink", 3, kPath, 14, 0x300, 64, kOut), kNotcapable);

  // Everything outside is untouched.
  EXPECT_TRUE(fs::exists(root_ / "outside.txt"));
  EXPECT_TRUE(fs::exists(root_ / "outside_dir" / "f"));
  EXPECT_FALSE(fs::exists(root_ / "made"));
  EXPECT_FALSE(fs::exists(root_ / "new"));
  EXPECT_FALSE(fs::exists(root_ / "stolen"));
  EXPECT_TRUE(fs::exists(sandbox_ / "sub" / "inside.txt"));
}

TEST_F(WasiTest, DirectoryOperations) {
  start();
  ASSERT_EQ(path_call("path_create_directory", "d"), kSuccess);
  EXPECT_EQ(path_call("path_create_directory", "d"), kExist);
  const int32_t f = open("d/a", kCreat, kWrite);
  ASSERT_GT(f, 3);
  ASSERT_EQ(write(f, "abc"), kSuccess);
  EXPECT_EQ(path_call("path_remove_directory", "d"), kNotempty);
  // rename d/a -> d/b
  put(kPath, "d/a");
  put(0x200, "d/b");
  ASSERT_EQ(call("path_rename", 3, kPath, 3, 3, 0x200, 3), kSuccess);
  // symlink d/l -> b, readlink it, open through it
  put(kPath, "b");
  put(0x200, "d/l");
  ASSERT_EQ(call("path_symlink", kPath, 1, 3, 0x200, 3), kSuccess);
  put(kPath, "d/l");
  ASSERT_EQ(call("path_readlink", 3, kPath, 3, 0x300, 16, kOut), kSuccess);
  EXPECT_EQ(get(0x300, u32(kOut)), "b");
  EXPECT_GT(open("d/l", 0, kRead), 3);
  // hard link d/b -> d/h
  put(kPath, "d/b");
  put(0x200, "d/h");
  ASSERT_EQ(call("path_link", 3, 0, kPath, 3, 3, 0x200, 3), kSuccess);
  put(kPath, "d/h");
  ASSERT_EQ(call("path_filestat_get", 3, 0, kPath, 3, 0x200), kSuccess);
  EXPECT_EQ(u64(0x218), 2u);  // nlink
  EXPECT_EQ(u64(0x220), 3u);  // size

  // fd_readdir lists ".", "..", b, h, l with their types.
  const int32_t d = open("d", kDirectory, kReaddir);
  ASSERT_GT(d, 3);
  ASSERT_EQ(call("fd_readdir", d, kBuf, 4096, int64_t(0), kOut), kSuccess);
  std::set<std::string> names;
  uint32_t at = 0;
  const uint32_t used = u32(kOut);
  while (at + 24 <= used) {
    const uint32_t len = u32(kBuf + at + 16);
    const std::string name = get(kBuf + at + 24, len);
    const int type = get(kBuf + at + 20, 1)[0];
    const std::map<std::string, int> expected = {
        {"l", 7}, {"b", 4}, {"h", 4}, {".", 3}, {"..", 3}};
    EXPECT_EQ(type, expected.at(name)) << name;
    names.insert(name);
    at += 24 + len;
  }
  EXPECT_EQ(names, (std::set<std::string>{".", "..", "b", "h", "l"}));
  // From a cookie: the entries after it; a small buffer is filled exactly.
  ASSERT_EQ(call("fd_readdir", d, kBuf, 4096, int64_t(5), kOut), kSuccess);
  EXPECT_EQ(u32(kOut), 0u);
  ASSERT_EQ(call("fd_readdir", d, kBuf, 30, int64_t(0), kOut), kSuccess);
  EXPECT_EQ(u32(kOut), 30u);

  for (const char* p : {"d/l", "d/h", "d/b"}) {
    EXPECT_EQ(path_call("path_unlink_file", p), kSuccess) << p;
  }
  EXPECT_EQ(path_call("path_remove_directory", "d"), kSuccess);
  EXPECT_FALSE(fs::exists(sandbox_ / "d"));
}

TEST_F(WasiTest, PollOneoffSleepsOnAClock) {
  start();
  // One relative monotonic clock subscription of 20 ms.
  std::memset(memory_.data() + 0x200, 0, 48);
  const uint64_t userdata = 0x1234, timeout = 20'000'000;
  std::memcpy(memory_.data() + 0x200, &userdata, 8);
  put32(0x210, 1);  // monotonic
  std::memcpy(memory_.data() + 0x218, &timeout, 8);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(call("poll_oneoff", 0x200, 0x300, 1, kOut), kSuccess);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(elapsed, std::chrono::milliseconds(20));
  ASSERT_EQ(u32(kOut), 1u);
  EXPECT_EQ(u64(0x300), userdata);
  EXPECT_EQ(get(0x308, 2), std::string(2, '\0'));  // no error
  EXPECT_EQ(call("poll_oneoff", 0x200, 0x300, 0, kOut), kInval);
}

TEST_F(WasiTest, ReaddirCookiesSurviveRemovingListedEntries) {
  start();
  ASSERT_EQ(path_call("path_create_directory", "d"), kSuccess);
  constexpr int kFiles = 300;
  for (int i = 0; i < kFiles; ++i) {
    std::ofstream(sandbox_ / "d" / ("file-number-" + std::to_string(i)));
  }
  const int32_t d = open("d", kDirectory, kReaddir);
  ASSERT_GT(d, 3);
  // Small buffers: many calls, each resuming from the last cookie, and
  // every entry listed is removed at once, as `rm -r` does.
  std::set<std::string> seen;
  uint64_t cookie = 0;
  for (int calls = 0; calls < 10000; ++calls) {
    uint64_t next = cookie;
    const std::vector<std::string> names = readdir_from(d, cookie, 300, &next);
    if (names.empty()) break;
    for (const std::string& name : names) {
      EXPECT_TRUE(seen.insert(name).second) << name << " listed twice";
      if (name != "." && name != "..") {
        EXPECT_EQ(path_call("path_unlink_file", "d/" + name), kSuccess);
      }
    }
    // wasi-libc keeps cookies in a 32-bit long (telldir/seekdir).
    EXPECT_LT(next, uint64_t(INT32_MAX)) << "cookie too large for wasm32";
    cookie = next;
  }
  EXPECT_EQ(seen.size(), size_t(kFiles + 2));
  EXPECT_TRUE(fs::is_empty(sandbox_ / "d"));
  // A cookie never handed out is refused; 0 starts over.
  EXPECT_EQ(call("fd_readdir", d, kBuf, 4096, int64_t(1) << 40, kOut), kInval);
  uint64_t next = 0;
  EXPECT_EQ(readdir_from(d, 0, 4096, &next).size(), 2u);  // . and ..
}

TEST_F(WasiTest, ReaddirResumesAtAnyCookieHandedOut) {
  start();
  ASSERT_EQ(path_call("path_create_directory", "d"), kSuccess);
  for (int i = 0; i < 50; ++i) {
    std::ofstream(sandbox_ / "d" / ("file" + std::to_string(i)));
  }
  const int32_t d = open("d", kDirectory, kReaddir);
  uint64_t last = 0;
  const std::vector<std::string> all = readdir_from(d, 0, 8192, &last);
  ASSERT_EQ(all.size(), 52u);
  // Each entry's d_next resumes right after it (seekdir to a telldir).
  ASSERT_EQ(call("fd_readdir", d, kBuf, 8192, int64_t(0), kOut), kSuccess);
  std::vector<uint64_t> nexts;
  for (uint32_t at = 0, i = 0; i < all.size(); ++i) {
    nexts.push_back(u64(kBuf + at));
    at += 24 + u32(kBuf + at + 16);
  }
  for (size_t i = 0; i < all.size(); i += 7) {
    uint64_t unused = 0;
    const std::vector<std::string> rest =
        readdir_from(d, nexts[i], 8192, &unused);
    EXPECT_EQ(rest,
              std::vector<std::string>(all.begin() + long(i) + 1, all.end()))
        << "after entry " << i;
  }
}

// A poll_oneoff subscription at `at`: a clock (tag 0) or an fd (1 read,
// 2 write).
TEST_F(WasiTest, PollOneoffRefusesToWaitOnCpuTimeClocks) {
  start();
  for (uint32_t clock : {2u, 3u}) {  // process, thread CPU time
    subscribe(0x200, 7, 0, clock, 1'000'000);
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(call("poll_oneoff", 0x200, 0x400, 1, kOut), kSuccess);
    EXPECT_LT(std::chrono::steady_clock::now() - t0,
              std::chrono::milliseconds(500));
    ASSERT_EQ(u32(kOut), 1u);
    EXPECT_EQ(u64(0x400), 7u);
    EXPECT_EQ(get(0x408, 1)[0], 58) << "notsup";  // errno, low byte
  }
}

TEST_F(WasiTest, PollOneoffReportsReadyDescriptorsBesideErrors) {
  start();
  std::ofstream(sandbox_ / "f") << "data";
  const int32_t f = open("f", 0, kRead | (1 << 27));  // poll_fd_readwrite
  ASSERT_GT(f, 3);
  subscribe(0x200, 1, 1, 99, 0);                // not open: badf
  subscribe(0x230, 2, 1, uint32_t(f), 0);       // readable at once
  subscribe(0x260, 3, 0, 1, 5'000'000'000ull);  // a clock far away
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(call("poll_oneoff", 0x200, 0x400, 3, kOut), kSuccess);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  ASSERT_EQ(u32(kOut), 2u);
  std::map<uint64_t, int> errors;
  for (uint32_t i = 0; i < 2; ++i) {
    errors[u64(0x400 + i * 32)] = get(0x408 + i * 32, 1)[0];
  }
  EXPECT_EQ(errors, (std::map<uint64_t, int>{{1, kBadf}, {2, kSuccess}}));
}

TEST_F(WasiTest, PollOneoffReportsTheHangupOfAPipe) {
  // The guest's stdin is the host's fd 0: a pipe whose writer is gone.
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  ASSERT_EQ(::write(pipe_fds[1], "xy", 2), 2);
  close(pipe_fds[1]);
  start();
  const int saved = dup(0);
  dup2(pipe_fds[0], 0);
  close(pipe_fds[0]);
  subscribe(0x200, 5, 1, 0, 0);
  const int32_t e = call("poll_oneoff", 0x200, 0x400, 1, kOut);
  dup2(saved, 0);
  close(saved);
  ASSERT_EQ(e, kSuccess);
  ASSERT_EQ(u32(kOut), 1u);
  EXPECT_EQ(get(0x408, 2), std::string(2, '\0'));  // no error
  EXPECT_EQ(u64(0x410), 2u);                       // nbytes still unread
  EXPECT_EQ(get(0x418, 1)[0], 1);                  // fd_readwrite_hangup
}

TEST_F(WasiTest, ATrailingSlashDemandsADirectory) {
  start();
  std::ofstream(sandbox_ / "f") << "keep me";
  fs::create_directory(sandbox_ / "d");
  fs::create_symlink("d", sandbox_ / "dl");
  // Acting on the name itself: refused unless it is a directory, and a
  // symlink is not followed to find one.
  EXPECT_EQ(path_call("path_unlink_file", "f/"), kNotdir);
  EXPECT_EQ(path_call("path_unlink_file", "dl/"), kNotdir);
  EXPECT_EQ(path_call("path_remove_directory", "f//"), kNotdir);
  EXPECT_EQ(path_call("path_remove_directory", "dl/"), kNotdir);
  put(kPath, "f");
  put(0x200, "g/");
  EXPECT_EQ(call("path_rename", 3, kPath, 1, 3, 0x200, 2), kNotdir);
  EXPECT_EQ(call("path_link", 3, 0, kPath, 1, 3, 0x200, 2), kNoent);
  EXPECT_EQ(call("path_symlink", kPath, 1, 3, 0x200, 2), kNoent);
  EXPECT_TRUE(fs::exists(sandbox_ / "f"));
  EXPECT_TRUE(fs::is_symlink(sandbox_ / "dl"));
  EXPECT_FALSE(fs::exists(sandbox_ / "g"));
  // Directories take it.
  EXPECT_EQ(path_call("path_create_directory", "e/"), kSuccess);
  put(kPath, "e/");
  put(0x200, "e2/");
  EXPECT_EQ(call("path_rename", 3, kPath, 2, 3, 0x200, 3), kSuccess);
  EXPECT_EQ(path_call("path_remove_directory", "e2/"), kSuccess);
  EXPECT_EQ(path_call("path_remove_directory", "d/"), kSuccess);
}

TEST_F(WasiTest, TerminalStdioIsATtyToTheGuest) {
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT_GE(master, 0);
  ASSERT_EQ(grantpt(master), 0);
  ASSERT_EQ(unlockpt(master), 0);
  const int tty = ::open(ptsname(master), O_RDWR | O_NOCTTY);
  ASSERT_GE(tty, 0);
  with_host_fd(0, tty, [&] { start(); });
  close(tty);
  close(master);
  // wasi-libc's isatty(): a character device without fd_seek and fd_tell.
  ASSERT_EQ(call("fd_fdstat_get", 0, 0x10), kSuccess);
  EXPECT_EQ(get(0x10, 1)[0], 2);  // character device
  EXPECT_EQ(u64(0x18) & (kSeek | kTell), 0u);
  EXPECT_NE(u64(0x18) & (kRead | kWrite), 0u);
  // A file keeps them (stdout here is not a terminal under ctest).
  const int32_t f = open("f", kCreat, kRead | kSeek | kTell);
  ASSERT_EQ(call("fd_fdstat_get", f, 0x10), kSuccess);
  EXPECT_EQ(u64(0x18) & (kSeek | kTell), kSeek | kTell);
}

TEST_F(WasiTest, ClosedStdioIsNotOpenInTheGuestNorReusedByIt) {
  int32_t write_errno = -1, file_fd = -1;
  // Heron started with stdout closed: the guest's fd 1 is not open, and a
  // file the guest opens takes guest fd 1 (the lowest free), as natively,
  // but never host fd 1.
  with_host_fd(1, -1, [&] {
    start();
    write_errno = write(1, "lost");
    file_fd = open("f", kCreat, kWrite);
  });
  EXPECT_EQ(write_errno, kBadf);
  ASSERT_EQ(file_fd, 1);
  // Host fd 1 is the real stdout again; the guest's fd 1 is still the file.
  ASSERT_EQ(write(1, "into the file"), kSuccess);
  std::ifstream in(sandbox_ / "f");
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), {}),
            "into the file");
}

TEST_F(WasiTest, PreopenThatIsNotADirectoryIsAnError) {
  api::WasiConfig config;
  config.preopens.push_back({(root_ / "outside.txt").string(), "x"});
  auto ctx = api::WasiCtx::create(config);
  ASSERT_FALSE(ctx.ok());
  EXPECT_EQ(ctx.error().kind, ErrorKind::Io);
}

}  // namespace
}  // namespace heron
