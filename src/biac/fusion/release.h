#pragma once

// Per-audience release: each audience (a user or a partner, described by its authorizations)
// receives the picture computed from only the observations it may see.
//
// Never an all-source track with fields hidden: position, covariance, identity, track
// numbering and even existence leak what was fused into a track. Instead each audience's
// picture is the output of a fusion engine (engine.h) that was only ever given the
// observations whose label the audience passes (labels::Decide); a track with no visible
// contributor therefore does not exist for it, and the numbers it sees come from its own
// view. Each track's label is the roll-up of its (visible) contributors' labels, and a track
// is delivered only if the audience passes that label too.
//
// Shared work. The distinct audiences of a deployment are few, and many observations (AIS,
// ADS-B) are visible to all of them. Every observation is prepared once (validation, ECEF
// position) and each distinct label is decided once per audience. Audiences that have
// decided identically on every label so far share one engine, because they have been given
// identical input; when a label arrives on which they differ, the shared engine is copied
// (forked) and each copy goes on with its own audiences. A fork is exact: both copies hold
// the state that the same visible inputs produced.
//
// Threads. The views' engines are independent, so a batch of observations (BeginBatch ..
// EndBatch) and a publication run the views at once on a gang of threads (base/parallel.h).
// Each engine still receives its observations one by one in the order of Add, so the
// pictures are the same, byte for byte, with one thread or several.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "biac/base/parallel.h"
#include "biac/base/time.h"
#include "biac/fusion/engine.h"
#include "biac/labels/access.h"
#include "biac/labels/label.h"
#include "biac/model/observation.h"
#include "biac/model/picture.h"

namespace biac::fusion {

struct Audience {
  std::string name;
  labels::User user;
};

// The tracks of `picture` whose label `user` passes (the delivery check).
model::Picture Deliverable(const model::Picture& picture, const labels::User& user);

class MultiAudienceFusion {
 public:
  // `threads`: how many threads (the caller's included) run the views of a batch or a
  // publication at once; a batch of fewer than `parallel_batch` observations runs its views
  // one after the other (handing a view to another thread costs a wake-up, tens of
  // microseconds, about what a few observations' fusion costs).
  MultiAudienceFusion(std::vector<Audience> audiences, EngineOptions options, int threads = 1,
                      size_t parallel_batch = 64);

  // Stores the observation (copied) and hands it to the engine of every audience that may
  // see it. `arrival`: when the node received it. Observations that every engine has
  // committed (or never held) are dropped from the store, oldest arrivals first, so the store
  // holds about one lag window, not the whole feed.
  void Add(const model::Observation& observation, Timestamp arrival);
  // The same, taking the observation instead of copying it.
  void Add(model::Observation&& observation, Timestamp arrival);

  // Between BeginBatch and EndBatch, Add prepares each observation and decides who sees it,
  // but only queues it for its views' engines; EndBatch hands every view its queue, the views
  // at once when there are threads and enough work. No other member may be called in between.
  void BeginBatch();
  void EndBatch();

  // Advances every engine's clock without an observation (a live node's timer), so that
  // held observations commit on time when a feed falls quiet.
  void AdvanceClock(Timestamp now);

  // Commits everything held, in every engine.
  void Flush();

  // The picture audience `index` receives (Deliverable applied).
  model::Picture Snapshot(size_t index, bool include_pending) const;

  // Every audience's picture (index by audience), each engine's snapshot taken once and
  // shared by the audiences of its view.
  std::vector<model::Picture> SnapshotAll(bool include_pending) const;

  // SnapshotAll as shared pictures (shared_picture.h), built incrementally by each view's
  // engine (Engine::Published): a track unchanged since the previous call is the same shared
  // object. An audience that passes every label its view's engine knows receives the
  // engine's track vector itself (no per-audience work); another one a filtered copy of the
  // pointers (the delivery check decided once per label). Equal, track for track, to
  // SnapshotAll(include_pending).
  std::vector<SharedPicture> PublishAll(bool include_pending);

  const std::vector<Audience>& audiences() const { return audiences_; }
  // Engines currently running (distinct views) and forks so far.
  size_t view_count() const { return views_.size(); }
  uint64_t forks() const { return forks_; }
  // Observations held in the store now.
  size_t stored() const { return store_.size(); }
  const EngineCounters& counters(size_t index) const;

 private:
  struct View {
    Engine engine;
    std::vector<size_t> audiences;
    std::vector<const PreparedObservation*> queued;  // in a batch: not yet given to `engine`
  };
  // Gives the view's engine what is queued for it.
  static void Apply(View& view);
  // Per distinct label: whether each audience passes it.
  const std::vector<char>& Decisions(const labels::Label& label);
  // Drops stored observations from the front that no engine can still hold.
  void Prune();

  std::vector<Audience> audiences_;
  EngineOptions options_;
  std::deque<model::Observation> store_;
  std::deque<PreparedObservation> prepared_;
  std::vector<View> views_;
  std::vector<size_t> view_of_;  // audience -> view
  std::vector<std::pair<labels::Label, std::vector<char>>> decisions_;
  uint64_t forks_ = 0;
  bool batching_ = false;
  size_t parallel_batch_;
  std::unique_ptr<ParallelFor> gang_;  // with more than one thread
};

}  // namespace biac::fusion
