#pragma once

// A FeedHandler that frames what a listener reads into records: one framer per TCP
// connection (created on connect, finished and dropped on disconnect), and for UDP each
// datagram framed on its own (a datagram holds whole records: what is left at its end is
// reported, or for lines delivered, by Finish()). The glue between a FeedListener and a
// decoder; it adds no thread and no queue, so the record callback may block exactly as
// FeedHandler::OnData may (back-pressure).
//
// Memory: at most max_connections framers, each holding at most max_record bytes.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string_view>

#include "biac/net/feed/feed.h"
#include "biac/net/feed/framer.h"

namespace biac::net {

// Where a record (or a framing error) came from, for counters and log lines
// ("ais-udp 127.0.0.1:40123 datagram 12 byte 0: ...").
struct RecordSource {
  uint64_t connection = 0;  // tcp: the listener's connection id; udp: 0
  uint64_t datagram = 0;    // udp: index of the datagram on the listener; tcp: 0
  uint64_t offset = 0;      // tcp: offset in the connection's stream; udp: in the datagram
  std::string_view peer;
};

class FramingHandler : public FeedHandler {
 public:
  using RecordSink = std::function<void(std::span<const uint8_t> record, const RecordSource&)>;
  using ErrorSink = std::function<void(const RecordSource&, std::string_view reason)>;

  // max_record 0: the framing's default.
  FramingHandler(Framing framing, size_t max_record, RecordSink on_record, ErrorSink on_error);
  ~FramingHandler() override;
  FramingHandler(const FramingHandler&) = delete;  // its framers' callbacks point at it
  FramingHandler& operator=(const FramingHandler&) = delete;

  void OnConnect(uint64_t connection, std::string_view peer) override;
  void OnData(const Chunk& chunk) override;
  void OnDisconnect(uint64_t connection, std::string_view reason) override;

  // Listener thread only (or after the listener stopped).
  size_t framers() const { return framers_.size(); }
  size_t buffered() const;  // bytes of partial records held, over all connections
  const FramerStats& stats() const { return stats_; }  // of every framer, closed ones too

 private:
  struct Entry;
  Entry& EntryFor(uint64_t connection, std::string_view peer);
  void Retire(Entry& entry);

  const Framing framing_;
  const size_t max_record_;
  const RecordSink on_record_;
  const ErrorSink on_error_;
  std::map<uint64_t, std::unique_ptr<Entry>> framers_;
  FramerStats stats_;
};

}  // namespace biac::net
