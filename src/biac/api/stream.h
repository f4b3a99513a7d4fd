#pragma once

// The live picture stream (GET /api/v1/stream, WebSocket). One streamer thread serves every
// client: on each publication it compares the audience's latest picture with what the client
// was last sent and sends the difference for the client's viewport.
//
// Cost. A client that holds its audience's previous publication gets an incremental round:
// only the tracks that publication changed or removed (PublishedPicture::changed/removed),
// and its rate-held tracks when one falls due, are examined - O(changed) per client, not
// O(tracks). The first round, a resync, a new viewport or a skipped publication compare the
// whole picture (one scan of the shared entries' inline id/time/position). Clients in the same
// state (what they were sent and when, their viewport) share one round's work: the
// difference, the message and the new state are worked out once (Round, stream.cc).
//
// Protocol (docs/api.md, "Stream"): the node sends {"type":"snapshot","time":ms,"tracks":[..]}
// on connect and after a resync, then {"type":"delta","time":ms,"updated":[..],"removed":[ids]}
// (track forms: track_codec.h; with ?encoding=binary the same as binary messages). The client
// may send {"type":"viewport","bbox":[west,south,east,north]} (west > east spans the
// antimeridian; no bbox: the whole world) and {"type":"resync"}.
//
// Rate and slow clients. A track is sent at most once per `min_track_interval` (1 s). A newer
// state of a track sent less than that ago is held; once the interval has passed, the next
// fresh state (one that came with the latest publication, or whose newest observation is at
// most `fresh_age` (50 ms) old) goes at once, and a held state that no fresh one replaced goes
// `held_limit` (4 s) after the previous send. So a track reporting several times a second
// is sent about once a second with its newest data, not with a state that waited out the
// interval, and a track that went quiet shows its last state within the limit. (With a limit
// of twice the interval, a ship seen by five radars turning in 3 s got 8 % of its updates as
// held states up to 1.9 s old: gaps of more than a second between plots are common, of more
// than three rare; docs/node-load.md, session 10.) A client whose socket
// queue is over half its limit is skipped; since each round sends the difference between the
// latest picture and what the client holds, a skipped client later gets one coalesced
// update: the latest state of each changed track, never a backlog. The streamer never blocks
// on a client, so a client that never reads slows neither the node nor other clients; its
// memory is the session's queue limit plus its sent-state (24 bytes per track, shared by the
// clients in the same state).

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "biac/api/picture_hub.h"
#include "biac/api/prometheus.h"
#include "biac/base/clock.h"
#include "biac/net/http/server.h"

namespace biac::api {

struct BoundingBox {
  double west = -180, south = -90, east = 180, north = 90;
  bool Contains(double latitude, double longitude) const;
  bool operator==(const BoundingBox&) const = default;
};

// Parses "west,south,east,north" (degrees); errors name the reason.
Result<BoundingBox> ParseBoundingBox(std::string_view text);

struct StreamOptions {
  Duration min_track_interval = std::chrono::seconds(1);
  // A held state that no fresh state replaced goes this long after the track's previous
  // send (at least min_track_interval).
  Duration held_limit = std::chrono::seconds(4);
  // A held state whose newest observation is at most this old when its interval ends goes
  // then; an older one waits for the track's next state (or the held limit). Sending a held
  // state 150 ms old put a tail of that age into the stream at the load figures.
  Duration fresh_age = std::chrono::milliseconds(50);
  Duration tick = std::chrono::milliseconds(20);  // longest wait between rounds
};

struct StreamStats {
  uint64_t clients = 0;
  uint64_t messages = 0;
  uint64_t bytes = 0;
  uint64_t skipped_rounds = 0;  // a client's round skipped because its queue was full
  uint64_t track_updates = 0;
  uint64_t shared_messages = 0;  // messages copied from another client's in the same round
  uint64_t states = 0;  // distinct client states after the last round
};

class Streamer {
 public:
  Streamer(const PictureHub* hub, const Clock* clock, StreamOptions options);
  ~Streamer();  // Stop()
  Streamer(const Streamer&) = delete;
  Streamer& operator=(const Streamer&) = delete;

  // Registers a client of `audience`; the returned handler goes to the HTTP server.
  std::unique_ptr<net::WebSocketHandler> Add(std::shared_ptr<net::WebSocketSession> session,
                                             size_t audience, std::string user,
                                             BoundingBox viewport, bool binary);
  void Stop();
  StreamStats stats() const;
  // Wall-clock time from a track's data time to its send, per track update sent.
  const LatencyHistogram& latency() const { return latency_; }

 private:
  struct State;
  struct Client;
  struct Round;
  class Handler;
  void Run();
  void Serve(Client& client, const PublishedPicture& picture, Timestamp now, Round& round);
  // Works out the round of clients in state `before` (the difference, the new state, the
  // message) and adds it to `round`.
  void Work(const std::shared_ptr<const State>& before, const PublishedPicture& published,
            const BoundingBox& viewport, bool resync, bool binary, int64_t now_ns,
            Round& round) const;

  const PictureHub* hub_;
  const Clock* clock_;
  StreamOptions options_;
  std::shared_ptr<const State> empty_state_;  // every client's state before its first round
  mutable std::mutex mutex_;  // clients_
  std::vector<std::shared_ptr<Client>> clients_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  LatencyHistogram latency_;
  std::atomic<uint64_t> messages_{0}, bytes_{0}, skipped_{0}, updates_{0}, shared_{0}, states_{0};
};

}  // namespace biac::api
