#include "biac/api/stream.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>
#include <utility>

#include "biac/api/track_codec.h"
#include "biac/base/thread.h"

namespace biac::api {

namespace {

// A client whose socket queue holds more than this is skipped for the round (the server's
// queue limit is larger, so a skipped client's queue drains before anything is refused).
constexpr size_t kBusyBytes = size_t{1} << 20;

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

// What a client was last sent, as the rate limit and the next difference need it. A state is
// never changed once made: a round makes a new one, and clients in the same state share it
// (see Round).
struct Streamer::State {
  struct Sent {
    uint64_t id;
    int64_t time_ns;  // data time of the state sent
    int64_t sent_ns;  // when it was sent (wall clock)
    bool operator==(const Sent&) const = default;
  };
  // A sent track with a newer state held by the rate limit, and when it falls due: a round
  // at or after `due_ns` looks at it again (goes_now in Work).
  struct Held {
    int64_t due_ns;
    uint64_t id;
    bool operator==(const Held&) const = default;
    bool operator<(const Held& o) const {
      return due_ns < o.due_ns || (due_ns == o.due_ns && id < o.id);
    }
  };
  std::vector<Sent> sent;  // by id
  std::vector<Held> held;  // by (due_ns, id): the due ones first
  uint64_t served_version = 0;
  BoundingBox served_viewport;
  uint64_t hash = 0;  // of everything above (Seal)

  void Seal() {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    auto mix = [&h](uint64_t v) {
      h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    };
    for (const Sent& s : sent) {
      mix(s.id);
      mix(static_cast<uint64_t>(s.time_ns));
      mix(static_cast<uint64_t>(s.sent_ns));
    }
    for (const Held& e : held) {
      mix(e.id);
      mix(static_cast<uint64_t>(e.due_ns));
    }
    mix(served_version);
    hash = h;
  }
  bool operator==(const State& o) const {
    return hash == o.hash && served_version == o.served_version &&
           served_viewport == o.served_viewport && held == o.held && sent == o.sent;
  }
  // A rate-limited change has fallen due.
  // (The held list is in due order: its first state is the next to fall due.)
  bool Due(int64_t now_ns) const { return !held.empty() && now_ns >= held.front().due_ns; }
};

struct Streamer::Client {
  std::shared_ptr<net::WebSocketSession> session;
  size_t audience = 0;
  std::string user;
  bool binary = false;

  std::mutex mutex;  // viewport and resync, set from the server's threads
  BoundingBox viewport;
  bool resync = true;
  std::atomic<bool> closed{false};

  std::shared_ptr<const State> state;  // streamer thread only
};

// One round of the streamer. Clients of one audience in the same state (the same viewport,
// the same tracks sent at the same times: a wall of screens, the load bench's clients) are
// due the same round: it is worked out once - the difference, the new state, the message -
// and the others take the result, a copy of the message and the same new state. Clients
// that connected in different rounds start in different states; a state worked out that
// equals another one of the round is replaced by it, so they join once the rate limit has
// sent each track to both in the same round (each such track stays in step from then on).
// A message is also reused between clients in different states that are due the same
// difference: the same publication, encoding and kind, and the same updated tracks (pointers
// into that publication) and removed ids, in order.
struct Streamer::Round {
  struct Outcome {
    // The inputs (the state is kept alive: a freed one's address could come back).
    std::shared_ptr<const State> before;
    const PublishedPicture* published;
    BoundingBox viewport;
    bool resync;
    bool binary;
    // The result.
    std::shared_ptr<const State> after;
    bool send = false;  // false: nothing to send, only the new state
    std::vector<const model::FusedTrack*> updated;
    std::vector<uint64_t> removed;
    std::string message;
    bool message_copied = false;  // from another outcome of the round (FindMessage)
    LatencyHistogram::Batch latency;  // of the updates a delta carries
    size_t uses = 0;
  };
  std::vector<Outcome> outcomes;

  Outcome* Find(const State* before, const PublishedPicture& published,
                const BoundingBox& viewport, bool resync, bool binary) {
    for (Outcome& o : outcomes) {
      if (o.before.get() == before && o.published == &published && o.resync == resync &&
          o.binary == binary && o.viewport == viewport) {
        return &o;
      }
    }
    return nullptr;
  }
  const std::string* FindMessage(const PublishedPicture& published, bool binary, bool snapshot,
                                 const std::vector<const model::FusedTrack*>& updated,
                                 const std::vector<uint64_t>& removed) const {
    for (const Outcome& o : outcomes) {
      if (o.send && o.published == &published && o.binary == binary &&
          o.resync == snapshot && o.updated == updated && o.removed == removed) {
        return &o.message;
      }
    }
    return nullptr;
  }
  // A state of this round equal to `state`, if any.
  std::shared_ptr<const State> Same(const State& state) const {
    for (const Outcome& o : outcomes) {
      if (*o.after == state) return o.after;
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
    : hub_(hub), clock_(clock), options_(options), empty_state_(std::make_shared<State>()) {
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
  client->state = empty_state_;
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
  s.states = states_.load();
  return s;
}

void Streamer::Run() {
  NameThisThread("biac-stream");
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
    // The publication served to each audience this round, by audience index; they stay alive
    // while the round's outcomes point to them.
    std::vector<std::shared_ptr<const PublishedPicture>> pictures;
    Round round;
    std::vector<const State*> states;
    for (const auto& client : clients) {
      // One publication per audience and round, also when a newer one lands meanwhile: the
      // audience's clients then stay in step (Round).
      if (client->audience >= pictures.size()) pictures.resize(client->audience + 1);
      auto& picture = pictures[client->audience];
      if (!picture) picture = hub_->Latest(client->audience);
      Serve(*client, *picture, now, round);
      states.push_back(client->state.get());
    }
    std::sort(states.begin(), states.end());
    states_ = static_cast<uint64_t>(std::unique(states.begin(), states.end()) - states.begin());
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
  const State& before = *client.state;
  const int64_t now_ns = now.nanos();
  if (!resync && viewport == before.served_viewport &&
      published.version == before.served_version && !before.Due(now_ns)) {
    return;  // nothing new for this client
  }
  if (client.session->queued_bytes() > kBusyBytes) {
    ++skipped_;
    return;
  }
  Round::Outcome* outcome = round.Find(&before, published, viewport, resync, client.binary);
  const bool reused = outcome != nullptr;
  if (!reused) {
    Work(client.state, published, viewport, resync, client.binary, now_ns, round);
    outcome = &round.outcomes.back();
  }
  if (!outcome->send) {
    client.state = outcome->after;
    return;
  }
  const size_t bytes = outcome->message.size();
  // The outcome's message stays in the round for the next client: each gets a copy.
  if (!client.session->Send(outcome->message, client.binary)) {
    ++skipped_;  // coalesced: the next round sends the latest difference
    return;      // and the client stays in its state
  }
  ++messages_;
  if (reused || outcome->uses > 0 || outcome->message_copied) ++shared_;
  ++outcome->uses;
  bytes_ += bytes;
  updates_ += outcome->updated.size();
  latency_.Add(outcome->latency);
  if (resync) {
    std::lock_guard lock(client.mutex);
    client.resync = false;
  }
  client.state = outcome->after;
}

void Streamer::Work(const std::shared_ptr<const State>& before_state,
                    const PublishedPicture& published, const BoundingBox& viewport, bool resync,
                    bool binary, int64_t now_ns, Round& round) const {
  const State& before = *before_state;
  Round::Outcome out;
  out.before = before_state;
  out.published = &published;
  out.viewport = viewport;
  out.resync = resync;
  out.binary = binary;
  const bool viewport_changed = viewport != before.served_viewport;
  const int64_t interval_ns = options_.min_track_interval.count();
  const int64_t limit_ns = std::max(options_.held_limit.count(), interval_ns);
  const int64_t fresh_ns = options_.fresh_age.count();
  const auto& tracks = published.picture.tracks.entries();
  std::vector<const model::FusedTrack*>& updated = out.updated;
  std::vector<uint64_t>& removed = out.removed;
  auto after = std::make_shared<State>();
  using Sent = State::Sent;
  using Held = State::Held;
  // The rate limit (see stream.h): whether a newer state of a track sent before goes now;
  // if not, when it falls due (`due_ns`).
  // `just_published`: the state came with this round's publication (the newest the node has),
  // which counts as fresh whatever its data time (a radar plot leaves its radar up to a
  // sector after its time, docs/node-load.md).
  // A held state keeps its data time until a newer one comes in a change list, so looking at
  // it again before `due_ns` would hold it again until the same time: only due ones are
  // looked at (the held list is in due order).
  auto goes_now = [&](const Sent& previous, int64_t time_ns, bool just_published,
                      int64_t& due_ns) {
    const int64_t since = now_ns - previous.sent_ns;
    const bool fresh = just_published || now_ns - time_ns <= fresh_ns;
    if (since >= limit_ns || (since >= interval_ns && fresh)) return true;
    due_ns = previous.sent_ns + (since >= interval_ns ? limit_ns : interval_ns);
    return false;
  };

  // Incremental round: the client holds this audience's previous publication (or this one),
  // its viewport is unchanged and no resync is asked: only the tracks the publication changed
  // or removed, and the held ones when one falls due, are looked at - O(changed), not
  // O(tracks), per state and round (plus the copy of the state). Otherwise (first round,
  // resync, new viewport, or a client that skipped a publication) the whole picture is
  // compared with what it holds.
  const bool same = published.version == before.served_version;
  const bool incremental = !resync && !viewport_changed && before.served_version != 0 &&
                           (same || published.previous_version == before.served_version);
  if (incremental) {
    std::vector<Sent> upserts;  // states sent now, by id
    std::vector<uint64_t> gone;  // ids no longer held by the client
    std::vector<Held> held_kept;  // not due yet: in due order already
    std::vector<Held> held_new;   // held again or newly (sorted below)
    auto find_sent = [&](uint64_t id) -> const Sent* {
      auto it = std::lower_bound(before.sent.begin(), before.sent.end(), id,
                                 [](const Sent& s, uint64_t v) { return s.id < v; });
      return it != before.sent.end() && it->id == id ? &*it : nullptr;
    };
    auto consider = [&](const fusion::SharedTrack& t, bool just_published) {
      const Sent* previous = find_sent(t.id);
      if (!viewport.Contains(t.latitude_deg, t.longitude_deg)) {
        if (previous) {
          removed.push_back(t.id);
          gone.push_back(t.id);
        }
      } else if (previous == nullptr) {
        updated.push_back(t.track.get());
        upserts.push_back({t.id, t.time_ns, now_ns});
      } else if (previous->time_ns != t.time_ns) {
        int64_t due_ns = 0;
        if (goes_now(*previous, t.time_ns, just_published, due_ns)) {
          updated.push_back(t.track.get());
          upserts.push_back({t.id, t.time_ns, now_ns});
        } else {
          held_new.push_back({due_ns, t.id});
        }
      }
    };
    std::vector<uint64_t> looked;  // ids examined from the change list or removed, ascending
    if (!same) {
      looked.reserve(published.changed.size() + published.removed.size());
      for (uint64_t id : published.removed) {
        looked.push_back(id);
        if (find_sent(id)) {
          removed.push_back(id);
          gone.push_back(id);
        }
      }
      for (uint32_t i : published.changed) {
        consider(tracks[i], true);
        looked.push_back(tracks[i].id);
      }
      std::sort(looked.begin(), looked.end());
    }
    held_kept.reserve(before.held.size());
    for (const Held& h : before.held) {
      if (std::binary_search(looked.begin(), looked.end(), h.id)) continue;  // examined above
      if (h.due_ns > now_ns) {
        held_kept.push_back(h);
        continue;
      }
      auto it = std::lower_bound(tracks.begin(), tracks.end(), h.id,
                                 [](const fusion::SharedTrack& t, uint64_t v) { return t.id < v; });
      if (it != tracks.end() && it->id == h.id) consider(*it, false);  // else gone
    }
    std::sort(held_new.begin(), held_new.end());
    after->held.resize(held_kept.size() + held_new.size());
    std::merge(held_kept.begin(), held_kept.end(), held_new.begin(), held_new.end(),
               after->held.begin());
    // The new sent-state: the previous one without the gone ids, with the upserts (from the
    // change list, then from the held list: each by id, not both together).
    std::sort(gone.begin(), gone.end());
    std::sort(upserts.begin(), upserts.end(),
              [](const Sent& a, const Sent& b) { return a.id < b.id; });
    std::vector<Sent>& sent = after->sent;
    sent.reserve(before.sent.size() + upserts.size());
    size_t u = 0;
    for (const Sent& s : before.sent) {
      while (u < upserts.size() && upserts[u].id < s.id) sent.push_back(upserts[u++]);
      if (u < upserts.size() && upserts[u].id == s.id) {
        sent.push_back(upserts[u++]);
      } else if (!std::binary_search(gone.begin(), gone.end(), s.id)) {
        sent.push_back(s);
      }
    }
    while (u < upserts.size()) sent.push_back(upserts[u++]);
  } else {
    std::vector<Sent>& next = after->sent;
    next.reserve(tracks.size());
    size_t k = 0;  // into before.sent
    for (const fusion::SharedTrack& t : tracks) {
      while (!resync && k < before.sent.size() && before.sent[k].id < t.id) {
        removed.push_back(before.sent[k++].id);
      }
      const bool was_sent = !resync && k < before.sent.size() && before.sent[k].id == t.id;
      const Sent* previous = was_sent ? &before.sent[k] : nullptr;
      if (was_sent) ++k;
      if (!viewport.Contains(t.latitude_deg, t.longitude_deg)) {
        if (previous) removed.push_back(t.id);
        continue;
      }
      int64_t due_ns = 0;
      if (previous == nullptr) {
        updated.push_back(t.track.get());
        next.push_back({t.id, t.time_ns, now_ns});
      } else if (previous->time_ns != t.time_ns &&
                 goes_now(*previous, t.time_ns, false, due_ns)) {
        updated.push_back(t.track.get());
        next.push_back({t.id, t.time_ns, now_ns});
      } else {
        if (previous->time_ns != t.time_ns) after->held.push_back({due_ns, t.id});
        next.push_back(*previous);
      }
    }
    while (!resync && k < before.sent.size()) removed.push_back(before.sent[k++].id);
    std::sort(after->held.begin(), after->held.end());
  }
  after->served_version = published.version;
  after->served_viewport = viewport;
  after->Seal();
  std::shared_ptr<const State> same_state = round.Same(*after);
  out.after = same_state ? std::move(same_state) : std::move(after);

  const bool snapshot = resync;
  if (!snapshot && updated.empty() && removed.empty()) {  // nothing to send
    round.outcomes.push_back(std::move(out));
    return;
  }
  out.send = true;
  if (const std::string* shared =
          round.FindMessage(published, binary, snapshot, updated, removed)) {
    out.message = *shared;
    out.message_copied = true;
  } else if (binary) {
    out.message = EncodeBinaryMessage(snapshot ? kBinarySnapshot : kBinaryDelta,
                                      published.picture.time, updated, removed);
  } else {
    std::string& message = out.message;
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
  if (!snapshot) {
    for (const model::FusedTrack* t : updated) {
      out.latency.Observe(
          std::chrono::duration<double>(Duration(now_ns - t->time.nanos())).count());
    }
  }
  round.outcomes.push_back(std::move(out));
}

}  // namespace biac::api
