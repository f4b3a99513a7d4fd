#pragma once

// A picture whose tracks are held immutable and shared. A live node publishes every 50 ms a
// picture of ~20,000 tracks of which a few thousand changed; copying every track each time
// (and once more per audience) made the publication cost grow with the whole picture
// (docs/node-load.md). Here each track is a std::shared_ptr<const model::FusedTrack>: the
// engine rebuilds the object of a track that changed and shares the others with the previous
// publication, the picture hub and the stream readers, so a publication costs O(changed)
// track builds plus one copy of a vector of pointers.
//
// Each entry also carries, inline, the few fields a stream compares (id, state time,
// position), so that a reader diffing two publications scans one contiguous vector rather
// than following 20,000 pointers.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

#include "biac/base/time.h"
#include "biac/model/picture.h"

namespace biac::fusion {

struct SharedTrack {
  uint64_t id = 0;
  int64_t time_ns = 0;  // track->time
  double latitude_deg = 0.0;
  double longitude_deg = 0.0;
  uint32_t label_id = 0;  // the producing engine's own label number (release.cc's filter)
  std::shared_ptr<const model::FusedTrack> track;
};

SharedTrack MakeSharedTrack(model::FusedTrack track, uint32_t label_id = 0);

// The tracks of a shared picture, sorted by id; iterates as `const model::FusedTrack&` so that
// a reader written for model::Picture::tracks reads it unchanged.
class SharedTracks {
 public:
  using Entries = std::vector<SharedTrack>;

  class Iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = model::FusedTrack;
    using difference_type = std::ptrdiff_t;
    using pointer = const model::FusedTrack*;
    using reference = const model::FusedTrack&;

    Iterator() = default;
    explicit Iterator(Entries::const_iterator it) : it_(it) {}
    reference operator*() const { return *it_->track; }
    pointer operator->() const { return it_->track.get(); }
    reference operator[](difference_type n) const { return *it_[n].track; }
    Iterator& operator++() { ++it_; return *this; }
    Iterator operator++(int) { Iterator old = *this; ++it_; return old; }
    Iterator& operator--() { --it_; return *this; }
    Iterator operator--(int) { Iterator old = *this; --it_; return old; }
    Iterator& operator+=(difference_type n) { it_ += n; return *this; }
    Iterator& operator-=(difference_type n) { it_ -= n; return *this; }
    friend Iterator operator+(Iterator a, difference_type n) { return a += n; }
    friend Iterator operator+(difference_type n, Iterator a) { return a += n; }
    friend Iterator operator-(Iterator a, difference_type n) { return a -= n; }
    friend difference_type operator-(const Iterator& a, const Iterator& b) { return a.it_ - b.it_; }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.it_ == b.it_; }
    friend auto operator<=>(const Iterator& a, const Iterator& b) { return a.it_ <=> b.it_; }

   private:
    Entries::const_iterator it_;
  };

  SharedTracks() : entries_(Empty()) {}
  explicit SharedTracks(std::shared_ptr<const Entries> entries)
      : entries_(entries ? std::move(entries) : Empty()) {}

  Iterator begin() const { return Iterator(entries_->begin()); }
  Iterator end() const { return Iterator(entries_->end()); }
  size_t size() const { return entries_->size(); }
  bool empty() const { return entries_->empty(); }
  const model::FusedTrack& operator[](size_t i) const { return *(*entries_)[i].track; }
  const Entries& entries() const { return *entries_; }
  const std::shared_ptr<const Entries>& shared() const { return entries_; }

 private:
  static const std::shared_ptr<const Entries>& Empty();
  std::shared_ptr<const Entries> entries_;
};

struct SharedPicture {
  Timestamp time;        // the data time the picture is current at
  SharedTracks tracks;   // by id

  // The track with this id, or null.
  const model::FusedTrack* Find(uint64_t id) const;
};

// Conversions (a copy of every track): for tests, files and writers that want the value type.
SharedPicture ToShared(model::Picture picture);
model::Picture ToPicture(const SharedPicture& picture);

}  // namespace biac::fusion
