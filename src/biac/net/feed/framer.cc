#include "biac/net/feed/framer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace biac::net {
namespace {

constexpr uint8_t kNewline = '\n';
constexpr uint8_t kCarriageReturn = '\r';

bool IsXmlSpace(uint8_t byte) {  // XML 1.0 §2.3 production [3] S
  return byte == ' ' || byte == '\t' || byte == '\r' || byte == '\n';
}

bool EndsWith(const std::vector<uint8_t>& bytes, std::string_view suffix) {
  if (bytes.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), bytes.end() - suffix.size(),
                    [](char a, uint8_t b) { return static_cast<uint8_t>(a) == b; });
}

}  // namespace

// ---- Framer ----------------------------------------------------------------------------

Framer::Framer(size_t max_record, RecordCallback on_record, FramingErrorCallback on_error)
    : max_record_(max_record), on_record_(std::move(on_record)), on_error_(std::move(on_error)) {}

void Framer::Deliver(std::span<const uint8_t> record, uint64_t offset) {
  ++stats_.records;
  if (on_record_) on_record_(record, offset);
}

void Framer::Fail(uint64_t offset, std::string reason) {
  ++stats_.errors;
  if (on_error_) on_error_(offset, std::move(reason));
}

// ---- LineFramer ------------------------------------------------------------------------

LineFramer::LineFramer(RecordCallback on_record, FramingErrorCallback on_error, size_t max_record)
    : Framer(max_record == 0 ? kDefaultMaxRecord : max_record, std::move(on_record),
             std::move(on_error)) {}

namespace {

// The line without one trailing '\r'; empty lines are no records.
std::span<const uint8_t> StripCarriageReturn(std::span<const uint8_t> line) {
  if (!line.empty() && line.back() == kCarriageReturn) return line.first(line.size() - 1);
  return line;
}

}  // namespace

void LineFramer::Push(std::span<const uint8_t> bytes) {
  const uint8_t* data = bytes.data();
  size_t size = bytes.size();
  uint64_t offset = offset_;  // of data[0]
  offset_ += size;
  while (size > 0) {
    const auto* newline = static_cast<const uint8_t*>(std::memchr(data, kNewline, size));
    const size_t length = newline != nullptr ? static_cast<size_t>(newline - data) : size;
    if (skipping_) {
      stats_.skipped_bytes += length;
      if (newline == nullptr) return;
      skipping_ = false;
    } else if (line_.size() + length > max_record_) {
      const uint64_t start = line_.empty() ? offset : line_start_;
      stats_.skipped_bytes += line_.size() + length;
      line_.clear();
      Fail(start, fmt::format("line longer than {} bytes skipped", max_record_));
      if (newline == nullptr) {
        skipping_ = true;
        return;
      }
    } else if (newline == nullptr) {
      if (line_.empty()) {
        line_start_ = offset;
        line_.reserve(max_record_);
      }
      line_.insert(line_.end(), data, data + size);
      return;
    } else if (line_.empty()) {
      const auto line = StripCarriageReturn({data, length});
      if (!line.empty()) Deliver(line, offset);
    } else {
      line_.insert(line_.end(), data, data + length);
      const auto line = StripCarriageReturn(line_);
      if (!line.empty()) Deliver(line, line_start_);
      line_.clear();
    }
    data += length + 1;
    size -= length + 1;
    offset += length + 1;
  }
}

void LineFramer::Finish() {
  if (!skipping_) {
    const auto line = StripCarriageReturn(line_);
    if (!line.empty()) Deliver(line, line_start_);
  }
  line_.clear();
  skipping_ = false;
  offset_ = 0;
}

// ---- BeastFramer -----------------------------------------------------------------------

size_t BeastFramer::PayloadBytes(uint8_t type) {
  // Mode-S Beast binary format (dump1090 net_io.c READ_MODE_BEAST; readsb net_io.c
  // decodeBinMessage): Mode A/C 2 bytes, Mode S short 56 bits, long 112 bits; status and
  // position frames carry 14 bytes.
  constexpr size_t kModeAcBytes = 2;
  constexpr size_t kShortBytes = 7;
  switch (type) {
    case '1':
      return kModeAcBytes;
    case '2':
      return kShortBytes;
    case '3':
    case '4':
    case '5':
      return kMaxPayloadBytes;
    default:
      return 0;
  }
}

BeastFramer::BeastFramer(RecordCallback on_record, FramingErrorCallback on_error)
    : Framer(kMaxRecord, std::move(on_record), std::move(on_error)) {}

void BeastFramer::Push(std::span<const uint8_t> bytes) {
  for (const uint8_t byte : bytes) Byte(byte, offset_++);
}

void BeastFramer::StartGarbage(uint64_t offset, std::string reason) {
  Fail(offset, std::move(reason) + "; skipping to the next frame");
  state_ = State::kGarbage;
  frame_size_ = 0;
}

void BeastFramer::Byte(uint8_t byte, uint64_t offset) {
  switch (state_) {
    case State::kStart:
      if (byte == kEscape) {
        frame_start_ = offset;
        state_ = State::kType;
      } else {
        ++stats_.skipped_bytes;
        StartGarbage(offset,
                     fmt::format("byte 0x{:02X} where a frame start 0x1A was expected", byte));
      }
      return;
    case State::kGarbage:
      if (byte == kEscape) {
        state_ = State::kGarbageEscape;
      } else {
        ++stats_.skipped_bytes;
      }
      return;
    case State::kGarbageEscape:
      if (PayloadBytes(byte) != 0) {
        frame_start_ = offset - 1;
        state_ = State::kType;
        Byte(byte, offset);
        return;
      }
      // A doubled 0x1A is data of a frame whose start was lost; anything else is no frame.
      stats_.skipped_bytes += 2;
      state_ = State::kGarbage;
      return;
    case State::kType: {
      const size_t payload = PayloadBytes(byte);
      if (payload == 0) {
        stats_.skipped_bytes += 2;
        StartGarbage(frame_start_, fmt::format("unknown frame type 0x{:02X}", byte));
        return;
      }
      frame_[0] = byte;
      frame_size_ = 1;
      frame_need_ = 1 + kTimestampBytes + kSignalBytes + payload;
      state_ = State::kBody;
      return;
    }
    case State::kBody:
      if (byte == kEscape) {
        state_ = State::kBodyEscape;
        return;
      }
      break;
    case State::kBodyEscape:
      if (byte != kEscape) {
        // A lone 0x1A: the next frame began before this one ended.
        const uint64_t next = offset - 1;
        stats_.skipped_bytes += next - frame_start_;
        Fail(frame_start_, fmt::format("frame cut short by a frame start at offset {}", next));
        frame_size_ = 0;
        frame_start_ = next;
        state_ = State::kType;
        Byte(byte, offset);
        return;
      }
      state_ = State::kBody;
      break;
  }
  // A body byte (kBody, or an unescaped 0x1A).
  frame_[frame_size_++] = byte;
  if (frame_size_ == frame_need_) {
    Deliver({frame_, frame_size_}, frame_start_);
    frame_size_ = 0;
    state_ = State::kStart;
  }
}

void BeastFramer::Finish() {
  if (state_ == State::kType || state_ == State::kBody || state_ == State::kBodyEscape) {
    stats_.skipped_bytes += offset_ - frame_start_;
    Fail(frame_start_, "stream ended inside a frame");
  } else if (state_ == State::kGarbageEscape) {
    ++stats_.skipped_bytes;
  }
  state_ = State::kStart;
  frame_size_ = 0;
  offset_ = 0;
}

// ---- AsterixFramer ---------------------------------------------------------------------

AsterixFramer::AsterixFramer(RecordCallback on_record, FramingErrorCallback on_error,
                             size_t max_record)
    : Framer(std::max(max_record == 0 ? kDefaultMaxRecord : max_record, kHeaderBytes),
             std::move(on_record), std::move(on_error)) {}

namespace {

// EUROCONTROL-SPEC-0149 Part 1 §4.2: LEN, octets 2 and 3 of the block, big-endian.
size_t AsterixBlockLength(const uint8_t* header) {
  constexpr int kByteBits = 8;
  return static_cast<size_t>(header[1]) << kByteBits | header[2];
}

}  // namespace

void AsterixFramer::Push(std::span<const uint8_t> bytes) {
  const uint8_t* data = bytes.data();
  size_t size = bytes.size();
  uint64_t offset = offset_;
  offset_ += size;
  const auto advance = [&](size_t n) {
    data += n;
    size -= n;
    offset += n;
  };
  // The header of a block that starts at `start`: false when it is bad (one byte skipped).
  const auto accept_header = [&](size_t length, uint64_t start) {
    if (length < kHeaderBytes) {
      ++stats_.skipped_bytes;
      if (!resyncing_) {
        resyncing_ = true;
        Fail(start, fmt::format("data block length {} < 3; resynchronising byte by byte", length));
      }
      return false;
    }
    resyncing_ = false;
    if (length > max_record_) {
      Fail(start,
           fmt::format("data block of {} bytes longer than {} skipped", length, max_record_));
      skip_ = length;
      return false;
    }
    return true;
  };
  while (size > 0) {
    if (skip_ > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(skip_, size));
      skip_ -= n;
      stats_.skipped_bytes += n;
      advance(n);
      continue;
    }
    if (block_.empty()) {
      if (size >= kHeaderBytes) {
        const size_t length = AsterixBlockLength(data);
        if (!accept_header(length, offset)) {
          if (skip_ == 0) advance(1);
          continue;
        }
        if (size >= length) {
          Deliver({data, length}, offset);
          advance(length);
          continue;
        }
      }
      block_.reserve(max_record_);
      block_start_ = offset;
      block_.insert(block_.end(), data, data + size);
      advance(size);
      continue;
    }
    if (block_.size() < kHeaderBytes) {
      const size_t n = std::min(kHeaderBytes - block_.size(), size);
      block_.insert(block_.end(), data, data + n);
      advance(n);
      if (block_.size() < kHeaderBytes) continue;
      const size_t length = AsterixBlockLength(block_.data());
      if (!accept_header(length, block_start_)) {
        if (skip_ > 0) {
          skip_ -= kHeaderBytes;
          stats_.skipped_bytes += kHeaderBytes;
          block_.clear();
          continue;
        }
        // Resynchronise on the next byte: the two after the bad one are candidates again.
        const uint8_t rest[kHeaderBytes - 1] = {block_[1], block_[2]};
        const uint64_t rest_offset = block_start_ + 1;
        block_.clear();
        // Re-frame the two bytes from their own offset, then the rest of this push.
        const uint64_t saved = offset_;
        offset_ = rest_offset;
        Push({rest, sizeof(rest)});
        offset_ = saved;
        continue;
      }
      if (block_.size() == length) {  // LEN 3: an empty block
        Deliver(block_, block_start_);
        block_.clear();
      }
      continue;
    }
    const size_t length = AsterixBlockLength(block_.data());
    const size_t n = std::min(length - block_.size(), size);
    block_.insert(block_.end(), data, data + n);
    advance(n);
    if (block_.size() == length) {
      Deliver(block_, block_start_);
      block_.clear();
    }
  }
}

void AsterixFramer::Finish() {
  if (!block_.empty()) {
    stats_.skipped_bytes += block_.size();
    Fail(block_start_, fmt::format("stream ended inside a data block ({} bytes)", block_.size()));
  }
  block_.clear();
  skip_ = 0;
  resyncing_ = false;
  offset_ = 0;
}

// ---- XmlEventFramer --------------------------------------------------------------------

namespace {

constexpr std::string_view kEventOpen = "<event";  // MIL-STD-6090 CoT root element
constexpr std::string_view kEventClose = "/event";
constexpr std::string_view kCommentOpen = "!--";  // XML 1.0 §2.5
constexpr std::string_view kCommentClose = "-->";
constexpr std::string_view kCdataOpen = "![CDATA[";  // XML 1.0 §2.7
constexpr std::string_view kCdataClose = "]]>";
constexpr uint8_t kProcessingInstruction = '?';  // "<?...?>", XML 1.0 §2.6

}  // namespace

XmlEventFramer::XmlEventFramer(RecordCallback on_record, FramingErrorCallback on_error,
                               size_t max_record)
    : Framer(std::max(max_record == 0 ? kDefaultMaxRecord : max_record, kEventOpen.size() + 2),
             std::move(on_record), std::move(on_error)) {}

void XmlEventFramer::Push(std::span<const uint8_t> bytes) {
  for (const uint8_t byte : bytes) Byte(byte, offset_++);
}

void XmlEventFramer::Garbage(uint64_t offset, std::string_view what) {
  if (!in_garbage_run_) {
    in_garbage_run_ = true;
    Fail(offset, fmt::format("{}; skipping to the next <event", what));
  }
}

void XmlEventFramer::Complete() {
  Deliver(event_, start_);
  event_.clear();
  state_ = State::kIdle;
}

bool XmlEventFramer::Append(uint8_t byte, uint64_t offset) {
  if (event_.size() < max_record_) {
    event_.push_back(byte);
    return true;
  }
  stats_.skipped_bytes += event_.size();
  // Reported even inside a garbage run: an oversized event is no garbage.
  in_garbage_run_ = false;
  Garbage(start_, fmt::format("event longer than {} bytes", max_record_));
  event_.clear();
  state_ = State::kGarbage;
  Byte(byte, offset);
  return false;
}

void XmlEventFramer::Byte(uint8_t byte, uint64_t offset) {
  switch (state_) {
    case State::kIdle:
    case State::kGarbage:
      if (byte == '<') {
        if (event_.capacity() < max_record_) event_.reserve(max_record_);
        event_.assign(1, byte);
        start_ = offset;
        state_ = State::kOpen;
      } else if (state_ == State::kGarbage || !IsXmlSpace(byte)) {
        ++stats_.skipped_bytes;
        Garbage(offset, "text outside an event");
        state_ = State::kGarbage;
      }
      return;
    case State::kOpen: {
      const size_t matched = event_.size();
      if (matched == 1 && byte == kProcessingInstruction) {
        event_.clear();
        previous_ = 0;
        prolog_bytes_ = 2;
        state_ = State::kProlog;
        return;
      }
      if (matched < kEventOpen.size() && byte == static_cast<uint8_t>(kEventOpen[matched])) {
        event_.push_back(byte);
        return;
      }
      if (matched == kEventOpen.size() && (IsXmlSpace(byte) || byte == '>' || byte == '/')) {
        in_garbage_run_ = false;
        quote_ = 0;
        state_ = State::kStartTag;
        Byte(byte, offset);
        return;
      }
      stats_.skipped_bytes += event_.size();
      Garbage(start_, "markup other than <event");
      event_.clear();
      state_ = State::kGarbage;
      Byte(byte, offset);
      return;
    }
    case State::kProlog:
      if (previous_ == kProcessingInstruction && byte == '>') {
        state_ = State::kIdle;
        return;
      }
      previous_ = byte;
      if (++prolog_bytes_ > max_record_) {
        stats_.skipped_bytes += prolog_bytes_;
        Garbage(start_, fmt::format("processing instruction longer than {} bytes", max_record_));
        state_ = State::kGarbage;
      }
      return;
    case State::kStartTag:
      if (byte == '<') {
        // '<' may not appear in a start tag, not even in an attribute value (XML 1.0 §3.1
        // production [10] AttValue): the tag was cut short (the peer restarted mid-event).
        // Drop it; the '<' may start the next event.
        stats_.skipped_bytes += event_.size();
        in_garbage_run_ = false;
        Garbage(start_, "event start tag cut short by '<'");
        event_.clear();
        state_ = State::kGarbage;
        Byte(byte, offset);
        return;
      }
      if (!Append(byte, offset)) return;
      if (quote_ != 0) {
        if (byte == quote_) quote_ = 0;
      } else if (byte == '"' || byte == '\'') {
        quote_ = byte;
      } else if (byte == '>') {
        if (event_[event_.size() - 2] == '/') {
          Complete();
        } else {
          state_ = State::kBody;
        }
      }
      return;
    case State::kBody:
      if (!Append(byte, offset)) return;
      if (byte == '<') {
        markup_ = 0;
        state_ = State::kBodyMarkup;
      }
      return;
    case State::kBodyMarkup: {
      if (!Append(byte, offset)) return;
      ++markup_;
      const std::string_view after(
          reinterpret_cast<const char*>(event_.data()) + event_.size() - markup_, markup_);
      if (after == kEventClose) {
        state_ = State::kEndTag;
      } else if (after == kCommentOpen) {
        markup_ = 0;
        state_ = State::kComment;
      } else if (after == kCdataOpen) {
        markup_ = 0;
        state_ = State::kCdata;
      } else if (!kEventClose.starts_with(after) && !kCommentOpen.starts_with(after) &&
                 !kCdataOpen.starts_with(after)) {
        // Another element: content. Its '<' may itself open markup.
        markup_ = 0;
        state_ = byte == '<' ? State::kBodyMarkup : State::kBody;
      }
      return;
    }
    case State::kComment:
    case State::kCdata: {
      if (!Append(byte, offset)) return;
      ++markup_;
      const std::string_view close = state_ == State::kComment ? kCommentClose : kCdataClose;
      if (markup_ >= close.size() && EndsWith(event_, close)) state_ = State::kBody;
      return;
    }
    case State::kEndTag:
      if (!Append(byte, offset)) return;
      if (byte == '>') {
        Complete();
      } else if (!IsXmlSpace(byte)) {
        // "</eventX": another element's end tag.
        markup_ = 0;
        state_ = byte == '<' ? State::kBodyMarkup : State::kBody;
      }
      return;
  }
}

void XmlEventFramer::Finish() {
  switch (state_) {
    case State::kIdle:
    case State::kGarbage:
    case State::kProlog:
      break;
    case State::kOpen:
      stats_.skipped_bytes += event_.size();
      Garbage(start_, "stream ended inside markup");
      break;
    default:
      stats_.skipped_bytes += event_.size();
      Fail(start_, "stream ended inside an event");
      break;
  }
  event_.clear();
  state_ = State::kIdle;
  in_garbage_run_ = false;
  offset_ = 0;
}

// ---- Framings --------------------------------------------------------------------------

namespace {

struct FramingNameEntry {
  Framing framing;
  std::string_view name;
};
constexpr FramingNameEntry kFramingNames[] = {
    {Framing::kLine, "line"},
    {Framing::kBeast, "beast"},
    {Framing::kAsterix, "asterix"},
    {Framing::kCotXml, "cot-xml"},
};

}  // namespace

std::string_view FramingName(Framing framing) {
  for (const auto& entry : kFramingNames) {
    if (entry.framing == framing) return entry.name;
  }
  return "?";
}

Result<Framing> ParseFraming(std::string_view name) {
  for (const auto& entry : kFramingNames) {
    if (entry.name == name) return entry.framing;
  }
  return InvalidArgument(
      fmt::format("framing \"{}\": expected line, beast, asterix or cot-xml", name));
}

std::unique_ptr<Framer> MakeFramer(Framing framing, RecordCallback on_record,
                                   FramingErrorCallback on_error, size_t max_record) {
  switch (framing) {
    case Framing::kLine:
      return std::make_unique<LineFramer>(std::move(on_record), std::move(on_error), max_record);
    case Framing::kBeast:
      return std::make_unique<BeastFramer>(std::move(on_record), std::move(on_error));
    case Framing::kAsterix:
      return std::make_unique<AsterixFramer>(std::move(on_record), std::move(on_error), max_record);
    case Framing::kCotXml:
      return std::make_unique<XmlEventFramer>(std::move(on_record), std::move(on_error),
                                              max_record);
  }
  return nullptr;
}

}  // namespace biac::net
