#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "biac/api/picture_hub.h"
#include "biac/api/stream.h"
#include "biac/api/test_track.h"
#include "biac/api/track_codec.h"
#include "biac/base/clock.h"
#include "biac/labels/label.h"

namespace biac::api {
namespace {

using test_support::Track;

// A WebSocket session as the HTTP server hands it to the upgrade handler: not open() until
// its handshake response is written, queueing what is sent meanwhile.
class PendingSession final : public net::WebSocketSession {
 public:
  bool Send(std::string message, bool binary) override {
    std::lock_guard lock(mutex_);
    messages_.push_back({std::move(message), binary});
    return true;
  }
  size_t queued_bytes() const override { return 0; }
  bool open() const override { return open_.load(); }
  void Close(std::string) override {}
  void Open() { open_ = true; }
  std::vector<std::string> messages() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [text, binary] : messages_) out.push_back(text);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, bool>> messages_;
  std::atomic<bool> open_{false};
};

template <typename Predicate>
bool WaitUntil(Predicate predicate) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// A client registered by the upgrade handler is served while its handshake is still being
// written (the snapshot waits in the session's queue), and leaves once its handler is gone.
TEST(Streamer, ServesAClientWhoseHandshakeIsPendingAndDropsItWhenItsConnectionEnds) {
  PictureHub hub({"us"});
  ManualClock clock(Timestamp::FromNanos(1'780'272'001'000'000'000));
  Streamer streamer(&hub, &clock, StreamOptions{});
  auto session = std::make_shared<PendingSession>();
  auto handler = streamer.Add(session, 0, "us-analyst", BoundingBox{}, /*binary=*/false);
  // Publications go on while the handshake is pending: each wakes the streamer for a round.
  for (int i = 0; i < 20; ++i) {
    model::Picture p;
    p.time = clock.Now();
    p.tracks = {Track(2, 1, 1, "UNCLASSIFIED"), Track(7 + static_cast<uint64_t>(i), 2, 2, "UNCLASSIFIED")};
    hub.Publish(0, p, clock.Now());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(WaitUntil([&] { return !session->messages().empty(); }));
  EXPECT_NE(session->messages().front().find("\"type\":\"snapshot\""), std::string::npos);
  EXPECT_EQ(streamer.stats().clients, 1u);
  session->Open();
  // The connection ends: the server drops the handler.
  handler.reset();
  model::Picture p;
  p.tracks = {Track(3, 1, 1, "UNCLASSIFIED")};
  hub.Publish(0, p, clock.Now());
  EXPECT_TRUE(WaitUntil([&] { return streamer.stats().clients == 0; }));
  streamer.Stop();
}

// Clients due the same difference in one round get one message, encoded once; a client with
// another viewport, audience or encoding gets its own.
TEST(Streamer, ClientsDueTheSameDifferenceShareOneMessage) {
  PictureHub hub({"us", "jpn"});
  ManualClock clock(Timestamp::FromNanos(1'780'272'001'000'000'000));
  Streamer streamer(&hub, &clock, StreamOptions{});
  auto a = std::make_shared<PendingSession>();
  auto b = std::make_shared<PendingSession>();
  auto west = std::make_shared<PendingSession>();
  auto jpn = std::make_shared<PendingSession>();
  auto binary = std::make_shared<PendingSession>();
  const BoundingBox world{};
  BoundingBox west_box = world;
  west_box.east = 10;  // holds the tracks at longitude 1, not the one at 20
  std::vector<std::unique_ptr<net::WebSocketHandler>> handlers;
  handlers.push_back(streamer.Add(a, 0, "a", world, /*binary=*/false));
  handlers.push_back(streamer.Add(b, 0, "b", world, false));
  handlers.push_back(streamer.Add(west, 0, "west", west_box, false));
  handlers.push_back(streamer.Add(jpn, 1, "jpn", world, false));
  handlers.push_back(streamer.Add(binary, 0, "binary", world, true));
  auto holds = [](const std::shared_ptr<PendingSession>& s, uint64_t id) {
    const auto m = s->messages();
    return !m.empty() && m.back().find(fmt::format("\"id\":{},", id)) != std::string::npos;
  };
  model::Picture us;
  us.time = clock.Now();
  us.tracks = {Track(2, 1, 1, "UNCLASSIFIED"), Track(5, 1, 20, "SECRET//NOFORN")};
  model::Picture japan;
  japan.time = clock.Now();
  japan.tracks = {Track(9, 3, 3, "UNCLASSIFIED")};
  hub.Publish(1, japan, clock.Now());
  hub.Publish(0, us, clock.Now());
  ASSERT_TRUE(WaitUntil([&] {
    return holds(a, 5) && holds(b, 5) && holds(west, 2) && holds(jpn, 9) &&
           !binary->messages().empty();
  }));
  EXPECT_EQ(west->messages().back().find("\"id\":5,"), std::string::npos);
  EXPECT_EQ(jpn->messages().back().find("\"id\":2,"), std::string::npos);
  EXPECT_EQ(binary->messages().back().substr(0, 2), "BT");
  // Now a and b hold the same tracks: the next difference (track 11 new, track 5 ended) is
  // due to both in one round, as one message.
  const uint64_t shared_before = streamer.stats().shared_messages;
  us.tracks = {Track(2, 1, 1, "UNCLASSIFIED"), Track(11, 2, 1, "UNCLASSIFIED")};
  hub.Publish(0, us, clock.Now());
  ASSERT_TRUE(WaitUntil([&] { return holds(a, 11) && holds(b, 11) && holds(west, 11); }));
  streamer.Stop();
  EXPECT_EQ(b->messages().back(), a->messages().back());
  EXPECT_NE(a->messages().back().find("\"removed\":[5]"), std::string::npos);
  EXPECT_NE(west->messages().back().find("\"removed\":[]"), std::string::npos);
  EXPECT_GE(streamer.stats().shared_messages, shared_before + 1);
}

// The rate limit (stream.h): a track goes at most once per interval; after the interval its
// next fresh state goes at once; a held state that no fresh state replaced goes at the held
// limit, not before. Each publication also carries a new marker track, which every round sends:
// its arrival shows that the round looked at the held track too.
TEST(Streamer, ATrackGoesAtMostOncePerIntervalAndAHeldStateAtTheLimit) {
  PictureHub hub({"us"});
  const Timestamp t0 = Timestamp::FromNanos(1'780'272'001'000'000'000);
  ManualClock clock(t0);
  StreamOptions options;  // 1 s interval, 4 s held limit
  Streamer streamer(&hub, &clock, options);
  auto session = std::make_shared<PendingSession>();
  auto handler = streamer.Add(session, 0, "us-analyst", BoundingBox{}, /*binary=*/false);
  session->Open();
  auto at = [&](int64_t ms) { return t0 + std::chrono::milliseconds(ms); };
  fusion::SharedTrack tracked;  // track 1, as last published
  uint64_t marker = 100;
  // Publishes at `ms` after t0 the current track 1 (a new state of it when `update`) and a new
  // marker, and returns the message that carries the marker.
  auto publish = [&](int64_t ms, bool update) {
    clock.Set(at(ms));
    if (update) {
      model::FusedTrack t = Track(1, 1, 1, "UNCLASSIFIED");
      t.time = at(ms);
      tracked = fusion::MakeSharedTrack(std::move(t));
    }
    model::FusedTrack m = Track(++marker, 2, 2, "UNCLASSIFIED");
    m.time = at(ms);
    auto entries = std::make_shared<fusion::SharedTracks::Entries>();
    entries->push_back(tracked);
    entries->push_back(fusion::MakeSharedTrack(std::move(m)));
    fusion::SharedPicture picture;
    picture.time = at(ms);
    picture.tracks = fusion::SharedTracks(std::move(entries));
    const size_t before = session->messages().size();
    hub.Publish(0, std::move(picture), clock.Now());
    const std::string needle = fmt::format("\"id\":{},", marker);
    std::string found;  // every message since the previous marker's (a round on the clock's
                        // tick may come before the publication's)
    EXPECT_TRUE(WaitUntil([&] {
      const auto messages = session->messages();
      found.clear();
      bool marked = false;
      for (size_t i = before; i < messages.size(); ++i) {
        found += messages[i];
        marked = marked || messages[i].find(needle) != std::string::npos;
      }
      return marked;
    })) << "marker " << marker;
    return found;
  };
  // The track 1 state the messages carry ("" when none).
  auto track_time = [&](const std::string& message) -> std::string {
    const size_t i = message.find("{\"id\":1,\"t\":");
    if (i == std::string::npos) return "";
    const size_t start = i + 12;
    return message.substr(start, message.find(',', start) - start);
  };
  auto millis = [](Timestamp t) { return fmt::format("{}", UnixMillis(t)); };

  EXPECT_EQ(track_time(publish(0, true)), millis(at(0)));  // the snapshot
  EXPECT_EQ(track_time(publish(300, true)), "");           // within the interval: held
  EXPECT_EQ(track_time(publish(1100, false)), "");         // held state not fresh: waits
  EXPECT_EQ(track_time(publish(2100, false)), "");         // still within the limit
  EXPECT_EQ(track_time(publish(3950, false)), "");
  EXPECT_EQ(track_time(publish(4000, false)), millis(at(300)));  // the limit: the held state
  EXPECT_EQ(track_time(publish(4500, true)), "");                // held again
  EXPECT_EQ(track_time(publish(4990, true)), "");                // a newer one held
  // After the interval a fresh state goes at once, the newest; the held ones never go.
  EXPECT_EQ(track_time(publish(5000, true)), millis(at(5000)));
  EXPECT_EQ(track_time(publish(5999, true)), "");
  EXPECT_EQ(track_time(publish(6000, true)), millis(at(6000)));
  // A held state still fresh (at most fresh_age old) when the interval ends goes then.
  EXPECT_EQ(track_time(publish(6980, true)), "");
  EXPECT_EQ(track_time(publish(7010, false)), millis(at(6980)));
  // One older than fresh_age waits for the next state.
  EXPECT_EQ(track_time(publish(7900, true)), "");
  EXPECT_EQ(track_time(publish(8070, false)), "");
  EXPECT_EQ(track_time(publish(8200, true)), millis(at(8200)));
  streamer.Stop();
  // Track 1 went six times in 8.2 s, each at least an interval after the one before.
  int sends = 0;
  for (const std::string& m : session->messages()) sends += !track_time(m).empty();
  EXPECT_EQ(sends, 6);
}

// Clients in the same state share it: a client that connected later joins the first one's
// state once every track has gone to both in the same round.
TEST(Streamer, ClientsThatReachTheSameStateShareIt) {
  PictureHub hub({"us"});
  const Timestamp t0 = Timestamp::FromNanos(1'780'272'001'000'000'000);
  ManualClock clock(t0);
  Streamer streamer(&hub, &clock, StreamOptions{});
  auto publish = [&](int64_t ms) {
    clock.Set(t0 + std::chrono::milliseconds(ms));
    model::Picture p;
    p.time = clock.Now();
    p.tracks = {Track(1, 1, 1, "UNCLASSIFIED"), Track(2, 2, 2, "UNCLASSIFIED")};
    for (auto& t : p.tracks) t.time = clock.Now();
    hub.Publish(0, std::move(p), clock.Now());
  };
  auto a = std::make_shared<PendingSession>();
  auto b = std::make_shared<PendingSession>();
  auto c = std::make_shared<PendingSession>();
  std::vector<std::unique_ptr<net::WebSocketHandler>> handlers;
  handlers.push_back(streamer.Add(a, 0, "a", BoundingBox{}, /*binary=*/false));
  a->Open();
  publish(0);
  ASSERT_TRUE(WaitUntil([&] { return a->messages().size() == 1; }));
  // b connects 300 ms later, c with it but with another encoding: both get a snapshot while a
  // holds the new states (sent less than a second ago). b and c are in one state, a in another.
  handlers.push_back(streamer.Add(b, 0, "b", BoundingBox{}, false));
  handlers.push_back(streamer.Add(c, 0, "c", BoundingBox{}, /*binary=*/true));
  b->Open();
  c->Open();
  publish(300);
  ASSERT_TRUE(
      WaitUntil([&] { return b->messages().size() == 1 && c->messages().size() == 1; }));
  EXPECT_TRUE(WaitUntil([&] { return streamer.stats().states == 2; }));
  EXPECT_EQ(a->messages().size(), 1u);
  // 1.4 s: both tracks go to all three (fresh, over a second since each was sent): one state.
  publish(1400);
  ASSERT_TRUE(WaitUntil([&] {
    return a->messages().size() == 2 && b->messages().size() == 2 && c->messages().size() == 2;
  }));
  EXPECT_TRUE(WaitUntil([&] { return streamer.stats().states == 1; }));
  EXPECT_EQ(a->messages().back(), b->messages().back());
  streamer.Stop();
}

}  // namespace
}  // namespace biac::api
