#pragma once

// Incremental stream framers: they split the bytes of one TCP connection (or of a file, or of
// one UDP datagram holding several records) into records, keeping the partial record between
// Push() calls. Plain C++, no Asio; one framer per connection, not thread-safe.
//
// Contract shared by every framer:
// - Push(bytes) appends `bytes` and calls `on_record(record, record_offset)` for each record
//   it completes, in stream order; `record_offset` is the stream offset (bytes pushed before
//   it since construction) of the record's first byte. The span is valid only during the call.
// - Anything that is not part of a record (garbage, an oversized or malformed record) is
//   skipped and reported once per skipped run through `on_error(offset, reason)`, `offset`
//   being the stream offset where the run starts. The framer then resynchronises (each
//   framer says how) and the stream goes on.
// - The records and errors depend only on the byte stream, never on how it was cut into Push()
//   calls (the tests and the fuzz target `feed_framer_fuzz` check this).
// - Memory is bounded: a framer holds at most `max_record` bytes of a partial record whatever
//   the peer sends (a peer that stalls mid-record costs at most that), and allocates that
//   buffer once, at the first partial record.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"

namespace biac::net {

using RecordCallback = std::function<void(std::span<const uint8_t> record, uint64_t offset)>;
using FramingErrorCallback = std::function<void(uint64_t offset, std::string reason)>;

struct FramerStats {
  uint64_t records = 0;
  uint64_t errors = 0;         // on_error calls
  uint64_t skipped_bytes = 0;  // bytes of the stream that are in no delivered record, except
                               // the separators of the format (line ends, XML prologs, blanks)
};

class Framer {
 public:
  Framer(size_t max_record, RecordCallback on_record, FramingErrorCallback on_error);
  virtual ~Framer() = default;
  Framer(const Framer&) = delete;
  Framer& operator=(const Framer&) = delete;

  virtual void Push(std::span<const uint8_t> bytes) = 0;
  // End of the stream (the connection closed): a partial record left over is reported as an
  // error ("stream ended inside a record") and dropped; LineFramer delivers an unterminated
  // last line as a record instead. The framer is then ready for a new stream, at offset 0.
  virtual void Finish() = 0;

  uint64_t offset() const { return offset_; }  // bytes pushed since construction or Finish()
  virtual size_t buffered() const = 0;         // bytes of partial record held now
  size_t max_record() const { return max_record_; }
  const FramerStats& stats() const { return stats_; }

 protected:
  void Deliver(std::span<const uint8_t> record, uint64_t offset);
  void Fail(uint64_t offset, std::string reason);

  size_t max_record_;
  uint64_t offset_ = 0;
  FramerStats stats_;

 private:
  RecordCallback on_record_;
  FramingErrorCallback on_error_;
};

// Text lines (NMEA 0183 / AIS, SBS-1 BaseStation): a record ends at '\n'; the '\n' and one
// '\r' before it are not part of the record; empty lines are skipped silently. A line whose
// content (with its '\r') exceeds max_record is reported when it does and skipped up to the
// next '\n'.
class LineFramer final : public Framer {
 public:
  static constexpr size_t kDefaultMaxRecord = 4096;
  LineFramer(RecordCallback on_record, FramingErrorCallback on_error,
             size_t max_record = kDefaultMaxRecord);
  void Push(std::span<const uint8_t> bytes) override;
  void Finish() override;
  size_t buffered() const override { return line_.size(); }

 private:
  std::vector<uint8_t> line_;  // partial line
  uint64_t line_start_ = 0;    // offset of the partial line's first byte
  bool skipping_ = false;      // inside an oversized line, until its '\n'
};

// Mode-S Beast binary (dump1090/readsb port 30005; dump1090 net_io.c, readsb net_io.c
// decodeBinMessage): 0x1A, a type byte, a 6-byte big-endian 12 MHz MLAT counter, a signal
// byte and the payload: type '1' Mode A/C 2 bytes, '2' Mode S short 7, '3' Mode S long 14,
// '4' receiver status 14, '5' receiver position (Radarcape) 14. Every 0x1A after the leading
// one is sent doubled. The record is the frame unescaped from the type byte on (type, MLAT
// counter, signal, payload: 10, 15 or 22 bytes); its offset is that of the leading 0x1A.
// Resynchronisation: after garbage (a byte where a frame should start, an unknown type), on
// the next 0x1A followed by a known type byte; a doubled 0x1A met while resynchronising is
// data. A single 0x1A inside a frame ends that frame (reported as cut short) and starts the
// next one. max_record is fixed (kMaxRecord).
class BeastFramer final : public Framer {
 public:
  static constexpr uint8_t kEscape = 0x1A;
  static constexpr size_t kTimestampBytes = 6;
  static constexpr size_t kSignalBytes = 1;
  static constexpr size_t kMaxPayloadBytes = 14;
  static constexpr size_t kMaxRecord = 1 + kTimestampBytes + kSignalBytes + kMaxPayloadBytes;
  // Payload bytes of a type byte; 0 for an unknown type.
  static size_t PayloadBytes(uint8_t type);

  BeastFramer(RecordCallback on_record, FramingErrorCallback on_error);
  void Push(std::span<const uint8_t> bytes) override;
  void Finish() override;
  size_t buffered() const override { return frame_size_; }

 private:
  enum class State : uint8_t {
    kStart,          // a frame should start here
    kGarbage,        // resynchronising: skipping to the next 0x1A
    kType,           // after a frame's 0x1A: the type byte
    kGarbageEscape,  // resynchronising, after a 0x1A
    kBody,           // timestamp, signal and payload
    kBodyEscape,     // in the body, after a 0x1A
  };
  void Byte(uint8_t byte, uint64_t offset);
  void StartGarbage(uint64_t offset, std::string reason);
  State state_ = State::kStart;
  uint8_t frame_[kMaxRecord] = {};
  size_t frame_size_ = 0;
  size_t frame_need_ = 0;  // record bytes of the current frame
  uint64_t frame_start_ = 0;
};

// ASTERIX data blocks (EUROCONTROL-SPEC-0149 ASTERIX Part 1, §4.2 "Data Block"): CAT (u8),
// LEN (u16 big-endian, the whole block including these 3 bytes), records. A record is one
// whole data block. LEN < 3 is an error: skip one byte and try the next (one error per run
// of skipped bytes). A block longer than max_record is reported and its LEN bytes skipped.
class AsterixFramer final : public Framer {
 public:
  static constexpr size_t kHeaderBytes = 3;
  static constexpr size_t kDefaultMaxRecord = 65535;  // the largest LEN
  AsterixFramer(RecordCallback on_record, FramingErrorCallback on_error,
                size_t max_record = kDefaultMaxRecord);
  void Push(std::span<const uint8_t> bytes) override;
  void Finish() override;
  size_t buffered() const override { return block_.size(); }

 private:
  std::vector<uint8_t> block_;  // partial block (header first)
  uint64_t block_start_ = 0;
  uint64_t skip_ = 0;       // bytes of an oversized block still to skip
  bool resyncing_ = false;  // inside a run of bad headers (reported once)
};

// Cursor-on-Target XML over TCP (MIL-STD-6090 / CoT Event schema; TAK Server streaming
// input): one record per `<event ...>...</event>` or `<event .../>` element. Between events
// whitespace and processing instructions (`<?xml ...?>` prologs) are skipped silently;
// anything else is garbage, reported once per run and skipped up to the next `<event`.
// Inside an event, attribute values, comments and CDATA sections are honoured when looking
// for the end tag; a '<' inside the start tag (never well-formed, XML 1.0 §3.1) means the
// event was cut short: it is reported and the '<' starts over. An event longer than max_record is
// reported and skipped (resync on the next `<event`).
class XmlEventFramer final : public Framer {
 public:
  static constexpr size_t kDefaultMaxRecord = 64 * 1024;
  XmlEventFramer(RecordCallback on_record, FramingErrorCallback on_error,
                 size_t max_record = kDefaultMaxRecord);
  void Push(std::span<const uint8_t> bytes) override;
  void Finish() override;
  size_t buffered() const override { return event_.size(); }

 private:
  enum class State : uint8_t {
    kIdle,        // between events
    kGarbage,     // skipping to the next '<'
    kOpen,        // after '<' between events: "<event" or "<?" or garbage
    kProlog,      // inside "<?...?>"
    kStartTag,    // inside the event's start tag
    kBody,        // event content
    kBodyMarkup,  // after '<' in the content: "</event", "<!--", "<![CDATA[" or another tag
    kComment,     // inside "<!--...-->"
    kCdata,       // inside "<![CDATA[...]]>"
    kEndTag,      // after "</event": whitespace, then '>'
  };
  void Byte(uint8_t byte, uint64_t offset);
  // Appends a byte of the event; when the event would exceed max_record, reports it, drops
  // it, goes to kGarbage, hands the byte to Byte() again and returns false.
  bool Append(uint8_t byte, uint64_t offset);
  void Garbage(uint64_t offset, std::string_view what);
  void Complete();
  State state_ = State::kIdle;
  std::vector<uint8_t> event_;   // the event so far (or the "<..." being matched)
  uint64_t start_ = 0;           // offset of event_[0]
  size_t markup_ = 0;            // bytes matched after '<' (kOpen, kBodyMarkup)
  uint8_t quote_ = 0;            // in kStartTag: the open attribute quote, or 0
  bool in_garbage_run_ = false;  // a garbage run is already reported
  uint8_t previous_ = 0;         // in kProlog: the byte before
  size_t prolog_bytes_ = 0;      // in kProlog: bytes so far (bounded by max_record)
};

// Cursor-on-Target as TAK servers take it on a stream (TCP, TLS): CoT XML events as
// XmlEventFramer cuts them, or TAK Protocol Version 1 stream framing (formats/cot/takproto.h;
// ATAK/TAK Server "takproto": 0xBF, a varint length of the TakMessage, the TakMessage). A
// connection starts in XML; when a 0xBF byte comes where an XML event could start (between
// events, nothing held), the stream is TAK protocol from there on (TAK clients switch after
// the protocol negotiation and never switch back). A TAK record is the whole frame (0xBF,
// varint, message). Resynchronisation in TAK mode: a byte other than 0xBF where a frame
// should start, a length of 0 or one making the frame longer than max_record, or a varint
// longer than 5 bytes is reported (one error per run) and the bytes skipped to the next
// 0xBF. A TAK mesh datagram
// (UDP: 0xBF, version 1, 0xBF, TakMessage; a stream frame is never 1 byte long, so "0xBF
// 0x01" cannot start one) is one record up to the end of the stream (Finish(): the end of
// the datagram).
class CotFramer final : public Framer {
 public:
  static constexpr uint8_t kTakMagic = 0xBF;
  static constexpr size_t kMaxVarintBytes = 5;  // lengths are 32-bit
  CotFramer(RecordCallback on_record, FramingErrorCallback on_error,
            size_t max_record = XmlEventFramer::kDefaultMaxRecord);
  void Push(std::span<const uint8_t> bytes) override;
  void Finish() override;
  size_t buffered() const override { return tak_ ? frame_.size() : xml_.buffered(); }

 private:
  void TakByte(uint8_t byte, uint64_t offset);
  void SyncStats();
  XmlEventFramer xml_;
  bool tak_ = false;             // TAK protocol mode
  std::vector<uint8_t> frame_;   // partial TAK frame
  uint64_t frame_start_ = 0;
  size_t need_ = 0;              // frame size once the varint is read; 0 before
  bool mesh_ = false;            // a mesh datagram: the frame runs to the end of the stream
  bool in_garbage_run_ = false;
  uint64_t tak_skipped_ = 0;
};

// MPEG-2 transport stream packets (ISO/IEC 13818-1 §2.4.3.2: 188 bytes, sync byte 0x47),
// as MISB ST 1402 / STANAG 4609 carry KLV metadata: a record is one whole transport packet.
// A UDP datagram holds whole packets (usually 7); a TS file or TCP stream is cut into them.
// Resynchronisation: where a packet should start and the byte is not 0x47, the bytes are
// skipped (one error per run) up to the next 0x47. max_record is fixed (kPacketBytes).
class TsPacketFramer final : public Framer {
 public:
  static constexpr size_t kPacketBytes = 188;
  static constexpr uint8_t kSyncByte = 0x47;
  TsPacketFramer(RecordCallback on_record, FramingErrorCallback on_error);
  void Push(std::span<const uint8_t> bytes) override;
  void Finish() override;
  size_t buffered() const override { return size_; }

 private:
  uint8_t packet_[kPacketBytes] = {};
  size_t size_ = 0;
  uint64_t start_ = 0;
  bool in_garbage_run_ = false;
};

// STANAG 4607 (AEDP-7 edition 3, §2.2 "Packet Header") packets: a 32-byte header whose P1
// (bytes 0..1) is the version as two ASCII digits and P2 (bytes 2..5, big-endian u32) the
// size of the whole packet, header included. A record is one whole packet. A header whose
// P1 is not two digits or whose P2 is below 32 or above max_record is garbage: one byte is
// skipped and the next offset tried (one error per run of skipped bytes), so a corrupt size
// never makes the framer swallow or wait for megabytes.
class GmtiFramer final : public Framer {
 public:
  static constexpr size_t kHeaderBytes = 32;
  static constexpr size_t kVersionBytes = 2;
  static constexpr size_t kSizeOffset = 2;  // P2
  static constexpr size_t kSizeBytes = 4;
  static constexpr size_t kDefaultMaxRecord = size_t{1} << 20;
  GmtiFramer(RecordCallback on_record, FramingErrorCallback on_error,
             size_t max_record = kDefaultMaxRecord);
  void Push(std::span<const uint8_t> bytes) override;
  void Finish() override;
  size_t buffered() const override { return packet_.size(); }

 private:
  std::vector<uint8_t> packet_;  // partial packet (header first)
  uint64_t start_ = 0;           // offset of packet_[0]
  size_t need_ = 0;              // P2 of the packet being read; 0 while checking a header
  bool in_garbage_run_ = false;
};

// The framings a feed configuration names.
enum class Framing : uint8_t { kLine, kBeast, kAsterix, kCotXml, kMpegTs, kGmti, kCot };
// "line", "beast", "asterix", "cot-xml", "mpeg-ts", "gmti", "cot" (XML or TAK protocol)
std::string_view FramingName(Framing framing);
Result<Framing> ParseFraming(std::string_view name);
// max_record 0: the framing's default.
std::unique_ptr<Framer> MakeFramer(Framing framing, RecordCallback on_record,
                                   FramingErrorCallback on_error, size_t max_record = 0);

}  // namespace biac::net
