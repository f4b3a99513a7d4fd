#include "biac/fusion/shared_picture.h"

#include <algorithm>

namespace biac::fusion {

SharedTrack MakeSharedTrack(model::FusedTrack track, uint32_t label_id) {
  SharedTrack out;
  out.id = track.id;
  out.time_ns = track.time.nanos();
  out.latitude_deg = track.position.latitude_deg;
  out.longitude_deg = track.position.longitude_deg;
  out.label_id = label_id;
  out.track = std::make_shared<const model::FusedTrack>(std::move(track));
  return out;
}

const std::shared_ptr<const SharedTracks::Entries>& SharedTracks::Empty() {
  static const std::shared_ptr<const Entries> empty = std::make_shared<const Entries>();
  return empty;
}

const model::FusedTrack* SharedPicture::Find(uint64_t id) const {
  const auto& entries = tracks.entries();
  auto it = std::lower_bound(entries.begin(), entries.end(), id,
                             [](const SharedTrack& t, uint64_t v) { return t.id < v; });
  return it != entries.end() && it->id == id ? it->track.get() : nullptr;
}

SharedPicture ToShared(model::Picture picture) {
  std::sort(picture.tracks.begin(), picture.tracks.end(),
            [](const model::FusedTrack& a, const model::FusedTrack& b) { return a.id < b.id; });
  auto entries = std::make_shared<SharedTracks::Entries>();
  entries->reserve(picture.tracks.size());
  for (model::FusedTrack& t : picture.tracks) entries->push_back(MakeSharedTrack(std::move(t)));
  SharedPicture out;
  out.time = picture.time;
  out.tracks = SharedTracks(std::move(entries));
  return out;
}

model::Picture ToPicture(const SharedPicture& picture) {
  model::Picture out;
  out.time = picture.time;
  out.tracks.reserve(picture.tracks.size());
  for (const model::FusedTrack& t : picture.tracks) out.tracks.push_back(t);
  return out;
}

}  // namespace biac::fusion
