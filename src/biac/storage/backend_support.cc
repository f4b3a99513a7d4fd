#include "biac/storage/backend_support.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <utility>

#include "biac/model/picture_json.h"

namespace biac::storage::detail {

int64_t ClampLimit(size_t limit) {
  return static_cast<int64_t>(
      std::min<uint64_t>(limit, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
}

Timestamp WallNow() {
  return Timestamp::FromNanos(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
}

Status CheckBoxBounds(double west, double south, double east, double north) {
  if (std::isnan(west) || std::isnan(south) || std::isnan(east) || std::isnan(north)) {
    return InvalidArgument("current tracks in box: a bound is NaN");
  }
  return Status::Ok();
}

Result<std::vector<model::FusedTrack>> ParseTracks(
    size_t count, const std::function<std::string_view(size_t)>& json, Timestamp time,
    std::string_view where) {
  std::string text = model::PictureToJson(model::Picture{time, {}});
  text.resize(text.size() - 2);  // drop "]}"
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) text += ',';
    text += json(i);
  }
  text += "]}";
  Result<model::Picture> picture = model::PictureFromJson(text);
  if (!picture.ok()) {
    return Internal(std::string(where) + ": stored track JSON: " + picture.error().message());
  }
  return std::move(picture->tracks);
}

}  // namespace biac::storage::detail
