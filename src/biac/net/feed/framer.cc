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

// ---- CotFramer --------------------------------------------------------------------------

CotFramer::CotFramer(RecordCallback on_record, FramingErrorCallback on_error, size_t max_record)
    : Framer(std::max(max_record == 0 ? XmlEventFramer::kDefaultMaxRecord : max_record,
                      1 + kMaxVarintBytes + 1),
             std::move(on_record), std::move(on_error)),
      xml_([this](std::span<const uint8_t> record, uint64_t offset) { Deliver(record, offset); },
           [this](uint64_t offset, std::string reason) { Fail(offset, std::move(reason)); },
           max_record_) {}

void CotFramer::SyncStats() { stats_.skipped_bytes = xml_.stats().skipped_bytes + tak_skipped_; }

void CotFramer::Push(std::span<const uint8_t> bytes) {
  size_t i = 0;
  while (i < bytes.size() && !tak_) {
    // XML up to the next 0xBF; there, TAK protocol starts if no event is under way.
    const auto magic = std::find(bytes.begin() + static_cast<std::ptrdiff_t>(i), bytes.end(),
                                 kTakMagic);
    const size_t end = static_cast<size_t>(magic - bytes.begin());
    if (end > i) xml_.Push(bytes.subspan(i, end - i));
    offset_ += end - i;
    i = end;
    if (i == bytes.size()) break;
    if (xml_.buffered() == 0) {
      tak_ = true;
      break;
    }
    xml_.Push(bytes.subspan(i, 1));
    ++offset_;
    ++i;
  }
  for (; i < bytes.size(); ++i) TakByte(bytes[i], offset_++);
  SyncStats();
}

void CotFramer::TakByte(uint8_t byte, uint64_t offset) {
  if (frame_.empty()) {
    if (byte != kTakMagic) {
      ++tak_skipped_;
      if (!in_garbage_run_) {
        in_garbage_run_ = true;
        Fail(offset, fmt::format("byte 0x{:02X} where a TAK protocol frame should start (0xBF); "
                                 "skipping to the next 0xBF",
                                 byte));
      }
      return;
    }
    frame_start_ = offset;
    frame_.push_back(byte);
    need_ = 0;
    return;
  }
  if (mesh_) {
    if (frame_.size() == max_record_) {
      tak_skipped_ += frame_.size() + 1;
      frame_.clear();
      mesh_ = false;
      in_garbage_run_ = true;
      Fail(frame_start_, fmt::format("TAK mesh message longer than {} bytes; skipping to the "
                                     "next 0xBF",
                                     max_record_));
      return;
    }
    frame_.push_back(byte);
    return;
  }
  frame_.push_back(byte);
  if (need_ == 0) {
    const size_t varint_bytes = frame_.size() - 1;
    if ((byte & 0x80) != 0) {
      if (varint_bytes < kMaxVarintBytes) return;
      tak_skipped_ += frame_.size();
      frame_.clear();
      in_garbage_run_ = true;
      Fail(frame_start_,
           "TAK protocol length varint longer than 5 bytes; skipping to the next 0xBF");
      return;
    }
    uint64_t length = 0;
    for (size_t k = varint_bytes; k-- > 0;) length = length << 7 | (frame_[1 + k] & 0x7Fu);
    if (length == 1 && varint_bytes == 1) {  // 0xBF 0x01: a mesh header
      mesh_ = true;
      return;
    }
    // The whole frame (magic, varint, message) is bounded by max_record.
    const size_t most = max_record_ - 1 - varint_bytes;
    if (length == 0 || length > most) {
      tak_skipped_ += frame_.size();
      frame_.clear();
      in_garbage_run_ = true;
      Fail(frame_start_, fmt::format("TAK protocol message length {} is not in [1, {}]; skipping "
                                     "to the next 0xBF",
                                     length, most));
      return;
    }
    need_ = 1 + varint_bytes + static_cast<size_t>(length);
    if (frame_.capacity() < need_) frame_.reserve(need_);
    return;
  }
  if (frame_.size() == need_) {
    in_garbage_run_ = false;
    Deliver(frame_, frame_start_);
    frame_.clear();
    need_ = 0;
  }
}

void CotFramer::Finish() {
  if (mesh_ && frame_.size() > 2 && frame_[2] == kTakMagic) {
    Deliver(frame_, frame_start_);
  } else if (tak_ && !frame_.empty()) {
    tak_skipped_ += frame_.size();
    Fail(frame_start_, fmt::format("stream ended inside a TAK protocol frame ({} bytes)",
                                   frame_.size()));
  }
  xml_.Finish();
  SyncStats();
  frame_.clear();
  need_ = 0;
  tak_ = false;
  mesh_ = false;
  in_garbage_run_ = false;
  tak_skipped_ = 0;
  offset_ = 0;
}

// ---- TsPacketFramer --------------------------------------------------------------------

TsPacketFramer::TsPacketFramer(RecordCallback on_record, FramingErrorCallback on_error)
    : Framer(kPacketBytes, std::move(on_record), std::move(on_error)) {}

void TsPacketFramer::Push(std::span<const uint8_t> bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    if (size_ == 0) {
      if (bytes[i] != kSyncByte) {
        ++stats_.skipped_bytes;
        if (!in_garbage_run_) {
          in_garbage_run_ = true;
          Fail(offset_, fmt::format("byte 0x{:02X} where a transport packet should start "
                                    "(sync byte 0x47); skipping to the next 0x47",
                                    bytes[i]));
        }
        ++i;
        ++offset_;
        continue;
      }
      in_garbage_run_ = false;
      if (bytes.size() - i >= kPacketBytes) {  // a whole packet in hand: no copy
        Deliver(bytes.subspan(i, kPacketBytes), offset_);
        i += kPacketBytes;
        offset_ += kPacketBytes;
        continue;
      }
      start_ = offset_;
    }
    const size_t n = std::min(kPacketBytes - size_, bytes.size() - i);
    std::memcpy(packet_ + size_, bytes.data() + i, n);
    size_ += n;
    i += n;
    offset_ += n;
    if (size_ == kPacketBytes) {
      size_ = 0;
      Deliver({packet_, kPacketBytes}, start_);
    }
  }
}

void TsPacketFramer::Finish() {
  if (size_ != 0) {
    stats_.skipped_bytes += size_;
    Fail(start_, fmt::format("stream ended inside a transport packet ({} of {} bytes)", size_,
                             kPacketBytes));
  }
  size_ = 0;
  in_garbage_run_ = false;
  offset_ = 0;
}

// ---- GmtiFramer ------------------------------------------------------------------------

namespace {

bool IsAsciiDigit(uint8_t byte) { return byte >= '0' && byte <= '9'; }

}  // namespace

GmtiFramer::GmtiFramer(RecordCallback on_record, FramingErrorCallback on_error,
                       size_t max_record)
    : Framer(std::max(max_record == 0 ? kDefaultMaxRecord : max_record, kHeaderBytes),
             std::move(on_record), std::move(on_error)) {}

void GmtiFramer::Push(std::span<const uint8_t> bytes) {
  constexpr size_t kCheckBytes = kSizeOffset + kSizeBytes;  // P1 and P2 decide
  size_t i = 0;
  while (i < bytes.size()) {
    if (need_ == 0) {
      if (packet_.empty()) start_ = offset_;
      const size_t n = std::min(kCheckBytes - packet_.size(), bytes.size() - i);
      packet_.insert(packet_.end(), bytes.begin() + static_cast<std::ptrdiff_t>(i),
                     bytes.begin() + static_cast<std::ptrdiff_t>(i + n));
      i += n;
      offset_ += n;
      // Try each offset of the bytes held until a plausible header starts there.
      while (packet_.size() == kCheckBytes) {
        uint32_t size = 0;
        for (size_t k = 0; k < kSizeBytes; ++k) size = size << 8 | packet_[kSizeOffset + k];
        const bool version_ok = IsAsciiDigit(packet_[0]) && IsAsciiDigit(packet_[1]);
        if (version_ok && size >= kHeaderBytes && size <= max_record_) {
          need_ = size;
          in_garbage_run_ = false;
          if (packet_.capacity() < need_) packet_.reserve(std::min(max_record_, size_t{64} << 10));
          break;
        }
        if (!in_garbage_run_) {
          in_garbage_run_ = true;
          Fail(start_, version_ok ? fmt::format("packet size (P2) {} is not in [{}, {}]; "
                                                "skipping to the next packet header",
                                                size, kHeaderBytes, max_record_)
                                  : fmt::format("version (P1) bytes 0x{:02X} 0x{:02X} are not "
                                                "two digits; skipping to the next packet header",
                                                packet_[0], packet_[1]));
        }
        ++stats_.skipped_bytes;
        packet_.erase(packet_.begin());
        ++start_;
      }
      continue;
    }
    const size_t n = std::min(need_ - packet_.size(), bytes.size() - i);
    packet_.insert(packet_.end(), bytes.begin() + static_cast<std::ptrdiff_t>(i),
                   bytes.begin() + static_cast<std::ptrdiff_t>(i + n));
    i += n;
    offset_ += n;
    if (packet_.size() == need_) {
      Deliver(packet_, start_);
      packet_.clear();
      need_ = 0;
    }
  }
}

void GmtiFramer::Finish() {
  if (!packet_.empty()) {
    stats_.skipped_bytes += packet_.size();
    if (need_ != 0) {
      Fail(start_, fmt::format("stream ended inside a packet ({} of {} bytes)", packet_.size(),
                               need_));
    } else if (!in_garbage_run_) {
      Fail(start_, fmt::format("stream ended inside a packet header ({} bytes)",
                               packet_.size()));
    }
  }
  packet_.clear();
  need_ = 0;
  in_garbage_run_ = false;
  offset_ = 0;
}

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
    {Framing::kMpegTs, "mpeg-ts"},
    {Framing::kGmti, "gmti"},
    {Framing::kCot, "cot"},
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
  return InvalidArgument(fmt::format(
      "framing \"{}\": expected line, beast, asterix, cot-xml, mpeg-ts, gmti or cot", name));
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
    case Framing::kMpegTs:
      return std::make_unique<TsPacketFramer>(std::move(on_record), std::move(on_error));
    case Framing::kGmti:
      return std::make_unique<GmtiFramer>(std::move(on_record), std::move(on_error), max_record);
    case Framing::kCot:
      return std::make_unique<CotFramer>(std::move(on_record), std::move(on_error), max_record);
  }
  return nullptr;
}

}  // namespace biac::net
