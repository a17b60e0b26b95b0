// `heron validate FILE...`: decode (or parse and encode) and validate each
// module; print nothing for a valid one, exactly one diagnostic line for an
// invalid one:
//   binary input:             FILE:OFFSET: error: MESSAGE   (byte offset)
//   text input, syntax error: FILE:LINE: error: MESSAGE     (1-based line)
//   text input, rejected after encoding:
//                             FILE: error: MESSAGE (offset N in the encoded
//                             binary)
//   no location known / I/O:  FILE: error: MESSAGE
//
// The hidden `--truncations` mode feeds every prefix of each module to the
// same pipeline in-process: each must be rejected with a one-line message,
// except cuts exactly between two sections, which may form a valid module.
#include <set>
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/file_util.h"
#include "cli/pipeline.h"
#include "cli/sections.h"
#include "support/parallel.h"

namespace heron::cli {
namespace {

void print_error(const std::string& file, const std::string& location,
                 std::string_view message) {
  if (location.empty()) {
    fmt::print(stderr, "{}: error: {}\n", file, one_line(message));
  } else {
    fmt::print(stderr, "{}:{}: error: {}\n", file, location, one_line(message));
  }
}

std::string offset_location(const Error& error) {
  return error.has_offset() ? fmt::format("{}", error.offset) : std::string();
}

// A text parse error: its line, or the line of its source offset.
std::string text_location(const Error& error, std::string_view source) {
  if (error.line != 0) return fmt::format("{}", error.line);
  if (error.has_offset() && error.offset <= source.size()) {
    return fmt::format("{}", line_of_offset(source, error.offset));
  }
  return {};
}

// Validates one file; returns true when valid.
bool validate_one(const std::string& file, uint32_t threads) {
  Result<std::vector<uint8_t>> bytes = read_file(file);
  if (!bytes.ok()) {
    print_error(file, {}, bytes.error().message);
    return false;
  }
  if (is_binary_input(file, *bytes)) {
    Result<void> checked = check_binary(*bytes, nullptr, Features{}, threads);
    if (checked.ok()) return true;
    print_error(file, offset_location(checked.error()),
                checked.error().message);
    return false;
  }
  std::string_view source(reinterpret_cast<const char*>(bytes->data()),
                          bytes->size());
  Result<std::vector<uint8_t>> encoded = encode_text(source);
  if (!encoded.ok()) {
    print_error(file, text_location(encoded.error(), source),
                encoded.error().message);
    return false;
  }
  Result<void> checked = check_binary(*encoded, nullptr, Features{}, threads);
  if (checked.ok()) return true;
  std::string message = checked.error().message;
  if (checked.error().has_offset()) {
    message += fmt::format(" (offset {} in the encoded binary)",
                           checked.error().offset);
  }
  print_error(file, {}, message);
  return false;
}

// The prefix lengths to try for a module of `size` bytes: all of them when
// few, else an even sample plus both sides of every section edge (where the
// decoder switches from one section's reader to the next).
std::vector<size_t> prefix_lengths(size_t size, const SectionWalk& walk,
                                   uint32_t max_prefixes) {
  std::set<size_t> lengths;
  if (max_prefixes == 0 || size <= max_prefixes) {
    for (size_t n = 0; n < size; ++n) lengths.insert(n);
  } else {
    for (size_t n = 0; n <= 9 && n < size; ++n) lengths.insert(n);
    for (uint32_t i = 0; i < max_prefixes; ++i) {
      lengths.insert(size_t(uint64_t(size) * i / max_prefixes));
    }
    for (const SectionHeader& s : walk.sections) {
      for (uint64_t edge : {s.offset, s.payload_offset, s.end()}) {
        for (uint64_t n = edge > 0 ? edge - 1 : 0; n <= edge + 1; ++n) {
          if (n < size) lengths.insert(size_t(n));
        }
      }
    }
  }
  return {lengths.begin(), lengths.end()};
}

struct TruncationTally {
  uint64_t prefixes = 0;
  uint64_t rejected = 0;
  uint64_t valid_at_edge = 0;
  uint64_t problems = 0;
};

void check_truncations(const std::string& file, uint32_t max_prefixes,
                       TruncationTally& total) {
  Result<std::vector<uint8_t>> bytes = read_file(file);
  if (!bytes.ok()) {
    print_error(file, {}, bytes.error().message);
    ++total.problems;
    return;
  }
  std::vector<uint8_t> binary = std::move(*bytes);
  if (!is_binary_input(file, binary)) {
    std::string_view source(reinterpret_cast<const char*>(binary.data()),
                            binary.size());
    Result<std::vector<uint8_t>> encoded = encode_text(source);
    if (!encoded.ok()) {
      print_error(file, text_location(encoded.error(), source),
                  encoded.error().message);
      ++total.problems;
      return;
    }
    binary = std::move(*encoded);
  }
  SectionWalk walk = walk_sections(binary);
  std::set<uint64_t> edges;
  if (walk.header_ok) {
    edges.insert(8);
    for (const SectionHeader& s : walk.sections) edges.insert(s.end());
  }
  for (size_t length : prefix_lengths(binary.size(), walk, max_prefixes)) {
    ++total.prefixes;
    std::span<const uint8_t> prefix(binary.data(), length);
    Result<void> checked = check_binary(prefix);
    if (checked.ok()) {
      if (edges.count(length)) {
        ++total.valid_at_edge;
      } else {
        ++total.problems;
        fmt::print(stderr,
                   "{}: prefix of {} bytes: accepted, but it cuts a section\n",
                   file, length);
      }
      continue;
    }
    ++total.rejected;
    const Error& error = checked.error();
    if (error.message.empty()) {
      ++total.problems;
      fmt::print(stderr, "{}: prefix of {} bytes: rejected with no message\n",
                 file, length);
    } else if (error.has_offset() && error.offset > length) {
      ++total.problems;
      fmt::print(stderr,
                 "{}: prefix of {} bytes: error offset {} is past the end "
                 "({})\n",
                 file, length, error.offset, one_line(error.message));
    }
  }
}

}  // namespace

int run_validate(const ValidateOptions& options) {
  if (options.truncations) {
    TruncationTally total;
    for (const std::string& file : options.files) {
      check_truncations(file, options.max_prefixes, total);
    }
    fmt::print(
        "{} file{}, {} prefixes: {} rejected, {} valid at section edges, {} "
        "problems\n",
        options.files.size(), options.files.size() == 1 ? "" : "s",
        total.prefixes, total.rejected, total.valid_at_edge, total.problems);
    return total.problems == 0 ? kExitOk : kExitFailure;
  }
  bool all_valid = true;
  const uint32_t threads = resolve_thread_count(options.threads);
  for (const std::string& file : options.files) {
    if (!validate_one(file, threads)) all_valid = false;
  }
  return all_valid ? kExitOk : kExitFailure;
}

}  // namespace heron::cli
