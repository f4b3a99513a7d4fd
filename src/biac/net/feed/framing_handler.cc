#include "biac/net/feed/framing_handler.h"

#include <string>
#include <utility>

namespace biac::net {

// One framer and what its callbacks need to name the source.
struct FramingHandler::Entry {
  std::unique_ptr<Framer> framer;
  RecordSource source;
  std::string peer;     // source.peer points here (tcp) or into the current chunk (udp)
  FramerStats counted;  // the part of framer->stats() already added to stats_
};

FramingHandler::FramingHandler(Framing framing, size_t max_record, RecordSink on_record,
                               ErrorSink on_error)
    : framing_(framing),
      max_record_(max_record),
      on_record_(std::move(on_record)),
      on_error_(std::move(on_error)) {}

FramingHandler::~FramingHandler() = default;

FramingHandler::Entry& FramingHandler::EntryFor(uint64_t connection, std::string_view peer) {
  auto& slot = framers_[connection];
  if (slot) return *slot;
  slot = std::make_unique<Entry>();
  Entry* entry = slot.get();
  entry->peer = std::string(peer);
  entry->source.connection = connection;
  entry->source.peer = entry->peer;
  entry->framer = MakeFramer(
      framing_,
      [this, entry](std::span<const uint8_t> record, uint64_t offset) {
        RecordSource source = entry->source;
        source.offset = offset;
        if (on_record_) on_record_(record, source);
      },
      [this, entry](uint64_t offset, std::string reason) {
        RecordSource source = entry->source;
        source.offset = offset;
        if (on_error_) on_error_(source, reason);
      },
      max_record_);
  return *entry;
}

void FramingHandler::Retire(Entry& entry) {
  const FramerStats& now = entry.framer->stats();
  stats_.records += now.records - entry.counted.records;
  stats_.errors += now.errors - entry.counted.errors;
  stats_.skipped_bytes += now.skipped_bytes - entry.counted.skipped_bytes;
  entry.counted = now;
}

void FramingHandler::OnConnect(uint64_t connection, std::string_view peer) {
  EntryFor(connection, peer);
}

void FramingHandler::OnData(const Chunk& chunk) {
  Entry& entry = EntryFor(chunk.connection, chunk.peer);
  if (chunk.datagram) {
    // Each datagram is a stream of its own: its offsets start at 0, and a record cut at its
    // end is reported by Finish().
    entry.source.datagram = chunk.offset;
    entry.source.peer = chunk.peer;
    entry.framer->Push(chunk.bytes);
    entry.framer->Finish();
  } else {
    entry.framer->Push(chunk.bytes);
  }
  Retire(entry);
}

void FramingHandler::OnDisconnect(uint64_t connection, std::string_view /*reason*/) {
  const auto it = framers_.find(connection);
  if (it == framers_.end()) return;
  it->second->framer->Finish();
  Retire(*it->second);
  framers_.erase(it);
}

size_t FramingHandler::buffered() const {
  size_t total = 0;
  for (const auto& [connection, entry] : framers_) total += entry->framer->buffered();
  return total;
}

}  // namespace biac::net
