#pragma once

// The live pictures the API serves: the fusion thread publishes each audience's picture
// (already computed for that audience by fusion::MultiAudienceFusion, never filtered here)
// and readers (REST handlers, the WebSocket streamer, CoT out) take the latest one without
// copying it. A picture's tracks are immutable and shared (fusion/shared_picture.h): a
// track that did not change between two publications is the same object in both, so a
// publication costs what changed, and a reader holding an old picture keeps it whole.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/time.h"
#include "biac/fusion/shared_picture.h"
#include "biac/model/picture.h"

namespace biac::api {

struct PublishedPicture {
  uint64_t version = 0;     // grows by one per publication of any audience
  Timestamp published;      // wall-clock time of publication
  fusion::SharedPicture picture;  // tracks sorted by id

  // What changed since this audience's previous publication (version `previous_version`, 0
  // before the first): indices into picture.tracks of the tracks new or changed (a track
  // changed when its shared object is another one), and the ids of tracks gone. Computed
  // once per publication by pointer comparison, so that a reader that holds the previous
  // version does O(changed) work.
  uint64_t previous_version = 0;
  std::vector<uint32_t> changed;
  std::vector<uint64_t> removed;

  // The track with this id, or null.
  const model::FusedTrack* Find(uint64_t id) const;
};

class PictureHub {
 public:
  explicit PictureHub(std::vector<std::string> audiences);

  // Replaces audience `index`'s picture and wakes the waiters.
  void Publish(size_t index, fusion::SharedPicture picture, Timestamp now);
  // The same from a picture value (its tracks are moved into shared objects).
  void Publish(size_t index, model::Picture picture, Timestamp now);
  // The latest picture of an audience (an empty one before the first publication).
  std::shared_ptr<const PublishedPicture> Latest(size_t index) const;
  std::optional<size_t> IndexOf(std::string_view audience) const;
  const std::vector<std::string>& audiences() const { return audiences_; }

  // Waits until the version passes `seen` or `timeout` passes or Close(); returns the version.
  uint64_t WaitNewer(uint64_t seen, Duration timeout) const;
  uint64_t version() const;
  void Close();
  bool closed() const;

 private:
  std::vector<std::string> audiences_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<std::shared_ptr<const PublishedPicture>> latest_;
  uint64_t version_ = 0;
  bool closed_ = false;
};

}  // namespace biac::api
