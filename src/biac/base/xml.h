#pragma once

// Text written into XML 1.0 (Fifth Edition) documents by hand (the KML and CoT exports, the
// CoT writer): UTF-8 sequences, the characters XML can carry, and escaping for character
// data and double-quoted attribute values.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace biac {

// U+FFFD REPLACEMENT CHARACTER in UTF-8.
inline constexpr std::string_view kUtf8Replacement = "\xEF\xBF\xBD";

// Decodes one UTF-8 sequence (RFC 3629 section 3: no overlong forms, no surrogates, at most
// U+10FFFF) at text[i] (i < text.size()); returns its length, or 0 when the bytes there are
// not valid UTF-8.
size_t Utf8Sequence(std::string_view text, size_t i, uint32_t& code_point);

// XML 1.0 section 2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
// [#x10000-#x10FFFF].
bool IsXmlChar(uint32_t code_point);

enum class XmlPlace {
  kText,       // character data (section 2.4)
  kAttribute,  // a double-quoted attribute value (section 3.1)
};

// What becomes of what XML 1.0 cannot carry as a character: invalid UTF-8 and the C0 controls
// other than tab, LF and CR.
enum class XmlNonCharacters {
  // Each invalid byte or sequence and each such control is written as U+FFFD: the output is
  // well-formed XML 1.0 (exports read by any XML tool).
  kReplace,
  // Bytes are written as they are, C0 controls as two-digit character references ("&#01;",
  // as pugixml writes them). Every byte comes back through a reader that accepts such
  // references (pugixml, biac's CoT reader), but a control makes the output not well-formed
  // XML 1.0 (section 4.1 WFC: Legal Character). For round trips of CoT events.
  kPassThrough,
};

// Appends `text` escaped for `place`: '&', '<' and '>' (for "]]>") always as &amp; &lt; &gt;,
// '"' as &quot; in attribute values; tab, LF and CR as the references &#09; &#10; &#13;
// everywhere, so that attribute-value normalisation (section 3.3.3) and end-of-line handling
// (section 2.11) keep them and text made only of white space is not taken for layout. The
// rest as `policy` says.
void AppendXmlEscaped(std::string& out, std::string_view text, XmlPlace place,
                      XmlNonCharacters policy);

}  // namespace biac
