// Result<T> and Error: the error-passing contract of the library.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "heron/error.h"

namespace heron {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return Error(ErrorKind::Malformed, "not a digit", 7);
  return c - '0';
}

TEST(Result, CarriesValue) {
  Result<int> r = parse_digit('4');
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 4);
}

TEST(Result, CarriesErrorWithLocation) {
  Result<int> r = parse_digit('x');
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(r.error().message, "not a digit");
  EXPECT_EQ(r.error().offset, 7u);
  EXPECT_STREQ(error_kind_name(r.error().kind), "malformed");
}

TEST(Result, MoveOnlyValues) {
  Result<std::unique_ptr<std::string>> r = std::make_unique<std::string>("x");
  ASSERT_TRUE(r.ok());
  std::unique_ptr<std::string> p = std::move(r).value();
  EXPECT_EQ(*p, "x");
}

TEST(Result, Void) {
  Result<void> ok;
  EXPECT_TRUE(ok.ok());
  Result<void> bad = Error(ErrorKind::Invalid, "type mismatch");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "type mismatch");
  EXPECT_FALSE(bad.error().has_offset());
}

}  // namespace
}  // namespace heron
