#include "biac/formats/cot/xml_subset.h"

#include <array>
#include <cstring>

namespace biac::formats::cot::internal {
namespace {

// XML 1.0 (Fifth Edition) productions, restricted as xml_subset.h says.
constexpr std::string_view kDeclarationOpen = "<?xml";  // section 2.8, XMLDecl
constexpr std::string_view kDeclarationClose = "?>";
constexpr char kReferenceOpen = '&';  // section 4.1, Reference
constexpr char kReferenceClose = ';';
constexpr char kCharReference = '#';     // CharRef: '&#' [0-9]+ ';' | '&#x' [0-9a-fA-F]+ ';'
constexpr char kHexMarker = 'x';         // pugixml reads only a lower-case x as hexadecimal
constexpr size_t kMaxDecimalDigits = 7;  // 1114111 = U+10FFFF
constexpr size_t kMaxHexDigits = 6;      // 10FFFF
constexpr uint32_t kMaxCodePoint = 0x10FFFF;

struct PredefinedEntity {  // section 4.6
  std::string_view name;
  char value;
};
constexpr PredefinedEntity kPredefinedEntities[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
};

// Character classes, looked up per byte. S (section 2.3) is the four white-space
// characters; names are the ASCII part of NameStartChar and NameChar (section 2.3); text
// and attribute values are copied as they are unless they hold a byte that needs work.
enum CharClass : uint8_t {
  kSpaceClass = 1 << 0,
  kNameStartClass = 1 << 1,
  kNameClass = 1 << 2,
  kTextWorkClass = 1 << 3,       // '&' (reference) or CR (end of line)
  kAttributeWorkClass = 1 << 4,  // '&', tab, LF, CR (normalised) or '<' (declined)
  kDoubleQuoteClass = 1 << 5,
  kSingleQuoteClass = 1 << 6,
};

constexpr std::array<uint8_t, 256> MakeCharClasses() {
  std::array<uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    uint8_t k = 0;
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool digit = c >= '0' && c <= '9';
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') k |= kSpaceClass;
    if (letter || c == '_' || c == ':') k |= kNameStartClass | kNameClass;
    if (digit || c == '-' || c == '.') k |= kNameClass;
    if (c == '&' || c == '\r') k |= kTextWorkClass;
    if (c == '&' || c == '\t' || c == '\n' || c == '\r' || c == '<') k |= kAttributeWorkClass;
    if (c == '"') k |= kDoubleQuoteClass;
    if (c == '\'') k |= kSingleQuoteClass;
    classes[static_cast<size_t>(c)] = k;
  }
  return classes;
}
constexpr std::array<uint8_t, 256> kCharClasses = MakeCharClasses();

bool Is(char c, uint8_t char_class) {
  return (kCharClasses[static_cast<unsigned char>(c)] & char_class) != 0;
}
bool IsSpace(char c) { return Is(c, kSpaceClass); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameStart(char c) { return Is(c, kNameStartClass); }
bool IsNameChar(char c) { return Is(c, kNameClass); }

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// UTF-8 of `code` (RFC 3629 bit layout; surrogates are encoded like any other value, as
// pugixml's utf8_writer does).
void AppendUtf8(uint32_t code, std::string& out) {
  constexpr uint32_t kOneByteLimit = 0x80;
  constexpr uint32_t kTwoByteLimit = 0x800;
  constexpr uint32_t kThreeByteLimit = 0x10000;
  constexpr uint32_t kContinuation = 0x80;
  constexpr uint32_t kSixBits = 0x3F;
  if (code < kOneByteLimit) {
    out += static_cast<char>(code);
  } else if (code < kTwoByteLimit) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(kContinuation | (code & kSixBits));
  } else if (code < kThreeByteLimit) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(kContinuation | ((code >> 6) & kSixBits));
    out += static_cast<char>(kContinuation | (code & kSixBits));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(kContinuation | ((code >> 12) & kSixBits));
    out += static_cast<char>(kContinuation | ((code >> 6) & kSixBits));
    out += static_cast<char>(kContinuation | (code & kSixBits));
  }
}

// Replaces the reference starting at text[at] ('&'); advances `at` past it. False for
// anything but a predefined entity or a character reference to U+0001..U+10FFFF (pugixml
// keeps unknown references as written, and writes U+0000 as a string terminator).
bool AppendReference(std::string_view text, size_t& at, std::string& out) {
  const size_t close = text.find(kReferenceClose, at + 1);
  if (close == std::string_view::npos) return false;
  const std::string_view body = text.substr(at + 1, close - at - 1);
  at = close + 1;
  if (body.empty()) return false;
  if (body[0] != kCharReference) {
    for (const PredefinedEntity& entity : kPredefinedEntities) {
      if (body == entity.name) {
        out += entity.value;
        return true;
      }
    }
    return false;
  }
  const bool hex = body.size() > 1 && body[1] == kHexMarker;
  const std::string_view digits = body.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > (hex ? kMaxHexDigits : kMaxDecimalDigits)) return false;
  uint32_t code = 0;
  for (const char c : digits) {
    const int digit = hex ? HexValue(c) : (IsDigit(c) ? c - '0' : -1);
    if (digit < 0) return false;
    code = code * (hex ? 16 : 10) + static_cast<uint32_t>(digit);
  }
  if (code == 0 || code > kMaxCodePoint) return false;
  AppendUtf8(code, out);
  return true;
}

}  // namespace

bool SubsetParser::Parse(std::string_view xml) {
  xml_ = xml;
  pos_ = 0;
  root_ = kNoNode;
  depth_ = 0;
  nodes_.clear();
  attributes_.clear();
  text_.clear();
  // Replaced text is never longer than what it replaces, so this capacity suffices and
  // views into text_ stay valid while the document is parsed.
  text_.reserve(xml.size());
  if (std::memchr(xml.data(), '\0', xml.size()) != nullptr) return false;
  return ParseDocument();
}

int32_t SubsetParser::AddNode(const SubsetNode& node) {
  const auto index = static_cast<int32_t>(nodes_.size());
  nodes_.push_back(node);
  if (depth_ == 0) {
    root_ = index;
    return index;
  }
  Open& parent = open_[depth_ - 1];
  if (parent.last_child == kNoNode) {
    nodes_[static_cast<size_t>(parent.node)].first_child = index;
  } else {
    nodes_[static_cast<size_t>(parent.last_child)].next_sibling = index;
  }
  parent.last_child = index;
  return index;
}

bool SubsetParser::ParseDocument() {
  const std::string_view xml = xml_;
  auto skip_space = [&]() {
    while (pos_ < xml.size() && IsSpace(xml[pos_])) ++pos_;
  };
  skip_space();
  if (xml.substr(pos_, kDeclarationOpen.size()) == kDeclarationOpen &&
      pos_ + kDeclarationOpen.size() < xml.size() && IsSpace(xml[pos_ + kDeclarationOpen.size()])) {
    const size_t close = xml.find(kDeclarationClose, pos_ + kDeclarationOpen.size());
    if (close == std::string_view::npos) return false;
    pos_ = close + kDeclarationClose.size();
    skip_space();
  }
  if (pos_ + 1 >= xml.size() || xml[pos_] != '<' || !IsNameStart(xml[pos_ + 1])) return false;
  bool self_closing = false;
  if (!ParseStartTag(self_closing)) return false;
  while (depth_ > 0) {
    const size_t lt = xml.find('<', pos_);
    if (lt == std::string_view::npos || lt + 1 >= xml.size()) return false;
    if (lt > pos_ && !AddText(pos_, lt)) return false;
    pos_ = lt;
    const char next = xml[lt + 1];
    if (next == '/') {
      if (!ParseEndTag()) return false;
    } else if (IsNameStart(next)) {
      if (!ParseStartTag(self_closing)) return false;
    } else {
      return false;  // comment, CDATA, DOCTYPE, processing instruction or a stray '<'
    }
  }
  skip_space();
  return pos_ == xml.size();
}

bool SubsetParser::ParseStartTag(bool& self_closing) {
  const std::string_view xml = xml_;
  size_t at = pos_ + 1;  // after '<'
  const size_t name_begin = at;
  while (at < xml.size() && IsNameChar(xml[at])) ++at;
  SubsetNode element;
  element.element = true;
  element.name = xml.substr(name_begin, at - name_begin);
  element.first_attribute = static_cast<uint32_t>(attributes_.size());
  while (true) {
    const size_t before_space = at;
    while (at < xml.size() && IsSpace(xml[at])) ++at;
    if (at >= xml.size()) return false;
    if (xml[at] == '>' || xml[at] == '/') {
      self_closing = xml[at] == '/';
      if (self_closing && (at + 1 >= xml.size() || xml[at + 1] != '>')) return false;
      pos_ = at + (self_closing ? 2 : 1);
      break;
    }
    if (at == before_space || !IsNameStart(xml[at])) return false;  // attributes need space
    const size_t attribute_begin = at;
    while (at < xml.size() && IsNameChar(xml[at])) ++at;
    const std::string_view name = xml.substr(attribute_begin, at - attribute_begin);
    while (at < xml.size() && IsSpace(xml[at])) ++at;
    if (at >= xml.size() || xml[at] != '=') return false;
    ++at;
    while (at < xml.size() && IsSpace(xml[at])) ++at;
    if (at >= xml.size() || (xml[at] != '"' && xml[at] != '\'')) return false;
    const char quote = xml[at];
    const size_t value_begin = at + 1;
    // One pass to the closing quote that also notes whether the value needs work (the
    // common value does not, and is then a view into the input).
    const uint8_t stop =
        kAttributeWorkClass | (quote == '"' ? kDoubleQuoteClass : kSingleQuoteClass);
    size_t value_end = value_begin;
    while (value_end < xml.size() && !Is(xml[value_end], stop)) ++value_end;
    const bool plain = value_end < xml.size() && xml[value_end] == quote;
    if (!plain) value_end = xml.find(quote, value_end);
    if (value_end == std::string_view::npos) return false;
    at = value_end + 1;
    // XML 1.0 section 3.1 (Unique Att Spec); pugixml keeps duplicates, so decline them.
    for (size_t k = element.first_attribute; k < attributes_.size(); ++k) {
      if (attributes_[k].name == name) return false;
    }
    SubsetAttribute& attribute = attributes_.emplace_back();
    attribute.name = name;
    if (plain) {
      attribute.value = xml.substr(value_begin, value_end - value_begin);
    } else if (!DecodeText(value_begin, value_end, true, attribute.value)) {
      return false;
    }
    ++element.attribute_count;
  }
  const int32_t index = AddNode(element);
  if (!self_closing) {
    if (depth_ >= kMaxDepth) return false;
    open_[depth_++] = Open{index, kNoNode};
  }
  return true;
}

bool SubsetParser::ParseEndTag() {
  const std::string_view xml = xml_;
  const std::string_view name = nodes_[static_cast<size_t>(open_[depth_ - 1].node)].name;
  size_t at = pos_ + 2;  // after "</"
  if (xml.substr(at, name.size()) != name) return false;
  at += name.size();
  while (at < xml.size() && IsSpace(xml[at])) ++at;
  if (at >= xml.size() || xml[at] != '>') return false;
  pos_ = at + 1;
  --depth_;
  return true;
}

bool SubsetParser::AddText(size_t begin, size_t end) {
  const std::string_view run = xml_.substr(begin, end - begin);
  bool space_only = true;
  for (const char c : run) space_only = space_only && IsSpace(c);
  // pugixml with parse_ws_pcdata_single keeps white space only as the first child of an
  // element that closes right after it; between elements it is layout.
  if (space_only && (xml_[end + 1] != '/' || open_[depth_ - 1].last_child != kNoNode)) {
    return true;
  }
  SubsetNode text;
  if (!DecodeText(begin, end, false, text.text)) return false;
  AddNode(text);
  return true;
}

bool SubsetParser::DecodeText(size_t begin, size_t end, bool attribute, std::string_view& out) {
  const std::string_view raw = xml_.substr(begin, end - begin);
  const uint8_t work = attribute ? kAttributeWorkClass : kTextWorkClass;
  bool plain = true;
  for (const char c : raw) {
    if (!Is(c, work)) continue;
    if (c == '<') return false;  // in a value: allowed by pugixml, not by XML; decline
    plain = false;
  }
  if (plain) {
    out = raw;
    return true;
  }
  if (text_.size() + raw.size() > text_.capacity()) return false;  // cannot happen (Parse)
  const size_t first = text_.size();
  for (size_t at = 0; at < raw.size();) {
    const char c = raw[at];
    if (c == kReferenceOpen) {
      if (!AppendReference(raw, at, text_)) return false;
      continue;
    }
    ++at;
    if (c == '\r') {
      // Section 2.11: CR LF and a lone CR become LF; in an attribute value every white-space
      // character then becomes a space (section 3.3.3).
      if (at < raw.size() && raw[at] == '\n') ++at;
      text_ += attribute ? ' ' : '\n';
    } else if (attribute && IsSpace(c)) {
      text_ += ' ';
    } else {
      text_ += c;
    }
  }
  out = std::string_view(text_).substr(first);
  return true;
}

}  // namespace biac::formats::cot::internal
