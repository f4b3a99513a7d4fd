#pragma once

// Strong ids: an integer wrapped in a type per kind of thing, so a TrackId cannot be passed
// where a SensorId is expected.

#include <compare>
#include <cstdint>
#include <functional>

namespace biac {

template <typename Tag, typename Rep = uint64_t>
class StrongId {
 public:
  using rep_type = Rep;
  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep value) : value_(value) {}
  constexpr Rep value() const { return value_; }
  constexpr auto operator<=>(const StrongId&) const = default;

 private:
  Rep value_{};
};

struct TrackIdTag {};
struct SensorIdTag {};
struct TargetIdTag {};
using TrackId = StrongId<TrackIdTag>;
using SensorId = StrongId<SensorIdTag, uint32_t>;
using TargetId = StrongId<TargetIdTag>;

}  // namespace biac

template <typename Tag, typename Rep>
struct std::hash<biac::StrongId<Tag, Rep>> {
  size_t operator()(const biac::StrongId<Tag, Rep>& id) const noexcept {
    return std::hash<Rep>{}(id.value());
  }
};
