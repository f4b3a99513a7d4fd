#include "biac/api/picture_hub.h"

#include <algorithm>
#include <utility>

namespace biac::api {

const model::FusedTrack* PublishedPicture::Find(uint64_t id) const { return picture.Find(id); }

PictureHub::PictureHub(std::vector<std::string> audiences) : audiences_(std::move(audiences)) {
  latest_.reserve(audiences_.size());
  for (size_t i = 0; i < audiences_.size(); ++i) {
    latest_.push_back(std::make_shared<const PublishedPicture>());
  }
}

void PictureHub::Publish(size_t index, model::Picture picture, Timestamp now) {
  Publish(index, fusion::ToShared(std::move(picture)), now);
}

void PictureHub::Publish(size_t index, fusion::SharedPicture picture, Timestamp now) {
  auto published = std::make_shared<PublishedPicture>();
  published->picture = std::move(picture);
  published->published = now;
  std::shared_ptr<const PublishedPicture> before;
  {
    std::lock_guard lock(mutex_);
    before = latest_.at(index);
  }
  // Only this publisher replaces audience `index`'s picture, so `before` stays its previous
  // one while the difference is computed outside the lock.
  const auto& old_tracks = before->picture.tracks.entries();
  const auto& new_tracks = published->picture.tracks.entries();
  size_t k = 0;
  for (size_t i = 0; i < new_tracks.size(); ++i) {
    const fusion::SharedTrack& t = new_tracks[i];
    while (k < old_tracks.size() && old_tracks[k].id < t.id) {
      published->removed.push_back(old_tracks[k++].id);
    }
    if (k < old_tracks.size() && old_tracks[k].id == t.id) {
      if (old_tracks[k].track != t.track) published->changed.push_back(static_cast<uint32_t>(i));
      ++k;
    } else {
      published->changed.push_back(static_cast<uint32_t>(i));
    }
  }
  for (; k < old_tracks.size(); ++k) published->removed.push_back(old_tracks[k].id);
  published->previous_version = before->version;
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
