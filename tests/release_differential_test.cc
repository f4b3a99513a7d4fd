// The proof that per-audience release leaks nothing (issue 4 §3): for random multi-source
// scenarios with random labels, every audience's picture from the shared multi-audience
// fusion is byte-identical (model::PictureToJson) to the picture of an engine fed from a
// store that only ever held the observations the audience may see - at every evaluation
// time of the live feed and at the end - and no track derives from an observation the
// audience may not see.
//
// BIAC_DIFFERENTIAL_CASES scenarios are run (hundreds in the default suite, thousands in
// the slow one: release_differential_slow_test).

#include <gtest/gtest.h>

#include <deque>
#include <set>
#include <string>
#include <vector>

#include "biac/fusion/engine.h"
#include "biac/fusion/release.h"
#include "biac/labels/access.h"
#include "biac/model/picture_json.h"
#include "biac/sim/multisource.h"

#ifndef BIAC_DIFFERENTIAL_CASES
#define BIAC_DIFFERENTIAL_CASES 200
#endif
#ifndef BIAC_DIFFERENTIAL_FIRST_SEED
#define BIAC_DIFFERENTIAL_FIRST_SEED 1
#endif

namespace biac {
namespace {

constexpr double kSnapshotEvery = 15.0;  // s of arrival time

struct CaseResult {
  int snapshots = 0;
  int audiences_with_hidden_input = 0;
  int unfiltered_differs = 0;  // the comparison's teeth: an all-source engine differs
};

// Runs one scenario; returns false (with a message) at the first difference.
bool RunCase(uint64_t seed, CaseResult& result, std::string& failure) {
  const sim::MultiSourceScenario scenario = sim::GenerateRandomMultiSource(seed);
  fusion::EngineOptions options;
  options.lag_s = static_cast<double>(seed % 4) * 4.0;  // 0, 4, 8, 12 s: too-late paths too
  std::vector<fusion::Audience> audiences;
  for (const sim::Audience& a : scenario.audiences) audiences.push_back({a.name, a.user});

  // The snapshot times: every kSnapshotEvery seconds of arrival.
  std::vector<Timestamp> times;
  if (scenario.arrival.empty()) return true;
  for (Timestamp t = scenario.arrival.front(); t <= scenario.arrival.back();
       t = t + FromSeconds(kSnapshotEvery)) {
    times.push_back(t);
  }

  // Odd seeds: the views on two threads, the observations added in batches (as a live node
  // does), every batch handed to the threads however small.
  const bool threaded = seed % 2 == 1;
  fusion::MultiAudienceFusion shared(audiences, options, threaded ? 2 : 1, 1);
  std::vector<std::vector<std::string>> got(audiences.size());
  size_t next = 0;
  for (Timestamp t : times) {
    if (threaded) shared.BeginBatch();
    for (; next < scenario.observations.size() && scenario.arrival[next] <= t; ++next) {
      shared.Add(scenario.observations[next], scenario.arrival[next]);
      // A batch ends now and then inside the window too.
      if (threaded && next % 7 == 6) {
        shared.EndBatch();
        shared.BeginBatch();
      }
    }
    if (threaded) shared.EndBatch();
    // As a live node does: the clock advances on its timer, and every audience's picture is
    // taken at once (SnapshotAll), which must equal the pictures taken one by one.
    shared.AdvanceClock(t);
    const std::vector<model::Picture> all = shared.SnapshotAll(true);
    for (size_t a = 0; a < audiences.size(); ++a) {
      got[a].push_back(model::PictureToJson(all[a]));
      if (got[a].back() != model::PictureToJson(shared.Snapshot(a, true))) {
        failure = "seed " + std::to_string(seed) + ": SnapshotAll differs from Snapshot";
        return false;
      }
    }
  }
  for (; next < scenario.observations.size(); ++next) {
    shared.Add(scenario.observations[next], scenario.arrival[next]);
  }
  shared.Flush();
  for (size_t a = 0; a < audiences.size(); ++a) {
    got[a].push_back(model::PictureToJson(shared.Snapshot(a, false)));
  }

  for (size_t a = 0; a < audiences.size(); ++a) {
    // A store that only ever held what this audience may see.
    std::vector<model::Observation> store;
    std::vector<Timestamp> arrival;
    std::set<model::ObservationId> visible;
    for (size_t i = 0; i < scenario.observations.size(); ++i) {
      if (!labels::Permits(audiences[a].user, scenario.observations[i].label)) continue;
      store.push_back(scenario.observations[i]);
      arrival.push_back(scenario.arrival[i]);
      visible.insert(scenario.observations[i].id);
    }
    const bool hidden = store.size() < scenario.observations.size();
    result.audiences_with_hidden_input += hidden ? 1 : 0;

    auto run = [&](const std::vector<model::Observation>& input,
                   const std::vector<Timestamp>& input_arrival) {
      std::vector<std::string> out;
      fusion::Engine engine(options);
      std::deque<fusion::PreparedObservation> prepared;
      size_t k = 0;
      for (Timestamp t : times) {
        for (; k < input.size() && input_arrival[k] <= t; ++k) {
          prepared.push_back(fusion::Prepare(input[k], input_arrival[k]));
          engine.Add(&prepared.back());
        }
        engine.AdvanceClock(t);
        out.push_back(model::PictureToJson(
            fusion::Deliverable(engine.Snapshot(true), audiences[a].user)));
      }
      for (; k < input.size(); ++k) {
        prepared.push_back(fusion::Prepare(input[k], input_arrival[k]));
        engine.Add(&prepared.back());
      }
      engine.Flush();
      out.push_back(
          model::PictureToJson(fusion::Deliverable(engine.Snapshot(false), audiences[a].user)));
      return out;
    };

    const std::vector<std::string> expected = run(store, arrival);
    for (size_t s = 0; s < expected.size(); ++s) {
      ++result.snapshots;
      if (expected[s] != got[a][s]) {
        failure = "seed " + std::to_string(seed) + ", audience " + audiences[a].name +
                  ", snapshot " + std::to_string(s) + ":\n  shared:   " + got[a][s] +
                  "\n  expected: " + expected[s];
        return false;
      }
    }
    // Provenance: only visible observations.
    const model::Picture final_picture = shared.Snapshot(a, false);
    for (const model::FusedTrack& track : final_picture.tracks) {
      for (model::ObservationId id : track.provenance) {
        if (visible.count(id) == 0) {
          failure = "seed " + std::to_string(seed) + ", audience " + audiences[a].name +
                    ": track " + std::to_string(track.id) + " derives from hidden observation " +
                    std::to_string(id);
          return false;
        }
      }
    }
    // Teeth: had the audience been given everything, would it have looked different?
    // (Every fourth scenario, to keep the default suite short.)
    if (hidden && seed % 4 == 0) {
      std::vector<Timestamp> all_arrival = scenario.arrival;
      if (run(scenario.observations, all_arrival) != expected) ++result.unfiltered_differs;
    }
  }
  return true;
}

TEST(ReleaseDifferential, EveryAudienceGetsExactlyThePictureOfItsVisibleStore) {
  CaseResult total;
  for (uint64_t seed = BIAC_DIFFERENTIAL_FIRST_SEED;
       seed < BIAC_DIFFERENTIAL_FIRST_SEED + BIAC_DIFFERENTIAL_CASES; ++seed) {
    std::string failure;
    ASSERT_TRUE(RunCase(seed, total, failure)) << failure;
  }
  // The generated cases exercise what they must: audiences that are denied some input, and
  // for most of them the denied input would have changed the picture.
  EXPECT_GT(total.audiences_with_hidden_input, BIAC_DIFFERENTIAL_CASES);
  EXPECT_GT(total.unfiltered_differs, BIAC_DIFFERENTIAL_CASES / 8);
  EXPECT_GT(total.snapshots, 10 * BIAC_DIFFERENTIAL_CASES);
}

}  // namespace
}  // namespace biac
