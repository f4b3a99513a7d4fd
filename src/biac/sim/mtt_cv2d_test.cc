#include "biac/sim/mtt_cv2d.h"

#include <gtest/gtest.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>

namespace biac::sim {
namespace {

// Python's repr(float) (shortest round-trip digits; fixed notation for decimal exponents in
// [-4, 16), else d.ddde+XX), to rebuild the reference generator's dump byte for byte.
std::string PyRepr(double v) {
  std::array<char, 40> buf{};
  const auto r =
      std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::scientific);
  const std::string s(buf.data(), r.ptr);
  const std::size_t e_pos = s.find('e');
  std::string mantissa = s.substr(0, e_pos);
  const int exponent = std::stoi(s.substr(e_pos + 1));
  std::string sign;
  if (mantissa[0] == '-') {
    sign = "-";
    mantissa.erase(0, 1);
  }
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return sign + "0." + std::string(-exponent - 1, '0') + digits;
    if (digits.size() <= static_cast<std::size_t>(exponent) + 1) {
      return sign + digits + std::string(exponent + 1 - digits.size(), '0') + ".0";
    }
    return sign + digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
  }
  std::string out = sign + digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char exp[16];
  std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return out + exp;
}

TEST(PyReprTest, MatchesPythonForms) {
  EXPECT_EQ(PyRepr(0.0), "0.0");
  EXPECT_EQ(PyRepr(3.0), "3.0");
  EXPECT_EQ(PyRepr(100000.0), "100000.0");
  EXPECT_EQ(PyRepr(82.79839554134955), "82.79839554134955");
  EXPECT_EQ(PyRepr(-0.00012), "-0.00012");
  EXPECT_EQ(PyRepr(1.5e-05), "1.5e-05");
  EXPECT_EQ(PyRepr(1e16), "1e+16");
}

// SHA-256 (FIPS 180-4), enough to check the reference checksums.
std::string Sha256Hex(const std::string& message) {
  static constexpr std::uint32_t kK[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  std::uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string data = message;
  const std::uint64_t bits = static_cast<std::uint64_t>(message.size()) * 8;
  data += static_cast<char>(0x80);
  while (data.size() % 64 != 56) data += '\0';
  for (int i = 7; i >= 0; --i) data += static_cast<char>((bits >> (8 * i)) & 0xff);
  auto rotr = [](std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  for (std::size_t block = 0; block < data.size(); block += 64) {
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      w[i] = 0;
      for (int b = 0; b < 4; ++b) {
        w[i] = (w[i] << 8) | static_cast<unsigned char>(data[block + 4 * i + b]);
      }
    }
    for (int i = 16; i < 64; ++i) {
      const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      const std::uint32_t t1 =
          hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
      const std::uint32_t t2 =
          (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
  }
  std::string hex;
  char part[9];
  for (std::uint32_t v : h) {
    std::snprintf(part, sizeof part, "%08x", v);
    hex += part;
  }
  return hex;
}

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// The reference's `--dump` detections.csv: `scan,t,x,y,truth_id`, floats as repr, CRLF rows
// (Python's csv module).
std::string ReferenceDump(const SimulationOutput& out, double period) {
  std::string text = "scan,t,x,y,truth_id\r\n";
  for (const Detection& d : out.detections) {
    const long scan = std::lround(d.time / period);
    text += std::to_string(scan) + "," + PyRepr(static_cast<double>(scan)) + "," +
            PyRepr(d.values[0]) + "," + PyRepr(d.values[1]) + "," + std::to_string(d.truth_id) +
            "\r\n";
  }
  return text;
}

TEST(MttCv2dTest, CheckValuesForTenTargets) {
  const SimulationOutput out = GenerateMttCv2d(MttCv2dOptions{});
  ASSERT_EQ(out.truth.TimeCount(), 100u);
  ASSERT_EQ(out.truth.states.size(), 1000u);
  const TruthState& first = out.truth.states[0];
  EXPECT_EQ(first.time, 0.0);
  EXPECT_EQ(first.id, 0);
  // Exact: the generator is bit-identical to the reference.
  EXPECT_EQ(first.position.x(), 80.64909827751065);
  EXPECT_EQ(first.velocity.x(), 0.6159699133368647);
  EXPECT_EQ(first.position.y(), 2005.1637321966393);
  EXPECT_EQ(first.velocity.y(), 1.5782387023988815);
  ASSERT_FALSE(out.detections.empty());
  EXPECT_EQ(out.detections[0].values[0], 82.79839554134955);
  EXPECT_EQ(out.detections[0].values[1], 2027.0847247457982);
  EXPECT_EQ(out.detections[0].truth_id, 0);
  EXPECT_EQ(out.detections.size(), 1882u);
  // Last truth of the last scan and the last detection (a clutter point), from the reference.
  const TruthState& last = out.truth.states.back();
  EXPECT_EQ(last.time, 99.0);
  EXPECT_EQ(last.id, 9);
  EXPECT_EQ(last.position.x(), 1792.000193132793);
  EXPECT_EQ(last.velocity.x(), 5.289966577237219);
  EXPECT_EQ(last.position.y(), 1210.6904470808815);
  EXPECT_EQ(last.velocity.y(), 3.048157047285127);
  EXPECT_EQ(out.detections.back().values[0], 2299.870769865718);
  EXPECT_EQ(out.detections.back().values[1], 1956.186391496622);
  EXPECT_EQ(out.detections.back().truth_id, kClutter);
  EXPECT_EQ(Sha256Hex(ReferenceDump(out, 1.0)),
            "5368ed53f12078058587ef07beb231e8852344568f68ce83c83f7598f6c5e2f4");
}

TEST(MttCv2dTest, HundredTargetsMatchReference) {
  MttCv2dOptions options;
  options.targets = 100;
  const SimulationOutput n100 = GenerateMttCv2d(options);
  EXPECT_EQ(n100.detections.size(), 18945u);
  EXPECT_EQ(Sha256Hex(ReferenceDump(n100, 1.0)),
            "ea71f24513b0bc7a8ee8c2e2df27e6063a9248e3a2ad9fca0211910da2a3b1ad");
}

TEST(MttCv2dTest, ThousandTargetsMatchReference) {
  MttCv2dOptions options;
  options.targets = 1000;
  const SimulationOutput n1000 = GenerateMttCv2d(options);
  EXPECT_EQ(n1000.detections.size(), 189947u);
  EXPECT_EQ(Sha256Hex(ReferenceDump(n1000, 1.0)),
            "0d474c045fff40ee4e9d96227b548bdcd59460d5e14401a19227a8130ef95431");
}

TEST(MttCv2dTest, TruthOriginIsKeptAndConsistent) {
  const SimulationOutput out = GenerateMttCv2d(MttCv2dOptions{});
  const double side = MttCv2dRegionSide(MttCv2dOptions{});
  EXPECT_NEAR(side, 3162.2776601683795, 1e-9);
  int from_targets = 0;
  int clutter = 0;
  for (const Detection& d : out.detections) {
    ASSERT_GE(d.truth_id, kClutter);
    ASSERT_LT(d.truth_id, 10);
    const std::size_t k = static_cast<std::size_t>(d.time);
    if (d.truth_id == kClutter) {
      ++clutter;
      EXPECT_GE(d.values[0], 0.0);
      EXPECT_LT(d.values[0], side);
      continue;
    }
    ++from_targets;
    const TruthState& t = out.truth.states[out.truth.begin[k] + d.truth_id];
    ASSERT_EQ(t.id, d.truth_id);
    // sigma = 10 m per axis: 8 sigma never happens in 1700 draws (p ~ 1e-15 each).
    EXPECT_LT(std::abs(d.values[0] - t.position.x()), 80.0);
    EXPECT_LT(std::abs(d.values[1] - t.position.y()), 80.0);
  }
  // 1000 target-scans at Pd = 0.9: 900 +- 9.5 (sd); clutter Poisson(10) x 100: 1000 +- 32.
  EXPECT_NEAR(from_targets, 900, 5 * 9.5);
  EXPECT_NEAR(clutter, 1000, 5 * 31.7);
  EXPECT_EQ(from_targets + clutter, 1882);
}

TEST(MttCv2dTest, SeedsChangeTheOutputAndRepeatsDoNot) {
  MttCv2dOptions a;
  MttCv2dOptions b;
  b.seed = a.seed + 1;
  const SimulationOutput x = GenerateMttCv2d(a);
  const SimulationOutput y = GenerateMttCv2d(a);
  const SimulationOutput z = GenerateMttCv2d(b);
  EXPECT_EQ(ReferenceDump(x, 1.0), ReferenceDump(y, 1.0));
  EXPECT_NE(ReferenceDump(x, 1.0), ReferenceDump(z, 1.0));
}

TEST(MttCv2dTest, RejectsBadOptions) {
  MttCv2dOptions options;
  options.targets = 0;
  EXPECT_FALSE(ValidateMttCv2d(options).ok());
  options.targets = 10;
  options.scans = 0;
  EXPECT_FALSE(ValidateMttCv2d(options).ok());
  options.scans = 1;
  EXPECT_TRUE(ValidateMttCv2d(options).ok());
}

}  // namespace
}  // namespace biac::sim
