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
  std::vector<uint64_t> held;  // sent tracks with a newer state held by the rate limit, by id
  uint64_t served_version = 0;
  int64_t next_due_ns = 0;  // a rate-limited change becomes due then (0: none)
  BoundingBox served_viewport;
};

// The messages encoded in one round of the streamer. Clients of one audience that hold the
// same tracks (the same viewport, connected at about the same time: a wall of screens, the
// load bench's clients) are due the same difference; the message is encoded once and copied
// for the others. A message is reused only for the same publication, encoding and kind, and
// the same updated tracks (pointers into that publication) and removed ids, in order.
struct Streamer::Round {
  struct Message {
    const PublishedPicture* published;
    bool binary;
    bool snapshot;
    std::vector<const model::FusedTrack*> updated;
    std::vector<uint64_t> removed;
    std::string bytes;
  };
  static constexpr size_t kMaxMessages = 16;  // distinct messages kept per round
  std::vector<Message> messages;

  const std::string* Find(const PublishedPicture& published, bool binary, bool snapshot,
                          const std::vector<const model::FusedTrack*>& updated,
                          const std::vector<uint64_t>& removed) const {
    for (const Message& m : messages) {
      if (m.published == &published && m.binary == binary && m.snapshot == snapshot &&
          m.updated == updated && m.removed == removed) {
        return &m.bytes;
      }
    }
    return nullptr;
  }
};

class Streamer::Handler final : public net::WebSocketHandler {
 public:
  explicit Handler(std::shared_ptr<Client> client) : client_(std::move(client)) {}
  // The server drops a handler when its connection ends (after OnClose) and also when it
  // refuses the upgrade after the handler was made: either way the client is gone.
  ~Handler() override { client_->closed = true; }
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
  s.shared_messages = shared_.load();
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
      // Only clients whose connection ended leave. A session is not open() until its
      // handshake response is written, and a client added by the upgrade handler is served
      // from the start: its snapshot waits in the session's queue for the handshake.
      std::erase_if(clients_, [](const std::shared_ptr<Client>& c) { return c->closed.load(); });
      clients = clients_;
    }
    const Timestamp now = clock_->Now();
    // The publications served this round stay alive while the round's messages point to them.
    std::vector<std::shared_ptr<const PublishedPicture>> pictures;
    Round round;
    for (const auto& client : clients) {
      auto picture = hub_->Latest(client->audience);
      Serve(*client, *picture, now, round);
      pictures.push_back(std::move(picture));
    }
    clients.clear();
  }
}

void Streamer::Serve(Client& client, const PublishedPicture& published, Timestamp now,
                     Round& round) {
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
  const bool due = client.next_due_ns != 0 && now_ns >= client.next_due_ns;
  if (!resync && !viewport_changed && published.version == client.served_version && !due) {
    return;  // nothing new for this client
  }
  if (client.session->queued_bytes() > kBusyBytes) {
    ++skipped_;
    return;
  }
  const int64_t interval_ns = options_.min_track_interval.count();
  const auto& tracks = published.picture.tracks.entries();
  std::vector<const model::FusedTrack*> updated;
  std::vector<uint64_t> removed;
  std::vector<uint64_t> held;  // tracks whose newer state the rate limit holds, by id
  int64_t next_due = 0;
  auto hold_until = [&](int64_t due_ns) {
    if (next_due == 0 || due_ns < next_due) next_due = due_ns;
  };
  // The rate limit (see stream.h): whether a newer state of a track sent before goes now;
  // if not, when it falls due.
  // `just_published`: the state came with this round's publication (the newest the node has),
  // which counts as fresh whatever its data time (a radar plot leaves its radar up to a
  // sector after its time, docs/node-load.md).
  auto goes_now = [&](const Client::Sent& previous, int64_t time_ns, bool just_published) {
    const int64_t since = now_ns - previous.sent_ns;
    const bool fresh = just_published || now_ns - time_ns <= kFreshNanos;
    if (since >= 2 * interval_ns || (since >= interval_ns && fresh)) return true;
    hold_until(previous.sent_ns + (since >= interval_ns ? 2 : 1) * interval_ns);
    return false;
  };

  // Incremental round: the client holds this audience's previous publication (or this one),
  // its viewport is unchanged and no resync is asked: only the tracks the publication changed
  // or removed, and the held ones when one falls due, are looked at - O(changed), not
  // O(tracks), per client and round. Otherwise (first round, resync, new viewport, or a
  // client that skipped a publication) the whole picture is compared with what it holds.
  const bool same = published.version == client.served_version;
  const bool incremental = !resync && !viewport_changed && client.served_version != 0 &&
                           (same || published.previous_version == client.served_version);
  std::vector<Client::Sent> next;     // full round: the client's new sent-state
  std::vector<Client::Sent> upserts;  // incremental round: states sent now, by id
  std::vector<uint64_t> gone;         // incremental round: ids no longer held by the client
  if (incremental) {
    auto find_sent = [&](uint64_t id) -> const Client::Sent* {
      auto it = std::lower_bound(client.sent.begin(), client.sent.end(), id,
                                 [](const Client::Sent& s, uint64_t v) { return s.id < v; });
      return it != client.sent.end() && it->id == id ? &*it : nullptr;
    };
    auto consider = [&](const fusion::SharedTrack& t, bool just_published) {
      const Client::Sent* previous = find_sent(t.id);
      if (!viewport.Contains(t.latitude_deg, t.longitude_deg)) {
        if (previous) {
          removed.push_back(t.id);
          gone.push_back(t.id);
        }
      } else if (previous == nullptr) {
        updated.push_back(t.track.get());
        upserts.push_back({t.id, t.time_ns, now_ns});
      } else if (previous->time_ns != t.time_ns) {
        if (goes_now(*previous, t.time_ns, just_published)) {
          updated.push_back(t.track.get());
          upserts.push_back({t.id, t.time_ns, now_ns});
        } else {
          held.push_back(t.id);
        }
      }
    };
    std::vector<uint64_t> looked;  // ids examined from the change list, ascending
    if (!same) {
      for (uint64_t id : published.removed) {
        if (find_sent(id)) {
          removed.push_back(id);
          gone.push_back(id);
        }
      }
      looked.reserve(published.changed.size());
      for (uint32_t i : published.changed) {
        consider(tracks[i], true);
        looked.push_back(tracks[i].id);
      }
    }
    for (uint64_t id : client.held) {
      if (std::binary_search(looked.begin(), looked.end(), id)) continue;  // examined above
      if (!due) {
        held.push_back(id);
        hold_until(client.next_due_ns);
        continue;
      }
      auto it = std::lower_bound(tracks.begin(), tracks.end(), id,
                                 [](const fusion::SharedTrack& t, uint64_t v) { return t.id < v; });
      if (it != tracks.end() && it->id == id) consider(*it, false);  // gone: in `removed` above
    }
    std::sort(held.begin(), held.end());
  } else {
    next.reserve(tracks.size());
    size_t k = 0;  // into client.sent
    for (const fusion::SharedTrack& t : tracks) {
      while (!resync && k < client.sent.size() && client.sent[k].id < t.id) {
        removed.push_back(client.sent[k++].id);
      }
      const bool was_sent = !resync && k < client.sent.size() && client.sent[k].id == t.id;
      const Client::Sent* previous = was_sent ? &client.sent[k] : nullptr;
      if (was_sent) ++k;
      if (!viewport.Contains(t.latitude_deg, t.longitude_deg)) {
        if (previous) removed.push_back(t.id);
        continue;
      }
      if (previous == nullptr) {
        updated.push_back(t.track.get());
        next.push_back({t.id, t.time_ns, now_ns});
      } else if (previous->time_ns != t.time_ns && goes_now(*previous, t.time_ns, false)) {
        updated.push_back(t.track.get());
        next.push_back({t.id, t.time_ns, now_ns});
      } else {
        if (previous->time_ns != t.time_ns) held.push_back(t.id);
        next.push_back(*previous);
      }
    }
    while (!resync && k < client.sent.size()) removed.push_back(client.sent[k++].id);
  }

  // Applies the round to the client's state once its message is queued (or when there is
  // nothing to send); a round whose message is refused leaves it as it was.
  auto commit = [&] {
    if (incremental) {
      if (!gone.empty()) {
        std::sort(gone.begin(), gone.end());
        std::erase_if(client.sent, [&](const Client::Sent& s) {
          return std::binary_search(gone.begin(), gone.end(), s.id);
        });
      }
      const size_t old_size = client.sent.size();
      for (const Client::Sent& u : upserts) {
        auto end = client.sent.begin() + static_cast<std::ptrdiff_t>(old_size);
        auto it = std::lower_bound(client.sent.begin(), end, u.id,
                                   [](const Client::Sent& s, uint64_t v) { return s.id < v; });
        if (it != end && it->id == u.id) {
          *it = u;
        } else {
          client.sent.push_back(u);
        }
      }
      auto by_id = [](const Client::Sent& a, const Client::Sent& b) { return a.id < b.id; };
      const auto middle = client.sent.begin() + static_cast<std::ptrdiff_t>(old_size);
      std::sort(middle, client.sent.end(), by_id);
      std::inplace_merge(client.sent.begin(), middle, client.sent.end(), by_id);
    } else {
      client.sent = std::move(next);
    }
    client.held = std::move(held);
    client.served_version = published.version;
    client.served_viewport = viewport;
    client.next_due_ns = next_due;
  };

  const bool snapshot = resync;
  if (!snapshot && updated.empty() && removed.empty()) {
    commit();
    return;
  }
  std::string message;
  const std::string* shared = round.Find(published, client.binary, snapshot, updated, removed);
  if (shared != nullptr) {
    message = *shared;
  } else if (client.binary) {
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
  if (shared == nullptr && round.messages.size() < Round::kMaxMessages) {
    round.messages.push_back({&published, client.binary, snapshot, updated, removed, message});
  }
  const size_t bytes = message.size();
  if (!client.session->Send(std::move(message), client.binary)) {
    ++skipped_;  // coalesced: the next round sends the latest difference
    return;
  }
  ++messages_;
  if (shared != nullptr) ++shared_;
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
  commit();
}

}  // namespace biac::api
