#include "biac/base/number_format.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

namespace biac {
namespace {

TEST(NumberFormatTest, ShortestRoundTrip) {
  EXPECT_EQ(FormatShortest(0.1), "0.1");
  EXPECT_EQ(FormatShortest(80.64909827751065), "80.64909827751065");
  EXPECT_EQ(FormatShortest(3.0), "3");
  EXPECT_EQ(FormatShortest(-2.5e-7), "-2.5e-07");
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> dist(-1e6, 1e6);
  for (int i = 0; i < 1000; ++i) {
    const double v = dist(rng);
    EXPECT_EQ(std::strtod(FormatShortest(v).c_str(), nullptr), v);
  }
}

}  // namespace
}  // namespace biac
