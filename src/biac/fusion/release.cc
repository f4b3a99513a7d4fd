#include "biac/fusion/release.h"

#include <algorithm>
#include <utility>

namespace biac::fusion {

model::Picture Deliverable(const model::Picture& picture, const labels::User& user) {
  model::Picture out;
  out.time = picture.time;
  for (const model::FusedTrack& track : picture.tracks) {
    if (labels::Permits(user, track.label)) out.tracks.push_back(track);
  }
  return out;
}

MultiAudienceFusion::MultiAudienceFusion(std::vector<Audience> audiences, EngineOptions options,
                                         int threads, size_t parallel_batch)
    : audiences_(std::move(audiences)),
      options_(std::move(options)),
      parallel_batch_(parallel_batch) {
  if (threads > 1) gang_ = std::make_unique<ParallelFor>(threads, "biac-fusion-w");
  // Before any input every audience has seen the same (nothing): one shared view.
  View first{Engine(options_), {}, {}};
  for (size_t a = 0; a < audiences_.size(); ++a) first.audiences.push_back(a);
  views_.push_back(std::move(first));
  view_of_.assign(audiences_.size(), 0);
}

const std::vector<char>& MultiAudienceFusion::Decisions(const labels::Label& label) {
  for (const auto& [known, decisions] : decisions_) {
    if (known == label) return decisions;
  }
  std::vector<char> decisions(audiences_.size(), 0);
  for (size_t a = 0; a < audiences_.size(); ++a) {
    decisions[a] = labels::Permits(audiences_[a].user, label) ? 1 : 0;
  }
  decisions_.emplace_back(label, std::move(decisions));
  return decisions_.back().second;
}

void MultiAudienceFusion::Add(const model::Observation& observation, Timestamp arrival) {
  Add(model::Observation(observation), arrival);
}

void MultiAudienceFusion::Add(model::Observation&& observation, Timestamp arrival) {
  store_.push_back(std::move(observation));
  const model::Observation& stored = store_.back();
  prepared_.push_back(Prepare(stored, arrival));
  const PreparedObservation* prepared = &prepared_.back();
  const std::vector<char>& decisions = Decisions(stored.label);
  const size_t view_count = views_.size();
  for (size_t v = 0; v < view_count; ++v) {
    size_t seeing = 0;
    for (size_t a : views_[v].audiences) seeing += decisions[a] ? 1 : 0;
    if (seeing == 0) continue;
    if (seeing < views_[v].audiences.size()) {
      // The view's audiences part here: the blind ones keep a copy of the state so far.
      std::vector<size_t> see;
      std::vector<size_t> blind;
      for (size_t a : views_[v].audiences) (decisions[a] ? see : blind).push_back(a);
      Apply(views_[v]);  // the copy must hold everything given so far
      View fork{views_[v].engine, std::move(blind), {}};
      for (size_t a : fork.audiences) view_of_[a] = views_.size();
      views_.push_back(std::move(fork));
      views_[v].audiences = std::move(see);
      ++forks_;
    }
    if (batching_) {
      views_[v].queued.push_back(prepared);
    } else {
      views_[v].engine.Add(prepared);
    }
  }
  if (!batching_) Prune();
}

void MultiAudienceFusion::Apply(View& view) {
  for (const PreparedObservation* p : view.queued) view.engine.Add(p);
  view.queued.clear();
}

void MultiAudienceFusion::BeginBatch() { batching_ = true; }

void MultiAudienceFusion::EndBatch() {
  batching_ = false;
  std::vector<View*> busy;
  size_t queued = 0;
  for (View& view : views_) {
    if (view.queued.empty()) continue;
    busy.push_back(&view);
    queued += view.queued.size();
  }
  if (gang_ && busy.size() > 1 && queued >= parallel_batch_) {
    gang_->Run(busy.size(), [&](size_t i) { Apply(*busy[i]); });
  } else {
    for (View* view : busy) Apply(*view);
  }
  Prune();
}

void MultiAudienceFusion::Prune() {
  // An engine holds an observation only while it is pending, i.e. while its data time is
  // after the engine's committed time; an engine that has committed nothing yet may hold
  // anything. (A conservative rule: an observation an engine never received is kept as long
  // as a held one would be.)
  while (!store_.empty()) {
    const Timestamp time = store_.front().time;
    for (const View& view : views_) {
      if (!view.engine.has_committed() || time > view.engine.committed_time()) return;
    }
    store_.pop_front();
    prepared_.pop_front();
  }
}

void MultiAudienceFusion::AdvanceClock(Timestamp now) {
  for (View& view : views_) view.engine.AdvanceClock(now);
  Prune();
}

void MultiAudienceFusion::Flush() {
  for (View& view : views_) view.engine.Flush();
}

model::Picture MultiAudienceFusion::Snapshot(size_t index, bool include_pending) const {
  return Deliverable(views_[view_of_[index]].engine.Snapshot(include_pending),
                     audiences_[index].user);
}

std::vector<model::Picture> MultiAudienceFusion::SnapshotAll(bool include_pending) const {
  std::vector<model::Picture> pictures(audiences_.size());
  for (const View& view : views_) {
    model::Picture all = view.engine.Snapshot(include_pending);
    for (size_t k = 0; k < view.audiences.size(); ++k) {
      const size_t a = view.audiences[k];
      // The delivery check once per distinct label (a picture has few), not once per track.
      std::vector<std::pair<labels::Label, bool>> decided;
      model::Picture& out = pictures[a];
      out.time = all.time;
      out.tracks.reserve(all.tracks.size());
      const bool last = k + 1 == view.audiences.size();
      for (model::FusedTrack& t : all.tracks) {
        bool permit = false;
        auto it = std::find_if(decided.begin(), decided.end(),
                               [&](const auto& d) { return d.first == t.label; });
        if (it != decided.end()) {
          permit = it->second;
        } else {
          permit = labels::Permits(audiences_[a].user, t.label);
          decided.emplace_back(t.label, permit);
        }
        if (!permit) continue;
        if (last) {
          out.tracks.push_back(std::move(t));  // the view's last audience takes the tracks
        } else {
          out.tracks.push_back(t);
        }
      }
    }
  }
  return pictures;
}

std::vector<SharedPicture> MultiAudienceFusion::PublishAll(bool include_pending) {
  std::vector<SharedPicture> pictures(audiences_.size());
  // Each view's engine builds its picture, the views at once.
  std::vector<SharedPicture> published(views_.size());
  const auto publish = [&](size_t v) {
    published[v] = views_[v].engine.Published(include_pending);
  };
  if (gang_) {
    gang_->Run(views_.size(), publish);
  } else {
    for (size_t v = 0; v < views_.size(); ++v) publish(v);
  }
  std::vector<char> permits;
  for (size_t v = 0; v < views_.size(); ++v) {
    View& view = views_[v];
    const SharedPicture& all = published[v];
    const std::vector<labels::Label>& table = view.engine.published_labels();
    for (size_t a : view.audiences) {
      permits.assign(table.size(), 0);
      bool every = true;
      for (size_t l = 0; l < table.size(); ++l) {
        permits[l] = labels::Permits(audiences_[a].user, table[l]) ? 1 : 0;
        every = every && permits[l] != 0;
      }
      SharedPicture& out = pictures[a];
      out.time = all.time;
      if (every) {
        out.tracks = all.tracks;
        continue;
      }
      auto entries = std::make_shared<SharedTracks::Entries>();
      entries->reserve(all.tracks.size());
      for (const SharedTrack& e : all.tracks.entries()) {
        if (permits[e.label_id]) entries->push_back(e);
      }
      out.tracks = SharedTracks(std::move(entries));
    }
  }
  return pictures;
}

const EngineCounters& MultiAudienceFusion::counters(size_t index) const {
  return views_[view_of_[index]].engine.counters();
}

}  // namespace biac::fusion
