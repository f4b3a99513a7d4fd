#pragma once

// TAK Protocol, Version 1 (the protobuf form of CoT used by ATAK, WinTAK and TAK Server),
// in its two framings:
//   mesh (UDP multicast):  0xBF, varint protocol version (1), 0xBF, TakMessage
//   stream (TCP):          0xBF, varint length of the TakMessage, TakMessage
// The TakMessage carries an optional TakControl and an optional CotEvent; a CotEvent's
// detail carries typed messages for contact, __group, precisionlocation, status, takv and
// track, and every other detail child as XML text (xmlDetail). See proto/tak_protocol_v1.proto.
//
// Mapping to Event: times are milliseconds (sub-millisecond digits are dropped on encode);
// event version is not carried ("2.0" on decode); a typed detail child goes into its
// protobuf message only when it fits it (a contact with a phone goes into xmlDetail, as do
// remarks, links and everything else); on decode a child present both in xmlDetail and as a
// message is taken from xmlDetail, as detail.proto tells receivers.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "biac/base/status.h"
#include "biac/formats/cot/event.h"

namespace biac::formats::cot {

inline constexpr uint8_t kTakMagic = 0xBF;
inline constexpr uint32_t kTakProtocolVersion = 1;

struct TakControl {
  uint32_t min_proto_version = 0;  // 0 reads as 1
  uint32_t max_proto_version = 0;  // 0 reads as 1
  std::string contact_uid;
  friend bool operator==(const TakControl&, const TakControl&) = default;
};

struct TakMessage {
  std::optional<TakControl> control;
  std::optional<OwnedEvent> event;  // owns its text
  uint64_t submission_time_ms = 0;  // TAK Server only; 0 = absent
  uint64_t creation_time_ms = 0;    // TAK Server only; 0 = absent
  friend bool operator==(const TakMessage&, const TakMessage&) = default;
};

// The TakMessage protobuf alone (no framing).
Result<TakMessage> DecodeTakMessage(std::span<const uint8_t> payload);
std::string EncodeTakMessage(const TakMessage& message);

// Mesh framing: one whole datagram. The version must be 1.
Result<TakMessage> DecodeMesh(std::span<const uint8_t> datagram);
std::string EncodeMesh(const Event& event);
// Stream framing of one message.
std::string EncodeStream(const Event& event);

// Cuts a TCP byte stream into stream-framed payloads.
class TakStreamFramer {
 public:
  static constexpr size_t kDefaultMaxMessageBytes = 1 << 20;

  explicit TakStreamFramer(size_t max_message_bytes = kDefaultMaxMessageBytes)
      : max_message_bytes_(max_message_bytes) {}

  // Adds bytes. Invalidates the payloads returned before.
  void Append(std::span<const uint8_t> bytes);

  struct Frame {
    std::span<const uint8_t> payload;  // the TakMessage bytes (empty when error is set)
    uint64_t offset = 0;               // of the frame's magic byte in the stream
    std::string error;                 // why the bytes at `offset` are not a frame
  };
  // The next frame, or false when more bytes are needed. A bad magic byte or length gives
  // an error frame and the framer resynchronises at the next 0xBF.
  bool Next(Frame& frame);
  // Bytes held that do not yet form a frame (a truncated last frame, at end of input).
  size_t pending() const { return buffer_.size() - position_; }
  uint64_t pending_offset() const { return buffer_offset_ + position_; }

 private:
  std::string buffer_;
  size_t position_ = 0;
  uint64_t buffer_offset_ = 0;
  size_t max_message_bytes_;
};

}  // namespace biac::formats::cot
