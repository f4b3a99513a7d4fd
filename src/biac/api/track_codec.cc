#include "biac/api/track_codec.h"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <numbers>
#include <string_view>
#include <unordered_map>

#include "biac/labels/label.h"
#include "biac/model/picture_json.h"

namespace biac::api {

namespace {

constexpr int64_t kNanosPerMilli = 1'000'000;
constexpr double kDegreesToE7 = 1e7;

void AppendKey(std::string& out, std::string_view key) {
  out += ",\"";
  out += key;
  out += "\":";
}

template <typename T>
void Put(std::string& out, T value) {
  static_assert(std::endian::native == std::endian::little, "binary stream form is little-endian");
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

}  // namespace

int64_t UnixMillis(Timestamp time) {
  // Floor division, so times before 1970 round down like the milliseconds they are.
  const int64_t nanos = time.nanos();
  return nanos >= 0 ? nanos / kNanosPerMilli : -((-nanos + kNanosPerMilli - 1) / kNanosPerMilli);
}

void AppendCompactTrack(std::string& out, const model::FusedTrack& t) {
  out += fmt::format("{{\"id\":{},\"t\":{},\"lat\":{:.7f},\"lon\":{:.7f}", t.id, UnixMillis(t.time),
                     t.position.latitude_deg, t.position.longitude_deg);
  if (t.has_altitude) out += fmt::format(",\"alt\":{:.1f}", t.position.altitude_m);
  const double ve = t.velocity_enu.x();
  const double vn = t.velocity_enu.y();
  const double sog = std::hypot(ve, vn);
  double cog = std::atan2(ve, vn) * 180.0 / std::numbers::pi;
  if (cog < 0) cog += 360.0;
  out += fmt::format(",\"ve\":{:.2f},\"vn\":{:.2f},\"vu\":{:.2f},\"sog\":{:.2f},\"cog\":{:.1f}", ve,
                     vn, t.velocity_enu.z(), sog, cog);
  const double horizontal_variance = 0.5 * (t.covariance(0, 0) + t.covariance(1, 1));
  out += fmt::format(",\"sd\":{:.1f}", std::sqrt(std::max(0.0, horizontal_variance)));
  AppendKey(out, "dom");
  model::AppendJsonString(out, model::DomainName(t.domain));
  if (!t.category.empty()) {
    AppendKey(out, "cat");
    model::AppendJsonString(out, t.category);
  }
  AppendKey(out, "label");
  model::AppendJsonString(out, labels::Render(t.label));
  const model::TrackIdentity& id = t.identity;
  if (id.mmsi) out += fmt::format(",\"mmsi\":{}", *id.mmsi);
  if (id.icao_address) out += fmt::format(",\"icao\":\"{:06x}\"", *id.icao_address);
  if (id.mode3a) out += fmt::format(",\"m3a\":\"{:04o}\"", *id.mode3a);
  if (!id.callsign.empty()) {
    AppendKey(out, "cs");
    model::AppendJsonString(out, id.callsign);
  }
  if (!id.name.empty()) {
    AppendKey(out, "name");
    model::AppendJsonString(out, id.name);
  }
  if (!id.track_numbers.empty()) {
    AppendKey(out, "tn");
    out += '[';
    for (size_t i = 0; i < id.track_numbers.size(); ++i) {
      if (i) out += ',';
      model::AppendJsonString(out, fmt::format("{}:{}", id.track_numbers[i].source,
                                               id.track_numbers[i].number));
    }
    out += ']';
  }
  AppendKey(out, "src");
  out += '[';
  for (size_t i = 0; i < t.sources.size(); ++i) {
    if (i) out += ',';
    model::AppendJsonString(out, t.sources[i]);
  }
  out += fmt::format("],\"n\":{}}}", t.updates);
}

std::string CompactTrack(const model::FusedTrack& track) {
  std::string out;
  AppendCompactTrack(out, track);
  return out;
}

namespace {

// The message's string table: each distinct string once, in first-use order, indexed by u16.
class StringTable {
 public:
  // The index of `text`, added when new; kNoString when the table or the text is too long.
  uint16_t Index(std::string_view text) {
    if (auto it = index_.find(text); it != index_.end()) return it->second;
    if (strings_.size() >= kNoString || text.size() > std::numeric_limits<uint16_t>::max()) {
      return kNoString;
    }
    const auto k = static_cast<uint16_t>(strings_.size());
    strings_.emplace_back(text);
    index_.emplace(strings_.back(), k);
    return k;
  }

  void Write(std::string& out) const {
    Put<uint16_t>(out, static_cast<uint16_t>(strings_.size()));
    for (const std::string& text : strings_) {
      Put<uint16_t>(out, static_cast<uint16_t>(text.size()));
      out += text;
    }
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::deque<std::string> strings_;  // a deque: the map's keys view strings that never move
  std::unordered_map<std::string_view, uint16_t, Hash, std::equal_to<>> index_;
};

}  // namespace

std::string EncodeBinaryMessage(uint8_t type, Timestamp time,
                                std::span<const model::FusedTrack* const> tracks,
                                std::span<const uint64_t> removed) {
  StringTable strings;
  // Labels first, so that they always have an index (a picture has few labels: compare label
  // values, render each distinct one once). Neighbouring tracks mostly share a label (one
  // sensor's tracks, an area's): the previous track's label is compared first.
  std::vector<const labels::Label*> distinct;
  std::vector<uint16_t> label_index;
  std::vector<uint16_t> label_of(tracks.size());
  size_t last = 0;
  for (size_t i = 0; i < tracks.size(); ++i) {
    const labels::Label& label = tracks[i]->label;
    size_t k = last;
    if (k >= distinct.size() || !(*distinct[k] == label)) {
      k = 0;
      while (k < distinct.size() && (k == last || !(*distinct[k] == label))) ++k;
      if (k == distinct.size()) {
        distinct.push_back(&label);
        label_index.push_back(strings.Index(labels::Render(label)));
      }
    }
    last = k;
    label_of[i] = label_index[k];
  }
  std::vector<uint16_t> attributes(2 * tracks.size());
  std::string source_set;
  for (size_t i = 0; i < tracks.size(); ++i) {
    const model::FusedTrack& t = *tracks[i];
    attributes[2 * i] = t.category.empty() ? kNoString : strings.Index(t.category);
    source_set.clear();
    for (size_t s = 0; s < t.sources.size(); ++s) {
      if (s) source_set += kSourceSeparator;
      source_set += t.sources[s];
    }
    attributes[2 * i + 1] = t.sources.empty() ? kNoString : strings.Index(source_set);
  }

  std::string out;
  out.reserve(32 + tracks.size() * (kBinaryRecordSize + kBinaryAttributesSize) +
              removed.size() * 4);
  out += "BT";
  Put<uint8_t>(out, kBinaryVersion);
  Put<uint8_t>(out, type);
  const int64_t time_ms = UnixMillis(time);
  Put<int64_t>(out, time_ms);
  strings.Write(out);
  Put<uint32_t>(out, static_cast<uint32_t>(tracks.size()));
  for (size_t i = 0; i < tracks.size(); ++i) {
    const model::FusedTrack& t = *tracks[i];
    Put<uint32_t>(out, static_cast<uint32_t>(t.id));
    Put<int32_t>(out, static_cast<int32_t>(UnixMillis(t.time) - time_ms));
    Put<int32_t>(out, static_cast<int32_t>(std::lround(t.position.latitude_deg * kDegreesToE7)));
    Put<int32_t>(out, static_cast<int32_t>(std::lround(t.position.longitude_deg * kDegreesToE7)));
    Put<float>(out, t.has_altitude ? static_cast<float>(t.position.altitude_m)
                                   : std::numeric_limits<float>::quiet_NaN());
    Put<float>(out, static_cast<float>(t.velocity_enu.x()));
    Put<float>(out, static_cast<float>(t.velocity_enu.y()));
    Put<uint16_t>(out, label_of[i]);
    Put<uint8_t>(out, static_cast<uint8_t>(t.domain));
    Put<uint8_t>(out, t.has_altitude ? 1 : 0);
  }
  Put<uint32_t>(out, static_cast<uint32_t>(removed.size()));
  for (uint64_t id : removed) Put<uint32_t>(out, static_cast<uint32_t>(id));
  for (uint16_t index : attributes) Put<uint16_t>(out, index);
  return out;
}

}  // namespace biac::api
