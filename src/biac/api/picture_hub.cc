#include "biac/api/picture_hub.h"

#include <algorithm>
#include <utility>

namespace biac::api {

const model::FusedTrack* PublishedPicture::Find(uint64_t id) const {
  const auto& tracks = picture.tracks;
  auto it = std::lower_bound(tracks.begin(), tracks.end(), id,
                             [](const model::FusedTrack& t, uint64_t v) { return t.id < v; });
  return it != tracks.end() && it->id == id ? &*it : nullptr;
}

PictureHub::PictureHub(std::vector<std::string> audiences) : audiences_(std::move(audiences)) {
  latest_.reserve(audiences_.size());
  for (size_t i = 0; i < audiences_.size(); ++i) {
    latest_.push_back(std::make_shared<const PublishedPicture>());
  }
}

void PictureHub::Publish(size_t index, model::Picture picture, Timestamp now) {
  auto published = std::make_shared<PublishedPicture>();
  published->picture = std::move(picture);
  published->published = now;
  {
    std::lock_guard lock(mutex_);
    published->version = ++version_;
    latest_.at(index) = std::move(published);
  }
  changed_.notify_all();
}

std::shared_ptr<const PublishedPicture> PictureHub::Latest(size_t index) const {
  std::lock_guard lock(mutex_);
  return latest_.at(index);
}

std::optional<size_t> PictureHub::IndexOf(std::string_view audience) const {
  for (size_t i = 0; i < audiences_.size(); ++i) {
    if (audiences_[i] == audience) return i;
  }
  return std::nullopt;
}

uint64_t PictureHub::WaitNewer(uint64_t seen, Duration timeout) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return version_ > seen || closed_; });
  return version_;
}

uint64_t PictureHub::version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

void PictureHub::Close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

bool PictureHub::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace biac::api
