#pragma once

// Framing of CoT XML carried on a TCP stream: events are concatenated with no delimiter,
// possibly with XML declarations, comments and white space between them (ATAK and TAK
// Server streaming on port 8087 send exactly this). The framer cuts the byte stream into
// one text per <event>; a malformed or truncated event spoils only itself, because the next
// frame starts at the next "<event" whatever came before.
//
// Known limit: a literal "</event" or "<event " inside a comment or CDATA section of an
// event's detail would end or split that frame early (CoT producers do not send such text).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace biac::formats::cot {

struct XmlFrame {
  std::string_view text;  // the event's bytes, or the skipped bytes when `error` is set
  uint64_t offset = 0;    // of text's first byte, from the start of the stream
  // Empty for an event frame (which may still be malformed XML: the decoder says so);
  // otherwise why these bytes are not an event ("not an event", "event too long").
  std::string_view error;
};

class XmlStreamFramer {
 public:
  static constexpr size_t kDefaultMaxEventBytes = 1 << 20;

  explicit XmlStreamFramer(size_t max_event_bytes = kDefaultMaxEventBytes)
      : max_event_bytes_(max_event_bytes) {}

  // Adds bytes from the stream. Invalidates the text of frames returned before.
  void Append(std::string_view bytes);
  // Marks the end of the stream: the bytes still held become the last frame(s).
  void Finish() { finished_ = true; }

  // The next frame, if one is complete; false when more input is needed (or, after Finish,
  // when everything was returned).
  bool Next(XmlFrame& frame);

 private:
  // Position of the next "<event" start tag at or after `from`, or npos; `partial` is set
  // if the buffer ends in a prefix of one (more bytes could make it a start tag).
  size_t FindEventStart(size_t from, bool& partial) const;
  bool EmitRange(size_t end, std::string_view error, XmlFrame& frame);

  std::string buffer_;
  size_t position_ = 0;         // first unread byte of buffer_
  uint64_t buffer_offset_ = 0;  // stream offset of buffer_[0]
  size_t max_event_bytes_;
  bool finished_ = false;
};

}  // namespace biac::formats::cot
