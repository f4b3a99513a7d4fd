#include "biac/api/stream.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>
#include <utility>

#include "biac/api/track_codec.h"

namespace biac::api {

namespace {

// A client whose socket queue holds more than this is skipped for the round (the server's
// queue limit is larger, so a skipped client's queue drains before anything is refused).
constexpr size_t kBusyBytes = size_t{1} << 20;
// A state whose newest observation is at most this old counts as fresh (rate limiting, below).
constexpr int64_t kFreshNanos = 150'000'000;

bool ParseDouble(std::string_view text, double& value) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && std::isfinite(value);
}

}  // namespace

bool BoundingBox::Contains(double latitude, double longitude) const {
  if (latitude < south || latitude > north) return false;
  if (west <= east) return longitude >= west && longitude <= east;
  return longitude >= west || longitude <= east;  // spans the antimeridian
}

Result<BoundingBox> ParseBoundingBox(std::string_view text) {
  double v[4];
  size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    const size_t comma = text.find(',', start);
    const bool last = i == 3;
    if (last != (comma == std::string_view::npos)) {
      return InvalidArgument(fmt::format("bbox '{}': expected west,south,east,north", text));
    }
    const std::string_view part = text.substr(start, last ? std::string_view::npos : comma - start);
    if (!ParseDouble(part, v[i])) {
      return InvalidArgument(fmt::format("bbox '{}': '{}' is not a number", text, part));
    }
    start = comma + 1;
  }
  BoundingBox box{v[0], v[1], v[2], v[3]};
  if (box.south > box.north || box.south < -90 || box.north > 90 || box.west < -180 ||
      box.west > 180 || box.east < -180 || box.east > 180) {
    return InvalidArgument(fmt::format(
        "bbox '{}': latitudes must be within [-90, 90] with south <= north, longitudes within "
        "[-180, 180]",
        text));
  }
  return box;
}

struct Streamer::Client {
  std::shared_ptr<net::WebSocketSession> session;
  size_t audience = 0;
  std::string user;
  bool binary = false;

  std::mutex mutex;  // viewport and resync, set from the server's threads
  BoundingBox viewport;
  bool resync = true;
  std::atomic<bool> closed{false};

  // Streamer thread only.
  struct Sent {
    uint64_t id;
    int64_t time_ns;  // data time of the state sent
    int64_t sent_ns;  // when it was sent (wall clock)
  };
  std::vector<Sent> sent;  // by id
  uint64_t served_version = 0;
  int64_t next_due_ns = 0;  // a rate-limited change becomes due then (0: none)
  BoundingBox served_viewport;
};

class Streamer::Handler final : public net::WebSocketHandler {
 public:
  explicit Handler(std::shared_ptr<Client> client) : client_(std::move(client)) {}
  void OnMessage(std::string_view text) override {
    const nlohmann::json message = nlohmann::json::parse(text, nullptr, false);
    if (!message.is_object() || !message.contains("type") || !message["type"].is_string()) {
      return;  // not ours; the stream goes on
    }
    const std::string type = message["type"].get<std::string>();
    std::lock_guard lock(client_->mutex);
    if (type == "resync") {
      client_->resync = true;
    } else if (type == "viewport") {
      const auto& bbox = message.contains("bbox") ? message["bbox"] : nlohmann::json();
      if (bbox.is_array() && bbox.size() == 4 && std::all_of(bbox.begin(), bbox.end(), [](const auto& v) {
            return v.is_number();
          })) {
        const std::string text_box =
            fmt::format("{},{},{},{}", bbox[0].get<double>(), bbox[1].get<double>(),
                        bbox[2].get<double>(), bbox[3].get<double>());
        if (auto box = ParseBoundingBox(text_box); box.ok()) client_->viewport = *box;
      } else if (bbox.is_null()) {
        client_->viewport = BoundingBox{};
      }
    }
  }
  void OnClose() override { client_->closed = true; }

 private:
  std::shared_ptr<Client> client_;
};

Streamer::Streamer(const PictureHub* hub, const Clock* clock, StreamOptions options)
    : hub_(hub), clock_(clock), options_(options) {
  thread_ = std::thread([this] { Run(); });
}

Streamer::~Streamer() { Stop(); }

void Streamer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  for (auto& client : clients_) client->session->Close("node stopping");
  clients_.clear();
}

std::unique_ptr<net::WebSocketHandler> Streamer::Add(
    std::shared_ptr<net::WebSocketSession> session, size_t audience, std::string user,
    BoundingBox viewport, bool binary) {
  auto client = std::make_shared<Client>();
  client->session = std::move(session);
  client->audience = audience;
  client->user = std::move(user);
  client->viewport = viewport;
  client->binary = binary;
  {
    std::lock_guard lock(mutex_);
    clients_.push_back(client);
  }
  return std::make_unique<Handler>(std::move(client));
}

StreamStats Streamer::stats() const {
  StreamStats s;
  {
    std::lock_guard lock(mutex_);
    s.clients = clients_.size();
  }
  s.messages = messages_.load();
  s.bytes = bytes_.load();
  s.skipped_rounds = skipped_.load();
  s.track_updates = updates_.load();
  return s;
}

void Streamer::Run() {
  uint64_t seen = 0;
  std::vector<std::shared_ptr<Client>> clients;
  while (!stop_) {
    seen = hub_->WaitNewer(seen, options_.tick);
    if (hub_->closed()) break;
    {
      std::lock_guard lock(mutex_);
      std::erase_if(clients_, [](const std::shared_ptr<Client>& c) {
        return c->closed.load() || !c->session->open();
      });
      clients = clients_;
    }
    const Timestamp now = clock_->Now();
    for (const auto& client : clients) {
      const auto picture = hub_->Latest(client->audience);
      Serve(*client, *picture, now);
    }
    clients.clear();
  }
}

void Streamer::Serve(Client& client, const PublishedPicture& published, Timestamp now) {
  BoundingBox viewport;
  bool resync = false;
  {
    std::lock_guard lock(client.mutex);
    viewport = client.viewport;
    resync = client.resync;
  }
  const bool viewport_changed = viewport.west != client.served_viewport.west ||
                                viewport.east != client.served_viewport.east ||
                                viewport.south != client.served_viewport.south ||
                                viewport.north != client.served_viewport.north;
  const int64_t now_ns = now.nanos();
  if (!resync && !viewport_changed && published.version == client.served_version &&
      (client.next_due_ns == 0 || now_ns < client.next_due_ns)) {
    return;  // nothing new for this client
  }
  if (client.session->queued_bytes() > kBusyBytes) {
    ++skipped_;
    return;
  }
  const int64_t interval_ns = options_.min_track_interval.count();
  const auto& tracks = published.picture.tracks;
  std::vector<Client::Sent> next;
  next.reserve(tracks.size());
  std::vector<const model::FusedTrack*> updated;
  std::vector<uint64_t> removed;
  int64_t next_due = 0;
  size_t k = 0;  // into client.sent
  for (const model::FusedTrack& t : tracks) {
    while (!resync && k < client.sent.size() && client.sent[k].id < t.id) {
      removed.push_back(client.sent[k++].id);
    }
    const bool was_sent = !resync && k < client.sent.size() && client.sent[k].id == t.id;
    const Client::Sent* previous = was_sent ? &client.sent[k] : nullptr;
    if (was_sent) ++k;
    if (!viewport.Contains(t.position.latitude_deg, t.position.longitude_deg)) {
      if (previous) removed.push_back(t.id);
      continue;
    }
    const int64_t time_ns = t.time.nanos();
    if (previous == nullptr) {
      updated.push_back(&t);
      next.push_back({t.id, time_ns, now_ns});
    } else if (previous->time_ns != time_ns) {
      // Once the interval has passed, the next fresh state goes at once; a state that is no
      // longer fresh waits for a fresher one, but never beyond twice the interval.
      const int64_t since = now_ns - previous->sent_ns;
      const bool fresh = now_ns - time_ns <= kFreshNanos;
      if (since >= 2 * interval_ns || (since >= interval_ns && fresh)) {
        updated.push_back(&t);
        next.push_back({t.id, time_ns, now_ns});
      } else {
        next.push_back(*previous);
        const int64_t due = previous->sent_ns + (since >= interval_ns ? 2 : 1) * interval_ns;
        if (next_due == 0 || due < next_due) next_due = due;
      }
    } else {
      next.push_back(*previous);
    }
  }
  while (!resync && k < client.sent.size()) removed.push_back(client.sent[k++].id);

  const bool snapshot = resync;
  if (!snapshot && updated.empty() && removed.empty()) {
    client.served_version = published.version;
    client.served_viewport = viewport;
    client.next_due_ns = next_due;
    return;
  }
  std::string message;
  if (client.binary) {
    message = EncodeBinaryMessage(snapshot ? kBinarySnapshot : kBinaryDelta,
                                  published.picture.time, updated, removed);
  } else {
    message.reserve(64 + updated.size() * 256 + removed.size() * 8);
    message += fmt::format("{{\"type\":\"{}\",\"time\":{},\"{}\":[",
                           snapshot ? "snapshot" : "delta", UnixMillis(published.picture.time),
                           snapshot ? "tracks" : "updated");
    for (size_t i = 0; i < updated.size(); ++i) {
      if (i) message += ',';
      AppendCompactTrack(message, *updated[i]);
    }
    message += ']';
    if (!snapshot) {
      message += ",\"removed\":[";
      for (size_t i = 0; i < removed.size(); ++i) {
        if (i) message += ',';
        message += fmt::format("{}", removed[i]);
      }
      message += ']';
    }
    message += '}';
  }
  const size_t bytes = message.size();
  if (!client.session->Send(std::move(message), client.binary)) {
    ++skipped_;  // coalesced: the next round sends the latest difference
    return;
  }
  ++messages_;
  bytes_ += bytes;
  updates_ += updated.size();
  if (!snapshot) {
    for (const model::FusedTrack* t : updated) {
      latency_.Observe(std::chrono::duration<double>(Duration(now_ns - t->time.nanos())).count());
    }
  } else {
    std::lock_guard lock(client.mutex);
    client.resync = false;
  }
  client.sent = std::move(next);
  client.served_version = published.version;
  client.served_viewport = viewport;
  client.next_due_ns = next_due;
}

}  // namespace biac::api
