#include "biac/formats/gmti/types.h"

#include <algorithm>
#include <limits>

#include "biac/base/bits.h"

namespace biac::formats::gmti {

int64_t MinRaw(WireType type) {
  const WireTypeInfo info = Info(type);
  if (info.size == 0) return 0;
  return info.is_signed ? -(int64_t{1} << (8 * info.size - 1)) : 0;
}

int64_t MaxRaw(WireType type) {
  const WireTypeInfo info = Info(type);
  if (info.size == 0) return 0;
  return info.is_signed ? (int64_t{1} << (8 * info.size - 1)) - 1
                        : (int64_t{1} << (8 * info.size)) - 1;
}

int64_t QuantizeValue(const FieldSpec& field, double value) {
  const WireTypeInfo info = Info(field.type);
  if (field.is_text() || !std::isfinite(value)) return 0;
  if (field.type == WireType::kB16) {
    // Sign and magnitude; a value that rounds to zero is written as +0.
    const double magnitude = std::min(std::nearbyint(std::fabs(value) * field.divisor / info.lsb),
                                      static_cast<double>(kB16Magnitude));
    const auto pattern = static_cast<int64_t>(magnitude);
    return value < 0 && pattern != 0 ? pattern | kB16SignBit : pattern;
  }
  const double counts = std::nearbyint(value * field.divisor / info.lsb);
  const bool angle = field.type == WireType::kBa16 || field.type == WireType::kBa32 ||
                     field.type == WireType::kSa16 || field.type == WireType::kSa32;
  if (angle) {
    // Binary angles wrap around the circle: reduce modulo 2^bits, then reinterpret.
    const double modulus = std::ldexp(1.0, 8 * info.size);
    double wrapped = std::fmod(counts, modulus);
    if (wrapped < 0) wrapped += modulus;
    auto raw = static_cast<int64_t>(wrapped);
    if (info.is_signed && raw > MaxRaw(field.type)) raw -= static_cast<int64_t>(modulus);
    return raw;
  }
  const double lo = static_cast<double>(MinRaw(field.type));
  const double hi = static_cast<double>(MaxRaw(field.type));
  return static_cast<int64_t>(std::clamp(counts, lo, hi));
}

void WriteRaw(std::span<uint8_t> bytes, WireType type, int64_t raw) {
  const WireTypeInfo info = Info(type);
  const auto u = static_cast<uint64_t>(raw);
  for (size_t i = 0; i < info.size; ++i) {
    bytes[i] = static_cast<uint8_t>(u >> (8 * (info.size - 1 - i)));
  }
}

std::string_view TrimText(std::string_view text) {
  size_t end = text.size();
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\0')) --end;
  return text.substr(0, end);
}

}  // namespace biac::formats::gmti
