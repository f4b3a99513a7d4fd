#include "biac/app/feed_ingest.h"

#include <fmt/format.h>

#include "biac/base/log.h"

namespace biac::app {

namespace {

constexpr uint64_t kLoggedErrorsPerFeed = 20;  // then one line per kErrorLogEvery
constexpr uint64_t kErrorLogEvery = 10000;

}  // namespace

net::Framing FramingOf(sim::WireFormat format) {
  switch (format) {
    case sim::WireFormat::kAisNmea:
    case sim::WireFormat::kSbs:
      return net::Framing::kLine;
    case sim::WireFormat::kBeast:
      return net::Framing::kBeast;
    case sim::WireFormat::kAsterix:
      return net::Framing::kAsterix;
    case sim::WireFormat::kCot:
      return net::Framing::kCot;  // XML events, or TAK protocol after a client switches
    case sim::WireFormat::kKlvTs:
      return net::Framing::kMpegTs;
    case sim::WireFormat::kGmti:
      return net::Framing::kGmti;
  }
  return net::Framing::kLine;
}

FeedIngest::FeedIngest(const FeedConfig& config, size_t index,
                       std::unique_ptr<FeedDecoder> decoder, IngestQueue* queue,
                       const Clock* clock)
    : net::FramingHandler(
          FramingOf(config.source.format), config.max_record,
          [this](std::span<const uint8_t> record, const net::RecordSource& source) {
            Record(record, source);
          },
          [this](const net::RecordSource& source, std::string_view reason) {
            {
              std::lock_guard lock(mutex_);
              ++framing_errors_;
            }
            Error(source, reason);
          }),
      config_(config),
      index_(index),
      decoder_(std::move(decoder)),
      queue_(queue),
      clock_(clock),
      paced_(config.endpoint.transport == net::Transport::kFile && config.endpoint.speed > 0.0) {}

void FeedIngest::OnConnect(uint64_t connection, std::string_view peer) {
  net::FramingHandler::OnConnect(connection, peer);
  log::Info("feed {}: connection {} from {}", config_.source.source, connection, peer);
}

void FeedIngest::OnData(const net::Chunk& chunk) {
  arrival_ = clock_->Now();
  net::FramingHandler::OnData(chunk);
  Flush();
}

void FeedIngest::OnDisconnect(uint64_t connection, std::string_view reason) {
  net::FramingHandler::OnDisconnect(connection, reason);  // a cut-off record is an error
  Flush();
  log::Info("feed {}: connection {} closed: {}", config_.source.source, connection, reason);
}

void FeedIngest::Record(std::span<const uint8_t> record, const net::RecordSource& source) {
  std::string error;
  std::optional<Timestamp> latest;
  {
    std::lock_guard lock(mutex_);
    ++records_;
    const size_t before = pending_.size();
    decoder_->Decode(record, arrival_, pending_, &error);
    observations_ += pending_.size() - before;
    for (size_t i = before; i < pending_.size(); ++i) {
      if (!latest || pending_[i].time > *latest) latest = pending_[i].time;
    }
  }
  if (!error.empty()) Error(source, error);
  if (paced_ && latest && source.datagram == 0 && source.connection != 0) Pace(*latest);
}

void FeedIngest::Pace(Timestamp time) {
  const auto now = std::chrono::steady_clock::now();
  if (!pace_data_ || time < *pace_data_) {
    pace_data_ = time;
    pace_wall_ = now;
    return;
  }
  const auto due =
      pace_wall_ + std::chrono::nanoseconds(static_cast<int64_t>(
                       static_cast<double>((time - *pace_data_).count()) /
                       config_.endpoint.speed));
  if (due <= now) return;
  // What is decoded so far goes now; then the replay waits (and the listener reads nothing).
  const Timestamp arrival = arrival_;
  Flush();
  {
    std::unique_lock lock(pace_mutex_);
    pace_wake_.wait_until(lock, due, [&] { return interrupted_; });
  }
  arrival_ = std::max(arrival, clock_->Now());
}

void FeedIngest::Interrupt() {
  std::lock_guard lock(pace_mutex_);
  interrupted_ = true;
  pace_wake_.notify_all();
}

void FeedIngest::Error(const net::RecordSource& source, std::string_view reason) {
  std::string place;
  if (config_.endpoint.transport == net::Transport::kFile && source.connection != 0) {
    place = source.connection == 1
                ? fmt::format("{} byte {}", source.peer, source.offset)
                : fmt::format("{} pass {} byte {}", source.peer, source.connection,
                              source.offset);
  } else if (source.connection != 0) {
    place = fmt::format("{} connection {} byte {}", source.peer, source.connection,
                        source.offset);
  } else {
    place = fmt::format("{} datagram {} byte {}", source.peer, source.datagram, source.offset);
  }
  const std::string message =
      fmt::format("feed {}: {}: {}", config_.source.source, place, reason);
  uint64_t count = 0;
  {
    std::lock_guard lock(mutex_);
    count = ++errors_;
    last_error_ = message;
  }
  if (count <= kLoggedErrorsPerFeed || count % kErrorLogEvery == 0) {
    log::Warning("{} (error {} on this feed)", message, count);
  }
}

void FeedIngest::Flush() {
  if (pending_.empty()) return;
  IngestQueue::Batch batch{index_, arrival_, std::move(pending_)};
  pending_.clear();
  queue_->Push(std::move(batch));
}

}  // namespace biac::app
