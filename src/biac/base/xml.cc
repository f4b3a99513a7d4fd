#include "biac/base/xml.h"

namespace biac {
namespace {

constexpr uint32_t kFirstNonControl = 0x20;  // C0 controls are 0x00-0x1F

// "&#NN;": two decimal digits, enough for a C0 control.
void AppendControlReference(std::string& out, uint32_t code) {
  out += "&#";
  out += static_cast<char>('0' + code / 10);
  out += static_cast<char>('0' + code % 10);
  out += ';';
}

// Appends the escape of one character that needs one; returns false for any other.
bool AppendEscape(std::string& out, uint32_t c, XmlPlace place) {
  switch (c) {
    case '&':
      out += "&amp;";
      return true;
    case '<':
      out += "&lt;";
      return true;
    case '>':
      out += "&gt;";
      return true;
    case '"':
      if (place != XmlPlace::kAttribute) return false;
      out += "&quot;";
      return true;
    case '\t':
    case '\n':
    case '\r':
      AppendControlReference(out, c);
      return true;
    default:
      return false;
  }
}

}  // namespace

size_t Utf8Sequence(std::string_view text, size_t i, uint32_t& code_point) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  size_t length = 0;
  uint32_t min = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, code_point = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code_point = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code_point = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return length;
}

bool IsXmlChar(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

void AppendXmlEscaped(std::string& out, std::string_view text, XmlPlace place,
                      XmlNonCharacters policy) {
  if (policy == XmlNonCharacters::kPassThrough) {
    for (const char ch : text) {
      const auto c = static_cast<uint32_t>(static_cast<unsigned char>(ch));
      if (AppendEscape(out, c, place)) continue;
      if (c < kFirstNonControl) {
        AppendControlReference(out, c);
      } else {
        out += ch;
      }
    }
    return;
  }
  for (size_t i = 0; i < text.size();) {
    uint32_t c = 0;
    const size_t n = Utf8Sequence(text, i, c);
    if (n == 0 || !IsXmlChar(c)) {
      out += kUtf8Replacement;
      i += n == 0 ? 1 : n;
      continue;
    }
    if (!AppendEscape(out, c, place)) out.append(text.substr(i, n));
    i += n;
  }
}

}  // namespace biac
