#pragma once

// Pictures queued as changes (docs/storage.md "Pictures"): both stores keep, per view, a
// fingerprint of every track of the picture they last queued, so that a track that did not
// change between two PutPicture calls is neither encoded (~1.3 kB of JSON and a label
// rendering) nor written again. Internal to the storage module.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "biac/model/picture.h"
#include "biac/storage/backend_support.h"
#include "biac/storage/writer_queue.h"

namespace biac::storage {

struct TrackFingerprint {
  uint64_t a = 0;
  uint64_t b = 0;
  friend bool operator==(const TrackFingerprint&, const TrackFingerprint&) = default;
};

// A 128-bit fingerprint of everything a fused track's canonical JSON is made of
// (model/picture_json.h AppendFusedTrackJson), from the fields, without writing the JSON.
// Equal tracks give equal fingerprints; tracks that differ in any field give different ones
// except for a hash collision (two independent 64-bit lanes). Fields are hashed from their
// bits (a double's 8 bytes), which distinguishes at least what the JSON does.
TrackFingerprint FingerprintOf(const model::FusedTrack& track);

// A picture as the change since the previous PutPicture of its view.
struct PictureChanges {
  std::vector<const model::FusedTrack*> changed;  // new or changed, into the picture
  std::vector<uint64_t> kept;                     // unchanged tracks' ids
  size_t ended = 0;  // tracks of the previous picture that this one does not list

  // What the queue counts: each changed or ended track; an empty change counts one, so that
  // it is queued and committed in order.
  size_t Rows() const { return std::max<size_t>(1, changed.size() + ended); }
};

// What PutPicture last queued for each view. Thread-safe.
class PictureMemory {
 public:
  // The changes of `picture` against the view's previous one, remembered as the view's
  // picture now. A track id listed twice keeps its first state. The returned lock holds the
  // view until the caller has queued the change, so that a view's changes queue in order.
  std::unique_lock<std::mutex> Diff(const std::string& view, const model::Picture& picture,
                                    PictureChanges& out);
  // The writer met a kept track it never stored (cannot happen while pictures commit in
  // queue order): every view's next picture is sent whole.
  void Resync() { ++resyncs_; }

 private:
  struct Track {
    TrackFingerprint fingerprint;
    uint64_t seen = 0;
  };
  struct View {
    std::mutex mu;
    uint64_t generation = 0;
    uint64_t resyncs = 0;  // resyncs_ when `tracks` was last valid
    std::unordered_map<uint64_t, Track> tracks;
  };
  View& Of(const std::string& view);

  std::mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<View>> views_;
  std::atomic<uint64_t> resyncs_{0};
};

// A newer picture replacing a queued one (WriterWork::Supersede): each picture is a change
// against the one before it, so the tracks `kept` by the newer one that the older one changed
// take the older one's rows (copied into `arena`); what both change is the newer one's.
// `Row` has `id` and the Slice member `bytes` into its arena.
template <typename Row, detail::Slice Row::*bytes>
void TakeOverKept(const std::vector<Row>& older_rows, const std::string& older_arena,
                  std::vector<uint64_t>& kept, std::vector<Row>& rows, std::string& arena) {
  if (older_rows.empty() || kept.empty()) return;
  std::unordered_map<uint64_t, size_t> changed;
  changed.reserve(older_rows.size());
  for (size_t i = 0; i < older_rows.size(); ++i) changed.emplace(older_rows[i].id, i);
  auto out = kept.begin();
  for (const uint64_t id : kept) {
    const auto it = changed.find(id);
    if (it == changed.end()) {
      *out++ = id;
      continue;
    }
    Row row = older_rows[it->second];
    row.*bytes = detail::AppendTo(arena, (row.*bytes).In(older_arena));
    rows.push_back(row);
  }
  kept.erase(out, kept.end());
}

// The writer's slot of a track that a queued picture kept unchanged, or nullptr when there is
// nothing to do for it: already visited in this commit (`generation`), or never stored by
// this writer. The latter cannot happen while pictures commit in queue order; should it, it is
// reported and the next pictures are sent whole.
template <typename Slot>
Slot* KeptSlot(std::unordered_map<uint64_t, Slot>& tracks, uint64_t id, uint64_t generation,
               PictureMemory& pictures, WriterQueue& queue, const std::string& where,
               const std::string& view) {
  const auto it = tracks.find(id);
  if (it == tracks.end()) {
    pictures.Resync();
    queue.ReportError(where + ": picture of view \"" + view + "\": track " + std::to_string(id) +
                      " kept but never stored; resending whole");
    return nullptr;
  }
  Slot& slot = it->second;
  if (slot.seen == generation) return nullptr;
  slot.seen = generation;
  return &slot;
}

// A picture as queued by either backend: the change since the view's previous PutPicture, with
// the new or changed tracks' rows (`Row` with `id` and the Slice member `bytes` into `arena`)
// and the ids of the tracks that did not change. A track of the previous picture in neither
// list has ended.
template <typename Row, detail::Slice Row::*bytes>
struct PictureChangeBatch final : WriterWork {
  std::string view;
  int64_t time = 0;
  std::string arena;
  std::vector<Row> rows;       // new or changed
  std::vector<uint64_t> kept;  // unchanged since the previous PutPicture of the view
  size_t ended = 0;            // tracks of the previous PutPicture absent from this one

  size_t Rows() const { return std::max<size_t>(1, rows.size() + ended); }

  size_t Supersede(WriterWork& older_work, size_t /*rows*/) override {
    const auto& older = static_cast<const PictureChangeBatch&>(older_work);
    TakeOverKept<Row, bytes>(older.rows, older.arena, kept, rows, arena);
    return Rows();
  }
};

}  // namespace biac::storage
