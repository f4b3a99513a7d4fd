#pragma once

// Small pieces the two Store backends (store.cc: SQLite, postgres_store.cc: PostgreSQL)
// share besides their writer (writer_queue.h). Internal to the storage module.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/model/picture.h"

namespace biac::storage::detail {

inline constexpr double kMaxLongitude = 180.0;

// A SQL LIMIT for a size_t count: clamped to the int64 the databases take.
int64_t ClampLimit(size_t limit);

// The wall clock, which automatic retention runs against (store.h StoreOptions).
Timestamp WallNow();

// A slice [offset, offset + size) of a batch's byte arena.
struct Slice {
  size_t offset = 0;
  size_t size = 0;
  std::string_view In(const std::string& arena) const {
    return std::string_view(arena).substr(offset, size);
  }
};

// Appends `bytes` to `arena`; where they are. Inline: four calls per observation encoded.
inline Slice AppendTo(std::string& arena, std::string_view bytes) {
  Slice slice{arena.size(), bytes.size()};
  arena.append(bytes);
  return slice;
}

// CurrentInBox's bounds: InvalidArgument when one is NaN.
Status CheckBoxBounds(double west, double south, double east, double north);

// Parses `count` stored track JSON texts (canonical FusedTrackToJson, model/picture_json.h;
// the i-th is json(i)) through the picture reader. An error names `where`: a stored text
// the reader refuses is a bug or a damaged store.
Result<std::vector<model::FusedTrack>> ParseTracks(
    size_t count, const std::function<std::string_view(size_t)>& json, Timestamp time,
    std::string_view where);

}  // namespace biac::storage::detail
