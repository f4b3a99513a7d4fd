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

}  // namespace
}  // namespace biac::api
