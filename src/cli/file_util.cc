// File helpers of the `heron` command (see file_util.h). Uses POSIX calls so
// that failures come back as values with errno's reason, never exceptions.
#include "cli/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace heron::cli {
namespace {

// The input's path is not part of the message: callers print it in front,
// as for every other diagnostic.
Error io_error(std::string_view what, int err) {
  return Error(ErrorKind::Io,
               fmt::format("cannot {}: {}", what, std::strerror(err)));
}

}  // namespace

Result<std::vector<uint8_t>> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("open", errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return io_error("stat", err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return io_error("read", EISDIR);
  }
  // The size is a hint only: pipes and /proc files report 0, and a file
  // may grow while read. Reading straight into the buffer avoids a copy.
  std::vector<uint8_t> bytes(
      S_ISREG(st.st_mode) && st.st_size > 0 ? size_t(st.st_size) : 0);
  size_t done = 0;
  uint8_t probe[1 << 16];
  for (;;) {
    // Full: a read into `probe` tells the end from more bytes.
    const bool full = done == bytes.size();
    uint8_t* to = full ? probe : bytes.data() + done;
    ssize_t n = ::read(fd, to, full ? sizeof probe : bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return io_error("read", err);
    }
    if (n == 0) break;
    if (full) bytes.insert(bytes.end(), probe, probe + n);
    done += size_t(n);
  }
  bytes.resize(done);
  ::close(fd);
  return bytes;
}

Result<void> write_file(const std::string& path,
                        std::span<const uint8_t> bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("create", errno);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return io_error("write", err);
    }
    done += size_t(n);
  }
  if (::close(fd) != 0) return io_error("write", errno);
  return {};
}

Result<void> make_directories(const std::string& dir) {
  std::string prefix;
  size_t pos = 0;
  while (pos <= dir.size()) {
    size_t slash = dir.find('/', pos);
    if (slash == std::string::npos) slash = dir.size();
    prefix = dir.substr(0, slash);
    pos = slash + 1;
    if (prefix.empty()) continue;  // leading '/'
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return io_error(fmt::format("create directory '{}'", prefix), errno);
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return io_error(fmt::format("create directory '{}'", dir), ENOTDIR);
  }
  return {};
}

bool has_wasm_magic(std::span<const uint8_t> bytes) {
  static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
  return bytes.size() >= 4 && std::memcmp(bytes.data(), kMagic, 4) == 0;
}

bool is_binary_input(const std::string& path, std::span<const uint8_t> bytes) {
  if (has_wasm_magic(bytes)) return true;
  return path.size() >= 5 && path.compare(path.size() - 5, 5, ".wasm") == 0;
}

uint32_t line_of_offset(std::string_view text, uint64_t offset) {
  uint64_t end = offset < text.size() ? offset : text.size();
  uint32_t line = 1;
  for (uint64_t i = 0; i < end; ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

std::string one_line(std::string_view message) {
  std::string out(message);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace heron::cli
