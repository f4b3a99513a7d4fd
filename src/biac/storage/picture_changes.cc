#include "biac/storage/picture_changes.h"

#include <bit>
#include <cstring>
#include <string_view>

namespace biac::storage {
namespace {

// Two lanes with different multipliers (the 64-bit golden ratio and a prime of the same
// size), each a multiply-xorshift per 64-bit word, finished with an avalanche; one word
// of difference changes both lanes.
constexpr uint64_t kMulA = 0x9E3779B97F4A7C15ULL;
constexpr uint64_t kMulB = 0xC2B2AE3D27D4EB4FULL;
constexpr int kShift = 29;
constexpr int kRotate = 31;

class Hasher {
 public:
  void Word(uint64_t w) {
    a_ = (a_ ^ w) * kMulA;
    a_ ^= a_ >> kShift;
    b_ = std::rotl(b_ + w, kRotate) * kMulB;
  }
  void Double(double d) { Word(std::bit_cast<uint64_t>(d)); }
  // The length first, so that concatenations of strings cannot collide by construction.
  void Text(std::string_view s) {
    Word(s.size());
    size_t i = 0;
    for (; i + sizeof(uint64_t) <= s.size(); i += sizeof(uint64_t)) {
      uint64_t w = 0;
      std::memcpy(&w, s.data() + i, sizeof(w));
      Word(w);
    }
    if (i < s.size()) {
      uint64_t w = 0;
      std::memcpy(&w, s.data() + i, s.size() - i);
      Word(w);
    }
  }
  TrackFingerprint Finish() const { return {Mix(a_), Mix(b_ ^ a_)}; }

 private:
  static uint64_t Mix(uint64_t x) {  // the finaliser of SplitMix64
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
  }
  uint64_t a_ = 0x243F6A8885A308D3ULL;  // digits of pi: any non-zero start
  uint64_t b_ = 0x13198A2E03707344ULL;
};

template <typename T>
void Optional(Hasher& h, const std::optional<T>& value) {
  h.Word(value.has_value() ? 1 : 0);
  if (value) h.Word(static_cast<uint64_t>(*value));
}

void Strings(Hasher& h, const std::vector<std::string>& values) {
  h.Word(values.size());
  for (const std::string& s : values) h.Text(s);
}

void LabelOf(Hasher& h, const labels::Label& label) {
  h.Word(label.origins().size());
  for (const labels::Origin& o : label.origins()) {
    h.Text(o.policy);
    h.Text(o.level);
    h.Word(static_cast<uint64_t>(o.equivalent) | (uint64_t{o.rank} << 8) |
           (uint64_t{o.explicit_equivalent} << 16));
  }
  h.Word(static_cast<uint64_t>(label.level()) | (static_cast<uint64_t>(label.fgi()) << 8) |
         (uint64_t{label.releasable_to_all()} << 16));
  Strings(h, label.sci());
  Strings(h, label.caveats());
  Strings(h, label.fgi_codes());
  if (!label.releasable_to_all()) Strings(h, label.releasable_to());
}

}  // namespace

TrackFingerprint FingerprintOf(const model::FusedTrack& track) {
  Hasher h;
  h.Word(track.id);
  h.Word(static_cast<uint64_t>(track.time.nanos()));
  h.Double(track.position.latitude_deg);
  h.Double(track.position.longitude_deg);
  h.Double(track.position.altitude_m);
  h.Word(track.has_altitude ? 1 : 0);
  for (int i = 0; i < track.velocity_enu.size(); ++i) h.Double(track.velocity_enu[i]);
  for (int i = 0; i < track.covariance.size(); ++i) h.Double(track.covariance.data()[i]);
  const model::TrackIdentity& id = track.identity;
  Optional(h, id.mmsi);
  Optional(h, id.icao_address);
  Optional(h, id.mode3a);
  h.Text(id.callsign);
  h.Text(id.name);
  h.Word(id.track_numbers.size());
  for (const model::SourceTrackNumber& n : id.track_numbers) {
    h.Text(n.source);
    h.Word(n.number);
  }
  h.Word(static_cast<uint64_t>(track.domain));
  h.Text(track.category);
  LabelOf(h, track.label);
  Strings(h, track.sources);
  h.Word(track.provenance.size());
  for (const model::ObservationId p : track.provenance) h.Word(static_cast<uint64_t>(p));
  h.Word(track.updates);
  return h.Finish();
}

PictureMemory::View& PictureMemory::Of(const std::string& view) {
  std::lock_guard lock(mu_);
  std::unique_ptr<View>& memory = views_[view];
  if (memory == nullptr) memory = std::make_unique<View>();
  return *memory;
}

std::unique_lock<std::mutex> PictureMemory::Diff(const std::string& view,
                                                 const model::Picture& picture,
                                                 PictureChanges& out) {
  View& memory = Of(view);
  std::unique_lock lock(memory.mu);
  const uint64_t resyncs = resyncs_.load();
  if (memory.resyncs != resyncs) {
    memory.tracks.clear();
    memory.resyncs = resyncs;
  }
  const uint64_t generation = ++memory.generation;
  for (const model::FusedTrack& track : picture.tracks) {
    const TrackFingerprint fingerprint = FingerprintOf(track);
    auto [it, inserted] = memory.tracks.try_emplace(track.id);
    Track& known = it->second;
    if (!inserted && known.seen == generation) continue;  // listed twice: the first state
    known.seen = generation;
    if (!inserted && known.fingerprint == fingerprint) {
      out.kept.push_back(track.id);
      continue;
    }
    known.fingerprint = fingerprint;
    out.changed.push_back(&track);
  }
  for (auto it = memory.tracks.begin(); it != memory.tracks.end();) {
    if (it->second.seen == generation) {
      ++it;
    } else {
      ++out.ended;
      it = memory.tracks.erase(it);
    }
  }
  return lock;
}

}  // namespace biac::storage
