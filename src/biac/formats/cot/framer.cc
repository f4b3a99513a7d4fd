#include "biac/formats/cot/framer.h"

#include <algorithm>

namespace biac::formats::cot {
namespace {

constexpr std::string_view kEventOpen = "<event";
constexpr std::string_view kEventClose = "</event";
constexpr std::string_view kDeclarationOpen = "<?";
constexpr std::string_view kDeclarationClose = "?>";
constexpr std::string_view kCommentOpen = "<!--";
constexpr std::string_view kCommentClose = "-->";
constexpr std::string_view kNotAnEvent = "not a CoT event (skipped to the next <event)";
constexpr std::string_view kTooLong = "event longer than the framing limit (skipped)";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A name ends at white space, '>' or '/' ("<events>" is not an event).
bool EndsName(char c) { return IsSpace(c) || c == '>' || c == '/'; }

}  // namespace

void XmlStreamFramer::Append(std::string_view bytes) {
  if (position_ > 0 && position_ >= buffer_.size() / 2) {
    buffer_.erase(0, position_);
    buffer_offset_ += position_;
    position_ = 0;
  }
  buffer_.append(bytes);
}

size_t XmlStreamFramer::FindEventStart(size_t from, bool& partial) const {
  partial = false;
  const std::string_view data(buffer_);
  for (size_t at = data.find('<', from); at != std::string_view::npos;
       at = data.find('<', at + 1)) {
    const std::string_view rest = data.substr(at);
    if (rest.size() <= kEventOpen.size()) {
      if (kEventOpen.substr(0, rest.size()) == rest) {
        partial = true;
        return std::string_view::npos;
      }
      continue;
    }
    if (rest.substr(0, kEventOpen.size()) == kEventOpen && EndsName(rest[kEventOpen.size()])) {
      return at;
    }
  }
  return std::string_view::npos;
}

bool XmlStreamFramer::EmitRange(size_t end, std::string_view error, XmlFrame& frame) {
  if (error.empty() && end - position_ > max_event_bytes_) error = kTooLong;
  frame.text = std::string_view(buffer_).substr(position_, end - position_);
  frame.offset = buffer_offset_ + position_;
  frame.error = error;
  position_ = end;
  return true;
}

bool XmlStreamFramer::Next(XmlFrame& frame) {
  const std::string_view data(buffer_);
  while (true) {
    while (position_ < data.size() && IsSpace(data[position_])) ++position_;
    if (position_ >= data.size()) return false;
    const std::string_view rest = data.substr(position_);
    // XML declarations, processing instructions and comments between events.
    if (rest.substr(0, kDeclarationOpen.size()) == kDeclarationOpen ||
        rest.substr(0, kCommentOpen.size()) == kCommentOpen) {
      const bool comment = rest.substr(0, kCommentOpen.size()) == kCommentOpen;
      const std::string_view close = comment ? kCommentClose : kDeclarationClose;
      const size_t end = rest.find(close);
      if (end == std::string_view::npos) {
        if (!finished_ && rest.size() <= max_event_bytes_) return false;
        return EmitRange(data.size(), kNotAnEvent, frame);
      }
      position_ += end + close.size();
      continue;
    }
    if (!finished_ && rest.size() < kCommentOpen.size() &&
        (kCommentOpen.substr(0, rest.size()) == rest ||
         kEventOpen.substr(0, rest.size()) == rest)) {
      return false;  // could still become a comment or an event
    }
    bool partial = false;
    const size_t start = FindEventStart(position_, partial);
    if (start != position_) {
      // Bytes that are not an event: report them once, up to the next event start.
      if (start != std::string_view::npos) return EmitRange(start, kNotAnEvent, frame);
      if (finished_) return EmitRange(data.size(), kNotAnEvent, frame);
      // Keep a possible partial "<event" at the end; report the rest once it is long.
      const size_t keep = partial ? data.rfind('<') : data.size();
      if (keep - position_ > max_event_bytes_) return EmitRange(keep, kNotAnEvent, frame);
      return false;
    }
    // An event starts here: it ends after "</event...>", or is cut short by the next start.
    const size_t search_from = position_ + kEventOpen.size();
    size_t close = data.find(kEventClose, search_from);
    while (close != std::string_view::npos && close + kEventClose.size() < data.size() &&
           !EndsName(data[close + kEventClose.size()])) {
      close = data.find(kEventClose, close + 1);
    }
    bool next_partial = false;
    const size_t next = FindEventStart(search_from, next_partial);
    if (close != std::string_view::npos && (next == std::string_view::npos || close < next)) {
      const size_t gt = data.find('>', close + kEventClose.size());
      if (gt != std::string_view::npos && (next == std::string_view::npos || gt < next)) {
        return EmitRange(gt + 1, {}, frame);
      }
      if (gt == std::string_view::npos && !finished_) return false;
    }
    if (next != std::string_view::npos) return EmitRange(next, {}, frame);  // truncated event
    if (finished_) return EmitRange(data.size(), {}, frame);
    if (data.size() - position_ > max_event_bytes_) {
      return EmitRange(next_partial ? data.rfind('<') : data.size(), kTooLong, frame);
    }
    return false;
  }
}

}  // namespace biac::formats::cot
