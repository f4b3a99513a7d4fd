#include "biac/base/status.h"

#include <gtest/gtest.h>

namespace biac {
namespace {

Result<int> ParsePositive(int x) {
  if (x <= 0) return InvalidArgument("value " + std::to_string(x) + " is not positive");
  return x;
}

Result<int> Doubled(int x) {
  BIAC_ASSIGN_OR_RETURN(const int v, ParsePositive(x));
  return 2 * v;
}

Status Check(int x) {
  BIAC_RETURN_IF_ERROR(ParsePositive(x).status());
  return Status::Ok();
}

TEST(StatusTest, OkAndErrorCarryCodeAndMessage) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "ok");
  const Status s = NotFound("track 7");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "not found: track 7");
}

TEST(StatusTest, ResultPropagatesThroughMacros) {
  EXPECT_EQ(*Doubled(4), 8);
  const Result<int> bad = Doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message(), "value -1 is not positive");
  EXPECT_TRUE(Check(3).ok());
  EXPECT_EQ(Check(0).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace biac
